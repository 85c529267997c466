//! Configuration, read once from flags and `ATTEST_*` environment variables (`ConfigArgs`,
//! each field documented there and in README.md's table), validated, and passed down as a
//! value.

use std::fmt;
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use url::Url;

mod args;
mod limits;
mod proxies;
pub use args::ConfigArgs;
pub use limits::Limits;
mod values;

pub use proxies::TrustedProxies;

use values::{
    invalid, mailbox_is_valid, number_in, parse_database_url, parse_former_public_urls,
    parse_public_url, parse_smtp_url,
};

/// Where the data lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Database {
    /// An SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL database, by its `postgres://` URL.
    Postgres(String),
}

impl Database {
    /// A description without credentials, for messages and logs.
    pub fn display(&self) -> String {
        match self {
            Database::Sqlite(path) => path.display().to_string(),
            Database::Postgres(url) => match Url::parse(url) {
                Ok(mut u) => {
                    let _ = u.set_password(None);
                    u.to_string()
                }
                Err(_) => "postgres://…".to_owned(),
            },
        }
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// The validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub bind: SocketAddr,
    pub data_dir: PathBuf,
    pub database: Database,
    /// A PostgreSQL standby that verification reads from, when there is one.
    pub database_read: Option<Database>,
    pub public_url: Url,
    /// Earlier addresses of the same portal (same keys): tokens issued there still verify.
    pub former_public_urls: Vec<Url>,
    pub smtp_url: Option<Url>,
    pub smtp_timeout: std::time::Duration,
    /// Seconds a status list may be cached (`ttl`, `Cache-Control: max-age`).
    pub status_list_ttl: i64,
    pub mail_from: String,
    pub log_format: LogFormat,
    /// Rate limits (verify and issue per minute configurable; tests lower the others).
    pub limits: Limits,
    /// The bearer token of `/metrics`; `None`: not served.
    pub metrics_token: Option<String>,
    /// The reverse proxies whose forwarding headers name the client.
    pub trusted_proxies: TrustedProxies,
    /// The time the portal acts on (the system clock; tests move it forward).
    pub clock: crate::clock::Clock,
    /// Who must log in with a second factor.
    pub second_factor: crate::domain::SecondFactorPolicy,
}

/// A setting that cannot be used, named by its environment variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub variable: &'static str,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.variable, self.message)
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// Validates the raw settings and fills in the defaults.
    pub fn from_args(args: &ConfigArgs) -> Result<Self, ConfigError> {
        let bind_text = args.bind.as_deref().unwrap_or("127.0.0.1:8080");
        let bind = bind_text
            .to_socket_addrs()
            .ok()
            .and_then(|mut addrs| addrs.next())
            .ok_or_else(|| {
                invalid(
                    "ATTEST_BIND",
                    format!("{bind_text:?} is not an address and port such as 127.0.0.1:8080"),
                )
            })?;
        let data_dir = args
            .data_dir
            .clone()
            .unwrap_or_else(|| PathBuf::from("data"));
        if data_dir.as_os_str().is_empty() {
            return Err(invalid("ATTEST_DATA_DIR", "must not be empty"));
        }
        let database = match args.database_url.as_deref() {
            None => Database::Sqlite(data_dir.join("attest.db")),
            Some(url) => parse_database_url(url)?,
        };
        let public_url = match args.public_url.as_deref() {
            None => Url::parse(&format!("http://{bind}/")).map_err(|e| {
                invalid(
                    "ATTEST_PUBLIC_URL",
                    format!("cannot derive it from the bind address: {e}"),
                )
            })?,
            Some(text) => parse_public_url(text)?,
        };
        let database_read = match args.database_read_url.as_deref() {
            None => None,
            Some(url) => match (&database, parse_database_url(url)?) {
                (Database::Postgres(_), Database::Postgres(read)) => Some(Database::Postgres(read)),
                _ => {
                    return Err(invalid(
                        "ATTEST_DATABASE_READ_URL",
                        "a PostgreSQL standby (postgres://…) of a PostgreSQL primary",
                    ))
                }
            },
        };
        let former_public_urls = args
            .former_public_urls
            .as_deref()
            .map(parse_former_public_urls)
            .transpose()?
            .unwrap_or_default();
        let smtp_url = args.smtp_url.as_deref().map(parse_smtp_url).transpose()?;
        let smtp_timeout = std::time::Duration::from_secs(number_in(
            "ATTEST_SMTP_TIMEOUT",
            args.smtp_timeout.as_deref(),
            10,
            1..=600,
            "seconds",
        )?);
        let status_list_ttl = number_in(
            "ATTEST_STATUS_LIST_TTL",
            args.status_list_ttl.as_deref(),
            300,
            10..=86_400,
            "seconds",
        )?;
        let defaults = Limits::default();
        let limits = Limits {
            verify_per_minute: number_in(
                "ATTEST_VERIFY_PER_MINUTE",
                args.verify_per_minute.as_deref(),
                defaults.verify_per_minute,
                1..=10_000_000,
                "verifications per minute",
            )?,
            issue_per_minute: number_in(
                "ATTEST_ISSUE_PER_MINUTE",
                args.issue_per_minute.as_deref(),
                defaults.issue_per_minute,
                1..=10_000_000,
                "issuances per minute",
            )?,
            ..defaults
        };
        let mail_from = args
            .mail_from
            .clone()
            .unwrap_or_else(|| "Attest <noreply@attest.localhost>".to_owned());
        if !mailbox_is_valid(&mail_from) {
            return Err(invalid(
                "ATTEST_MAIL_FROM",
                format!("{mail_from:?} is not an address such as \"Attest <noreply@example.cn>\""),
            ));
        }
        let log_format = match args.log_format.as_deref().unwrap_or("text") {
            "text" => LogFormat::Text,
            "json" => LogFormat::Json,
            other => {
                return Err(invalid(
                    "ATTEST_LOG_FORMAT",
                    format!("{other:?} is neither \"text\" nor \"json\""),
                ))
            }
        };
        let metrics_token = args
            .metrics_token
            .as_deref()
            .map(str::trim)
            .map(str::to_owned);
        if metrics_token
            .as_ref()
            .is_some_and(|t| t.chars().count() < 16)
        {
            return Err(invalid(
                "ATTEST_METRICS_TOKEN",
                "must be at least 16 characters (Prometheus sends it as a bearer token)",
            ));
        }
        let trusted_proxies =
            TrustedProxies::parse(args.trusted_proxies.as_deref().unwrap_or_default())
                .map_err(|m| invalid("ATTEST_TRUSTED_PROXIES", m))?;
        let second_factor = match args.require_2fa.as_deref() {
            None => Default::default(),
            Some(value) => crate::domain::SecondFactorPolicy::parse(value).ok_or_else(|| {
                invalid(
                    "ATTEST_REQUIRE_2FA",
                    format!("{value:?} is none of \"staff\", \"all\", \"none\""),
                )
            })?,
        };
        Ok(Self {
            bind,
            data_dir,
            database,
            database_read,
            public_url,
            former_public_urls,
            smtp_url,
            smtp_timeout,
            status_list_ttl,
            mail_from,
            log_format,
            limits,
            metrics_token,
            trusted_proxies,
            clock: Default::default(),
            second_factor,
        })
    }

    /// The portal's address without the trailing slash: the `iss` of its tokens and the
    /// start of every link it prints or mails.
    pub fn portal(&self) -> String {
        self.public_url.as_str().trim_end_matches('/').to_owned()
    }

    /// The `iss` values of tokens this portal accepts: its address now, then its earlier ones.
    pub fn issuers(&self) -> Vec<String> {
        std::iter::once(&self.public_url)
            .chain(&self.former_public_urls)
            .map(|u| u.as_str().trim_end_matches('/').to_owned())
            .collect()
    }

    /// Where the private signing keys live.
    pub fn keys_dir(&self) -> PathBuf {
        self.data_dir.join("keys")
    }

    /// True when people reach the portal over HTTPS (cookies are then `Secure`).
    pub fn served_over_https(&self) -> bool {
        self.public_url.scheme() == "https"
    }
}

#[cfg(test)]
mod tests;
