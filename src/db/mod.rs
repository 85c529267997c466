//! Database access: the connection pool, embedded migrations, the schema and the queries.

pub mod models;
pub mod schema;

use crate::config::Database;
use anyhow::Context;
use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection, SqliteConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

/// A connection to either backend: one code path for both, the backend chosen by the URL.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

/// The SQLite migrations, compiled into the binary.
pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
/// The PostgreSQL migrations, kept in step with the SQLite ones.
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Opens connections for the pool: the backend is the one the configuration names, never
/// guessed (diesel's own `establish` would fall back to SQLite and create a file).
#[derive(Debug, Clone)]
pub struct DbManager {
    database: Database,
}

impl r2d2::ManageConnection for DbManager {
    type Connection = DbConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<DbConnection, Self::Error> {
        match &self.database {
            Database::Postgres(url) => {
                let mut conn =
                    PgConnection::establish(url).map_err(diesel::r2d2::Error::ConnectionError)?;
                // Like SQLite's busy timeout: a request waits for a lock 5 s at most, then 503.
                conn.batch_execute("SET lock_timeout = '5s'")
                    .map_err(diesel::r2d2::Error::QueryError)?;
                Ok(DbConnection::Postgres(conn))
            }
            Database::Sqlite(path) => {
                let mut conn = SqliteConnection::establish(&path.to_string_lossy())
                    .map_err(diesel::r2d2::Error::ConnectionError)?;
                conn.batch_execute(
                    "PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;",
                )
                .map_err(diesel::r2d2::Error::QueryError)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), Self::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, _: &mut DbConnection) -> bool {
        false
    }
}

/// The pool shared by the web workers, the mail worker and the CLI.
pub type DbPool = r2d2::Pool<DbManager>;
/// One connection taken from the pool.
pub type PooledConn = r2d2::PooledConnection<DbManager>;

/// Opens the pool for `database`, creating the SQLite file and its folder when missing.
pub fn connect(database: &Database) -> anyhow::Result<DbPool> {
    if let Database::Sqlite(path) = database {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            crate::secrets::create_private_dir(parent)?;
        }
        if !path.exists() {
            // SQLite gives its -wal and -shm files the mode of the database file.
            crate::secrets::create_private_file(path)
                .with_context(|| format!("cannot create the database {}", path.display()))?;
        }
        // WAL is a property of the file: set it once, before the pool opens connections in
        // parallel (several connections switching the mode at once would find it locked).
        SqliteConnection::establish(&path.to_string_lossy())
            .and_then(|mut c| {
                c.batch_execute("PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL;")
                    .map_err(|e| diesel::ConnectionError::BadConnection(e.to_string()))
            })
            .with_context(|| format!("cannot open the database {}", path.display()))?;
    }
    r2d2::Pool::builder()
        .max_size(8)
        .min_idle(Some(1))
        .build(DbManager {
            database: database.clone(),
        })
        .with_context(|| format!("cannot open the database {}", database.display()))
}

/// Runs every pending migration of the connection's backend; returns how many ran.
pub fn migrate(pool: &DbPool) -> anyhow::Result<usize> {
    let ran = match &mut *pool.get()? {
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
        DbConnection::Postgres(c) => c
            .run_pending_migrations(POSTGRES_MIGRATIONS)
            .map(|v| v.len()),
    };
    ran.map_err(|e| anyhow::anyhow!("migration failed: {e}"))
}

/// Reverts every migration (used by the schema test: up, down, up again).
pub fn revert_all(pool: &DbPool) -> anyhow::Result<usize> {
    let reverted = match &mut *pool.get()? {
        DbConnection::Sqlite(c) => c.revert_all_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
        DbConnection::Postgres(c) => c
            .revert_all_migrations(POSTGRES_MIGRATIONS)
            .map(|v| v.len()),
    };
    reverted.map_err(|e| anyhow::anyhow!("revert failed: {e}"))
}

/// The current time as stored: UTC without an offset (portable across backends).
pub fn now() -> chrono::NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

/// A new row id.
pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}
