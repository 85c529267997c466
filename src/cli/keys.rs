//! `attest keys list|rotate`, `attest apikey create`.

use super::{fail, CliError};
use crate::config::Config;
use crate::db::models::audit_log::{self, Action, AuditEntry};
use crate::db::models::{signing_keys, users};
use crate::db::DbConnection;
use crate::tokens::keys::PUBLISH_AFTER_RETIREMENT;

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
