//! Parsing of the settings that are more than a word: database, public and SMTP URLs,
//! the sender's mailbox.

use super::{ConfigError, Database};
use std::path::PathBuf;
use url::Url;

/// An error for `variable`.
pub(super) fn invalid(variable: &'static str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        variable,
        message: message.into(),
    }
}

/// A whole number in `range` (`default` when unset), e.g. `ATTEST_SMTP_TIMEOUT`.
pub(super) fn number_in<T>(
    variable: &'static str,
    text: Option<&str>,
    default: T,
    range: std::ops::RangeInclusive<T>,
    unit: &str,
) -> Result<T, ConfigError>
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display,
{
    let Some(text) = text else {
        return Ok(default);
    };
    text.trim()
        .parse::<T>()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| {
            invalid(
                variable,
                format!(
                    "{text:?} is not a number of {unit} from {} to {}",
                    range.start(),
                    range.end()
                ),
            )
        })
}

/// Reads `ATTEST_DATABASE_URL`: `sqlite://PATH`, a path, or `postgres://…`; any other
/// scheme (a typo such as `postgress://`) is refused rather than taken for a file name.
pub(super) fn parse_database_url(url: &str) -> Result<Database, ConfigError> {
    const VAR: &str = "ATTEST_DATABASE_URL";
    let url = url.trim();
    if let Some(path) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    {
        if path.is_empty() {
            return Err(invalid(VAR, "sqlite:// needs a file path"));
        }
        return Ok(Database::Sqlite(PathBuf::from(path)));
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let parsed =
            Url::parse(url).map_err(|e| invalid(VAR, format!("not a PostgreSQL URL ({e})")))?;
        if parsed.host().is_none() || parsed.path().trim_matches('/').is_empty() {
            return Err(invalid(VAR, "a PostgreSQL URL names a host and a database: postgres://user:pass@host:5432/attest"));
        }
        return Ok(Database::Postgres(url.to_owned()));
    }
    let has_scheme = url.split_once(':').is_some_and(|(scheme, _)| {
        !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
    });
    if url.is_empty() || has_scheme {
        return Err(invalid(
            VAR,
            "not sqlite://PATH, postgres://USER:PASS@HOST/DB or a file path".to_owned(),
        ));
    }
    Ok(Database::Sqlite(PathBuf::from(url)))
}

pub(super) fn parse_public_url(text: &str) -> Result<Url, ConfigError> {
    public_url_of("ATTEST_PUBLIC_URL", text)
}

/// The earlier addresses of this portal, comma-separated, each as `ATTEST_PUBLIC_URL` is.
pub(super) fn parse_former_public_urls(text: &str) -> Result<Vec<Url>, ConfigError> {
    text.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| public_url_of("ATTEST_FORMER_PUBLIC_URLS", t))
        .collect()
}

/// An http(s) address without query or fragment, from setting `var`.
fn public_url_of(var: &'static str, text: &str) -> Result<Url, ConfigError> {
    let url = Url::parse(text.trim())
        .map_err(|e| invalid(var, format!("{text:?} is not a URL ({e})")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(invalid(
            var,
            format!("{text:?} must be an http:// or https:// address"),
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid(var, "must not have a query or fragment"));
    }
    Ok(url)
}

pub(super) fn parse_smtp_url(text: &str) -> Result<Url, ConfigError> {
    const VAR: &str = "ATTEST_SMTP_URL";
    let url = Url::parse(text.trim())
        .map_err(|_| invalid(VAR, "not a URL such as smtp://user:pass@host:587"))?;
    if !matches!(url.scheme(), "smtp" | "smtps") || url.host().is_none() {
        return Err(invalid(VAR, "must be smtp://… or smtps://… with a host"));
    }
    Ok(url)
}

pub(super) fn mailbox_is_valid(text: &str) -> bool {
    text.parse::<lettre::message::Mailbox>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    // Each bad value's exit code and message: tests/app/cli.rs.

    #[test]
    fn database_urls() {
        assert_eq!(
            parse_database_url("sqlite:///var/lib/attest.db").unwrap(),
            Database::Sqlite(PathBuf::from("/var/lib/attest.db"))
        );
        assert_eq!(
            parse_database_url("./x.db").unwrap(),
            Database::Sqlite(PathBuf::from("./x.db"))
        );
        assert_eq!(
            parse_database_url("postgres://u:p@localhost/attest").unwrap(),
            Database::Postgres("postgres://u:p@localhost/attest".into())
        );
        assert!(parse_database_url("postgres://localhost").is_err());
        assert!(parse_database_url("postgress://localhost/attest").is_err());
        assert!(parse_database_url("postgresql:/x").is_err());
    }
}
