//! The record of every verification: when, how, the answer, and who asked.

use crate::db::schema::verifications;
use crate::db::DbConnection;
use diesel::prelude::*;

/// A verification row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = verifications)]
pub struct Verification {
    pub id: String,
    pub at: chrono::NaiveDateTime,
    pub attestation_id: Option<String>,
    /// `token` or `code`.
    pub method: String,
    pub result: String,
    pub user_id: Option<String>,
    pub client_ip: Option<String>,
    /// The station the checked proof is addressed to (for its dashboard), when known.
    pub station_id: Option<String>,
}

/// Records a verification.
pub fn insert(conn: &mut DbConnection, row: &Verification) -> QueryResult<()> {
    diesel::insert_into(verifications::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// Records verifications. On SQLite the rows of concurrent requests are written together,
/// one transaction per batch (group commit): each request queues its row and waits for the
/// write lock; whoever gets the lock writes every queued row, and a request whose row was
/// written meanwhile returns at once. Every request still returns only once its row is
/// committed. On PostgreSQL each row is inserted on its own.
#[derive(Default)]
pub struct Recorder {
    queued: std::sync::Mutex<Vec<(Verification, Written)>>,
}

/// Set by the writer of a batch: `true` when it was committed.
type Written = std::sync::Arc<std::sync::OnceLock<bool>>;

impl Recorder {
    /// Records `row`; returns once it is committed.
    pub fn record(&self, conn: &mut DbConnection, row: Verification) -> QueryResult<()> {
        if let DbConnection::Postgres(_) = conn {
            return insert(conn, &row);
        }
        let written = Written::default();
        self.queue().push((row.clone(), written.clone()));
        crate::db::one_writer(conn, |conn| {
            match written.get() {
                Some(true) => return Ok(()),
                // A batch with our row failed: write it alone, for its own answer.
                Some(false) => return insert(conn, &row),
                None => {}
            }
            let batch = std::mem::take(&mut *self.queue());
            let rows: Vec<Verification> = batch.iter().map(|(r, _)| r.clone()).collect();
            let result = conn.transaction(|conn| {
                for chunk in rows.chunks(1000) {
                    insert_many(conn, chunk)?;
                }
                Ok::<_, diesel::result::Error>(())
            });
            for (_, done) in &batch {
                let _ = done.set(result.is_ok());
            }
            match result {
                Ok(()) => Ok(()),
                Err(_) => insert(conn, &row),
            }
        })
    }

    fn queue(&self) -> std::sync::MutexGuard<'_, Vec<(Verification, Written)>> {
        self.queued
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Inserts many rows in one statement (up to 4,000: the bind-parameter limits).
pub fn insert_many(conn: &mut DbConnection, rows: &[Verification]) -> QueryResult<usize> {
    let query = diesel::insert_into(verifications::table).values(rows);
    match conn {
        DbConnection::Sqlite(c) => query.execute(c),
        DbConnection::Postgres(c) => query.execute(c),
    }
}

/// The verifications of one attestation, newest first.
pub fn list_for_attestation(conn: &mut DbConnection, id: &str) -> QueryResult<Vec<Verification>> {
    verifications::table
        .filter(verifications::attestation_id.eq(id))
        .order(verifications::at.desc())
        .select(Verification::as_select())
        .load(conn)
}
