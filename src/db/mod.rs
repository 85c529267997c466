//! Database access: the connection pool, embedded migrations, the schema and the queries.

pub mod models;
pub mod schema;

use crate::config::Database;
use anyhow::Context;
use diesel::connection::SimpleConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool, PooledConnection};
use diesel::SqliteConnection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

/// The connection type every query takes.
pub type DbConnection = SqliteConnection;
/// The pool shared by the web workers and the CLI.
pub type DbPool = Pool<ConnectionManager<DbConnection>>;
/// One connection taken from the pool.
pub type PooledConn = PooledConnection<ConnectionManager<DbConnection>>;

/// The SQLite migrations, compiled into the binary.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");

/// Sets the pragmas every SQLite connection needs: foreign keys, WAL, a busy timeout.
#[derive(Debug, Clone, Copy)]
struct SqlitePragmas;

impl CustomizeConnection<DbConnection, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut DbConnection) -> Result<(), diesel::r2d2::Error> {
        conn.batch_execute(
            "PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;",
        )
        .map_err(diesel::r2d2::Error::QueryError)
    }
}

/// Opens the pool for `database`, creating the SQLite file and its folder when missing.
pub fn connect(database: &Database) -> anyhow::Result<DbPool> {
    let Database::Sqlite(path) = database;
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
    let url = path.to_string_lossy();
    diesel::Connection::establish(&url)
        .and_then(|mut c: DbConnection| {
            c.batch_execute("PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL;")
                .map_err(|e| diesel::ConnectionError::BadConnection(e.to_string()))
        })
        .with_context(|| format!("cannot open the database {}", path.display()))?;
    let manager = ConnectionManager::<DbConnection>::new(url);
    Pool::builder()
        .max_size(8)
        .connection_customizer(Box::new(SqlitePragmas))
        .build(manager)
        .with_context(|| format!("cannot open the database {}", path.display()))
}

/// Runs every pending migration; returns how many ran.
pub fn migrate(pool: &DbPool) -> anyhow::Result<usize> {
    let mut conn = pool.get()?;
    let ran = conn
        .run_pending_migrations(MIGRATIONS)
        .map_err(|e| anyhow::anyhow!("migration failed: {e}"))?;
    Ok(ran.len())
}

/// Reverts every migration (used by the schema test: up, down, up again).
pub fn revert_all(pool: &DbPool) -> anyhow::Result<usize> {
    let mut conn = pool.get()?;
    let reverted = conn
        .revert_all_migrations(MIGRATIONS)
        .map_err(|e| anyhow::anyhow!("revert failed: {e}"))?;
    Ok(reverted.len())
}

/// The current time as stored: UTC without an offset (portable across backends).
pub fn now() -> chrono::NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

/// A new row id.
pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}
