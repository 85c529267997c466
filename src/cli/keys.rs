//! `attest keys list|rotate`, `attest apikey create`, `attest verify`.

use super::CliError;
use crate::config::Config;
use crate::db::models::audit_log::{self, Action, AuditEntry};
use crate::db::models::{signing_keys, users};
use crate::db::DbConnection;
use crate::tokens::keys::PUBLISH_AFTER_RETIREMENT;
use crate::tokens::verify::{check_signature, time_status};
use crate::tokens::VerifyStatus;
use crate::verification::VerifyInput;
use jsonwebtoken::DecodingKey;

fn fail(message: impl Into<String>) -> CliError {
    CliError {
        message: message.into(),
        code: 1,
    }
}

/// Prints every key with its state.
pub fn list(conn: &mut DbConnection) -> Result<(), CliError> {
    let now = crate::db::now();
    let rows = signing_keys::list_newest_first(conn).map_err(anyhow::Error::from)?;
    let signer = rows
        .iter()
        .find(|r| r.retired_at.is_none())
        .map(|r| r.kid.clone());
    println!(
        "{:<44}  {:<19}  {:<19}  state",
        "kid", "created (UTC)", "retired (UTC)"
    );
    for row in &rows {
        let state = match row.retired_at {
            None if Some(&row.kid) == signer.as_ref() => "signing".to_owned(),
            None => "active".to_owned(),
            Some(at) if at + PUBLISH_AFTER_RETIREMENT > now => {
                format!(
                    "verifying until {}",
                    (at + PUBLISH_AFTER_RETIREMENT).format("%Y-%m-%d")
                )
            }
            Some(_) => "unpublished".to_owned(),
        };
        let retired = row
            .retired_at
            .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
            .unwrap_or_else(|| "-".into());
        println!(
            "{:<44}  {:<19}  {:<19}  {state}",
            row.kid,
            row.created_at.format("%Y-%m-%d %H:%M:%S"),
            retired
        );
    }
    Ok(())
}

/// Makes a new signing key and retires the others.
pub fn rotate(config: &Config, conn: &mut DbConnection) -> Result<(), CliError> {
    let kid = crate::tokens::keys::rotate(conn, &config.keys_dir())?;
    audit_log::insert(
        conn,
        &AuditEntry::new(Action::SigningKeyRotated, None, Some(&kid)),
    )
    .map_err(anyhow::Error::from)?;
    println!("new signing key {kid}; running servers use it within 30 seconds");
    Ok(())
}

/// Creates an API key for the party of the user `email` and prints it.
pub fn apikey_create(
    config: &Config,
    conn: &mut DbConnection,
    email: &str,
    name: &str,
) -> Result<(), CliError> {
    let email = crate::domain::fields::email(email).map_err(|k| super::invalid("--email", k))?;
    let name = crate::domain::fields::Text::required(name, crate::domain::fields::Limit::Chars50)
        .map_err(|k| super::invalid("--name", k))?;
    let user = users::find_by_email(conn, &email)
        .map_err(anyhow::Error::from)?
        .ok_or_else(|| fail(format!("there is no user {email}")))?;
    let party_id = user
        .party_id
        .ok_or_else(|| fail(format!("{email} is not the user of a party")))?;
    let secrets = crate::secrets::Secrets::load_or_create(&config.data_dir)?;
    let (_, key) =
        crate::accounts::create_api_key(conn, &secrets, &party_id, &name, Some(&user.id))?;
    println!("{key}");
    Ok(())
}

/// The `x` of every Ed25519 key in a JWK Set, by kid.
fn jwks_keys(text: &str) -> Result<Vec<(String, DecodingKey)>, CliError> {
    let jwks: serde_json::Value =
        serde_json::from_str(text).map_err(|e| fail(format!("--jwks: not JSON ({e})")))?;
    let keys = jwks["keys"]
        .as_array()
        .ok_or_else(|| fail("--jwks: no \"keys\" array"))?;
    Ok(keys
        .iter()
        .filter(|k| k["kty"] == "OKP" && k["crv"] == "Ed25519")
        .filter_map(|k| {
            let kid = k["kid"].as_str()?.to_owned();
            let key = DecodingKey::from_ed_components(k["x"].as_str()?).ok()?;
            Some((kid, key))
        })
        .collect())
}

fn read_jwks(source: &str) -> Result<String, CliError> {
    if source.starts_with("http://") || source.starts_with("https://") {
        ureq::get(source)
            .call()
            .and_then(|mut r| r.body_mut().read_to_string())
            .map_err(|e| fail(format!("--jwks: cannot fetch {source}: {e}")))
    } else {
        std::fs::read_to_string(source)
            .map_err(|e| fail(format!("--jwks: cannot read {source}: {e}")))
    }
}

/// Verifies a token offline; exit 0 only for a good signature within its validity.
pub fn verify_offline(input: &str, jwks: &str, issuer: Option<&str>) -> Result<(), CliError> {
    let keys = jwks_keys(&read_jwks(jwks)?)?;
    let VerifyInput::Token(token) = VerifyInput::parse(input) else {
        return Err(fail(
            "invalid: not a token (a short code can only be checked online at /verify)",
        ));
    };
    let issuers: Option<Vec<String>> = issuer.map(|i| vec![i.trim_end_matches('/').to_owned()]);
    let claims = check_signature(
        &token,
        |kid| keys.iter().find(|(k, _)| k == kid).map(|(_, key)| key),
        issuers.as_deref(),
    )
    .map_err(|reason| fail(format!("invalid: {}", crate::i18n::Lang::En.t(reason))))?;
    let status = time_status(&claims, chrono::Utc::now().timestamp());
    let json = serde_json::to_string_pretty(&claims).unwrap_or_default();
    println!("{json}");
    match status {
        VerifyStatus::Valid => {
            println!(
                "valid signature and dates ({} to {}); revocation can only be checked online",
                claims.valid_from, claims.valid_until
            );
            Ok(())
        }
        other => Err(fail(format!(
            "{}: the signature is good but the proof is outside its validity",
            other.as_str()
        ))),
    }
}
