//! Database access: the connection pool, embedded migrations, the schema and the queries.

mod database_state;
pub mod group_commit;
pub mod models;
pub mod schema;
pub mod spool;
pub mod types;

pub use database_state::DatabaseState;

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
                let mut conn = PgConnection::establish(&with_connect_timeout(url))
                    .map_err(diesel::r2d2::Error::ConnectionError)?;
                // Like SQLite's busy timeout: a request waits for a lock 5 s at most, then 503.
                conn.batch_execute("SET lock_timeout = '5s'")
                    .map_err(diesel::r2d2::Error::QueryError)?;
                Ok(DbConnection::Postgres(conn))
            }
            Database::Sqlite(path) => {
                let mut conn = SqliteConnection::establish(&path.to_string_lossy())
                    .map_err(diesel::r2d2::Error::ConnectionError)?;
                // Checkpoints are the background thread's job (`spawn_checkpointer`); a
                // writer does one itself only when the WAL has grown to 40 MB regardless.
                // 8 MB of page cache per connection (SQLite's default is 2 MB). Deleted
                // rows are overwritten with zeros (sealed ID numbers of requests and bulk
                // cells must leave the file when they are deleted).
                conn.batch_execute(
                    "PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;
                     PRAGMA secure_delete = ON;
                     PRAGMA wal_autocheckpoint = 10000; PRAGMA cache_size = -8192;",
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

    /// A connection coming back inside a transaction (a write that panicked) is dropped,
    /// never handed to the next request half-written.
    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        use diesel::connection::{AnsiTransactionManager, TransactionManager};
        let depth = match conn {
            DbConnection::Postgres(c) => {
                AnsiTransactionManager::transaction_manager_status_mut(c).transaction_depth()
            }
            DbConnection::Sqlite(c) => {
                AnsiTransactionManager::transaction_manager_status_mut(c).transaction_depth()
            }
        };
        !matches!(depth, Ok(None))
    }
}

/// Connections per process.
pub const POOL_SIZE: u32 = 8;

/// The pool shared by the web workers, the mail worker and the CLI.
pub type DbPool = r2d2::Pool<DbManager>;
/// One connection taken from the pool.
pub type PooledConn = r2d2::PooledConnection<DbManager>;

/// `url` with libpq's `connect_timeout` (whole seconds of `CONNECT_TIMEOUT`) unless it
/// sets one: an unreachable server fails a new connection instead of hanging.
fn with_connect_timeout(url: &str) -> String {
    if url.contains("connect_timeout=") {
        return url.to_owned();
    }
    let separator = if url.contains('?') { '&' } else { '?' };
    format!(
        "{url}{separator}connect_timeout={}",
        CONNECT_TIMEOUT.as_secs()
    )
}

/// How long a request waits for a database connection (or PostgreSQL for a new one) before
/// it is answered 503: an unreachable database never holds a request longer.
pub const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

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
    builder()
        .build(DbManager {
            database: database.clone(),
        })
        .with_context(|| format!("cannot open the database {}", database.display()))
}

/// The pool for `database` without waiting for a first connection: a server with a standby
/// starts while its primary is down (the connections are opened when it answers).
pub fn connect_lazily(database: &Database) -> DbPool {
    builder().build_unchecked(DbManager {
        database: database.clone(),
    })
}

fn builder() -> r2d2::Builder<DbManager> {
    r2d2::Pool::builder()
        .max_size(POOL_SIZE)
        .min_idle(Some(1))
        .connection_timeout(CONNECT_TIMEOUT)
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

/// On SQLite, copies the WAL back into the database file every 200 ms on a thread of its
/// own (a passive checkpoint waits for no one), so that requests do not pay for it while
/// they hold the write lock. Stops when `stop` is set.
pub fn spawn_checkpointer(
    pool: DbPool,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
) -> std::io::Result<()> {
    let on_sqlite = pool
        .get()
        .is_ok_and(|c| matches!(&*c, DbConnection::Sqlite(_)));
    if !on_sqlite {
        return Ok(());
    }
    std::thread::Builder::new()
        .name("wal-checkpoint".into())
        .spawn(move || {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                std::thread::sleep(std::time::Duration::from_millis(200));
                let result = pool.get().map_err(|e| e.to_string()).and_then(|mut c| {
                    c.batch_execute("PRAGMA wal_checkpoint(PASSIVE)")
                        .map_err(|e| e.to_string())
                });
                if let Err(error) = result {
                    tracing::warn!(%error, "WAL checkpoint failed");
                }
            }
        })
        .map(drop)
}

/// SQLite lets one connection write at a time; another that wants to write waits in
/// SQLite's busy handler, which sleeps 1, 2, 5, 10… ms between tries, so a few concurrent
/// writers fall to a few hundred writes per second. The writers of this process take this
/// lock first and wait on it instead (no sleeping); PostgreSQL needs no such lock.
static SQLITE_WRITER: std::sync::Mutex<()> = std::sync::Mutex::new(());

thread_local! {
    /// Whether this thread is inside `write` (a nested `write` becomes a savepoint).
    static WRITING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Clears `WRITING` when the outermost `write` ends, even by unwinding.
struct Writing;

impl Drop for Writing {
    fn drop(&mut self) {
        WRITING.with(|w| w.set(false));
    }
}

/// Runs `f` in a transaction that may write: the one place where writes begin. On SQLite it
/// takes this process's writer lock and begins with `BEGIN IMMEDIATE`, so the transaction
/// holds the write lock from its first statement: a deferred transaction that read first
/// and then wanted to write would fail at once with "database is locked" whenever another
/// connection (another process, the CLI) had written since its read — SQLite cannot wait
/// for that, whatever the busy timeout. Another process's writer is waited for by the busy
/// timeout. On PostgreSQL it is a plain transaction. Nested calls are savepoints.
pub fn write<T, E>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    if matches!(conn, DbConnection::Postgres(_)) || WRITING.with(std::cell::Cell::get) {
        return conn.transaction(f);
    }
    let _turn = SQLITE_WRITER
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    WRITING.with(|w| w.set(true));
    let _writing = Writing;
    if let DbConnection::Sqlite(c) = conn {
        AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?;
    }
    let result = f(conn);
    let DbConnection::Sqlite(c) = conn else {
        return result;
    };
    match result {
        Ok(value) => match AnsiTransactionManager::commit_transaction(c) {
            Ok(()) => Ok(value),
            Err(e) => {
                // A failed COMMIT leaves the transaction open: end it before the connection
                // goes back to the pool.
                let _ = AnsiTransactionManager::rollback_transaction(c);
                Err(e.into())
            }
        },
        Err(e) => {
            AnsiTransactionManager::rollback_transaction(c)?;
            Err(e)
        }
    }
}

/// The current time as stored: UTC without an offset (portable across backends).
pub fn now() -> chrono::NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

/// A new row id: a UUIDv7, time-ordered, so that new rows go to the end of the primary-key
/// index rather than to a random page of it (74 random bits; the time is public anyway).
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Whether the database answers (the health check).
pub fn ping(conn: &mut DbConnection) -> diesel::QueryResult<()> {
    use diesel::connection::SimpleConnection;
    conn.batch_execute("SELECT 1")
}
