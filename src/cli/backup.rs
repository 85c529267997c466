//! `attest backup --to FILE`: a tar archive of `attest.db` (a consistent online copy made
//! with `VACUUM INTO`), `secret.key` and `keys/`. Restore: unpack it as the data directory.

use super::CliError;
use crate::config::{Config, Database};
use anyhow::Context;
use diesel::RunQueryDsl;
use std::path::Path;

/// Writes the archive.
pub fn run(config: &Config, to: &Path) -> Result<(), CliError> {
    if to.exists() {
        return Err(CliError {
            message: format!("{} exists already; choose a new file", to.display()),
            code: 1,
        });
    }
    let file = crate::secrets::create_private_file(to)
        .with_context(|| format!("cannot create {}", to.display()))?;
    let mut archive = tar::Builder::new(file);
    let staging = tempfile_dir(config)?;
    match &config.database {
        Database::Sqlite(_) => {
            let copy = staging.join("attest.db");
            let pool = crate::db::connect(&config.database)?;
            diesel::sql_query("VACUUM INTO ?")
                .bind::<diesel::sql_types::Text, _>(copy.to_string_lossy().to_string())
                .execute(&mut *pool.get().map_err(anyhow::Error::from)?)
                .context("cannot copy the database")?;
            archive
                .append_path_with_name(&copy, "attest.db")
                .context("cannot write the archive")?;
        }
        Database::Postgres(_) => {
            eprintln!(
                "The database is PostgreSQL: back it up with pg_dump, for example\n  \
                 pg_dump --format=custom --file=attest.dump \"$ATTEST_DATABASE_URL\"\n\
                 and restore with pg_restore --clean --dbname=… attest.dump.\n\
                 This archive holds the key material only."
            );
        }
    }
    let secret = config.data_dir.join("secret.key");
    if secret.exists() {
        archive
            .append_path_with_name(&secret, "secret.key")
            .context("cannot write the archive")?;
    }
    let keys = config.keys_dir();
    if keys.exists() {
        archive
            .append_dir_all("keys", &keys)
            .context("cannot write the archive")?;
    }
    archive
        .into_inner()
        .and_then(|f| f.sync_all())
        .context("cannot finish the archive")?;
    let _ = std::fs::remove_dir_all(&staging);
    println!("backup written to {}", to.display());
    Ok(())
}

/// A private staging folder inside the data directory (same filesystem, same permissions).
fn tempfile_dir(config: &Config) -> Result<std::path::PathBuf, CliError> {
    let dir = config
        .data_dir
        .join(format!(".backup-{}", uuid::Uuid::new_v4().simple()));
    crate::secrets::create_private_dir(&dir)?;
    Ok(dir)
}
