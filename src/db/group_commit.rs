//! Group commit: one writer thread per instance takes every write waiting for it and
//! commits them in one transaction, then answers each request. Verification records waiting
//! together are one multi-row insert; other writes (issuances) run one after another in
//! the same transaction. Many writes share one commit (one fsync, one round trip for the
//! records) instead of paying one each; a request waiting for its commit awaits a channel
//! and holds no thread.
//!
//! When one write of a batch fails, the batch is rolled back and each write is run again in
//! a transaction of its own (so a write is re-runnable: `Fn`, not `FnOnce`); the others
//! are not held up by it. A request is answered only after its write is committed.

use super::models::verifications::{self, Verification};
use super::{DbConnection, DbPool};
use crate::error::AppError;
use prometheus_client::metrics::histogram::Histogram;
use std::sync::mpsc;

/// The most writes one transaction takes: a longer batch would keep the first waiting.
pub const MAX_BATCH: usize = 256;

type Reply<T> = tokio::sync::oneshot::Sender<Result<T, AppError>>;

/// A write waiting for the writer.
enum Job {
    Record(Verification, Reply<()>),
    Work(Box<dyn Work>),
}

/// A write other than a verification record: run (again, after a rollback), then told how
/// its commit went.
trait Work: Send {
    /// Runs the write; false when it failed (its error kept for `finish`).
    fn run(&mut self, conn: &mut DbConnection) -> bool;
    fn finish(self: Box<Self>, commit: Result<(), &AppError>);
}

/// One request's write and the way back to it.
struct Pending<T, F> {
    work: F,
    result: Option<Result<T, AppError>>,
    reply: Reply<T>,
}

impl<T, F> Work for Pending<T, F>
where
    F: Fn(&mut DbConnection) -> Result<T, AppError> + Send,
    T: Send,
{
    fn run(&mut self, conn: &mut DbConnection) -> bool {
        let result = (self.work)(conn);
        let ok = result.is_ok();
        self.result = Some(result);
        ok
    }

    fn finish(self: Box<Self>, commit: Result<(), &AppError>) {
        let Pending { result, reply, .. } = *self;
        let answer = commit
            .map_err(not_committed)
            .and_then(|()| result.unwrap_or_else(|| Err(not_run())));
        // The request may have gone (its client hung up): its write stands all the same.
        let _ = reply.send(answer);
    }
}

fn not_committed(e: &AppError) -> AppError {
    let text = format!("the batch was not committed: {e}");
    match e {
        AppError::Unavailable(_) => AppError::Unavailable(anyhow::anyhow!(text)),
        _ => AppError::Internal(anyhow::anyhow!(text)),
    }
}

fn not_run() -> AppError {
    AppError::Internal(anyhow::anyhow!("the write did not run"))
}

/// The way to the writer thread of this instance.
pub struct GroupCommit {
    jobs: mpsc::Sender<Job>,
}

impl GroupCommit {
    /// Starts the writer thread on `pool`, recording each batch's size in `batch_sizes`;
    /// it ends when the last `GroupCommit` handle is dropped.
    pub fn start(pool: DbPool, batch_sizes: Histogram) -> std::io::Result<Self> {
        let (jobs, waiting) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("group-commit".into())
            .spawn(move || {
                while let Ok(first) = waiting.recv() {
                    let mut batch = vec![first];
                    batch.extend(waiting.try_iter().take(MAX_BATCH - 1));
                    batch_sizes.observe(batch.len() as f64);
                    commit(&pool, batch);
                }
            })?;
        Ok(Self { jobs })
    }

    /// Stores the record of a verification in the next group transaction; answers once it
    /// is committed.
    pub async fn record(&self, row: Verification) -> Result<(), AppError> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        self.send(Job::Record(row, reply), answer).await
    }

    /// Runs `work` in the next group transaction; answers once that transaction committed
    /// (`work`'s own error when it failed, 503 when the database could not commit).
    pub async fn write<T, F>(&self, work: F) -> Result<T, AppError>
    where
        F: Fn(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let pending = Pending {
            work,
            result: None,
            reply,
        };
        self.send(Job::Work(Box::new(pending)), answer).await
    }

    async fn send<T>(
        &self,
        job: Job,
        answer: tokio::sync::oneshot::Receiver<Result<T, AppError>>,
    ) -> Result<T, AppError> {
        self.jobs
            .send(job)
            .map_err(|_| AppError::Internal(anyhow::anyhow!("the writer thread has ended")))?;
        answer
            .await
            .map_err(|_| AppError::Internal(anyhow::anyhow!("the writer dropped a write")))?
    }
}

/// Why a batch's transaction did not commit.
enum Failed {
    /// One of its writes failed: run each alone.
    Write,
    Database(AppError),
}

impl From<diesel::result::Error> for Failed {
    fn from(e: diesel::result::Error) -> Self {
        Self::Database(e.into())
    }
}

/// Runs `batch` in one transaction and tells each write how its commit went. A write that
/// panics fails the batch (rolled back: the connection is dropped, not pooled, by
/// `DbManager::has_broken`) and the thread goes on.
fn commit(pool: &DbPool, batch: Vec<Job>) {
    let mut records = Vec::new();
    let mut replies = Vec::new();
    let mut works = Vec::new();
    for job in batch {
        match job {
            Job::Record(row, reply) => {
                records.push(row);
                replies.push(reply);
            }
            Job::Work(work) => works.push(work),
        }
    }
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut conn = pool.get().map_err(|e| Failed::Database(e.into()))?;
        let together = super::write(&mut conn, |conn| {
            insert_records(conn, &records)?;
            for work in &mut works {
                if !work.run(conn) {
                    return Err(Failed::Write);
                }
            }
            Ok(())
        });
        let Err(Failed::Write) = together else {
            return together;
        };
        // One write failed: the records, then each other write, in transactions of their own.
        let alone = super::write(&mut conn, |conn| Ok(insert_records(conn, &records)?));
        for work in std::mem::take(&mut works) {
            let mut work = work;
            match super::write(&mut conn, |conn| match work.run(conn) {
                true => Ok(()),
                false => Err(Failed::Write),
            }) {
                Ok(()) | Err(Failed::Write) => work.finish(Ok(())),
                Err(Failed::Database(e)) => work.finish(Err(&e)),
            }
        }
        alone
    }))
    .unwrap_or_else(|_| {
        let panicked = AppError::Internal(anyhow::anyhow!("a write panicked"));
        Err(Failed::Database(panicked))
    });
    let failure = match outcome {
        Ok(()) => None,
        Err(Failed::Database(e)) => Some(e),
        Err(Failed::Write) => Some(not_run()),
    };
    if let Some(error) = &failure {
        tracing::error!(?error, "a group commit failed");
    }
    let commit = failure.as_ref().map_or(Ok(()), Err);
    for reply in replies {
        let _ = reply.send(commit.map_err(not_committed));
    }
    for work in works {
        work.finish(commit);
    }
}

/// The records of a batch, as few statements as SQLite's bound-value limit allows.
fn insert_records(conn: &mut DbConnection, records: &[Verification]) -> diesel::QueryResult<()> {
    for chunk in records.chunks(MAX_BATCH) {
        verifications::insert_many(conn, chunk)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::connection::SimpleConnection;

    #[tokio::test]
    async fn a_failing_write_is_undone_alone_and_the_rest_of_its_batch_commits() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let pool = crate::db::connect(&crate::config::Database::Sqlite(dir.path().join("t.db")))
            .expect("a database");
        pool.get()
            .expect("a connection")
            .batch_execute("CREATE TABLE t (x INTEGER PRIMARY KEY)")
            .expect("a table");
        let writer = GroupCommit::start(pool.clone(), Histogram::new([1.0].into_iter()))
            .expect("the writer");
        let insert = |x: i32, fail: bool| {
            move |conn: &mut DbConnection| {
                conn.batch_execute(&format!("INSERT INTO t VALUES ({x})"))?;
                if x == 0 {
                    // Holds the writer, so that the next three wait together.
                    std::thread::sleep(std::time::Duration::from_millis(200));
                }
                if fail {
                    return Err(AppError::BadRequest);
                }
                Ok(x)
            }
        };
        let (first, one, two, three) = tokio::join!(
            writer.write(insert(0, false)),
            async {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                writer.write(insert(1, false)).await
            },
            async {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                writer.write(insert(2, true)).await
            },
            async {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                writer.write(insert(3, false)).await
            },
        );
        assert_eq!(first.ok(), Some(0));
        assert_eq!(one.ok(), Some(1));
        assert!(matches!(two, Err(AppError::BadRequest)));
        assert_eq!(three.ok(), Some(3));
        #[derive(diesel::QueryableByName)]
        struct Row {
            #[diesel(sql_type = diesel::sql_types::Integer)]
            x: i32,
        }
        let mut conn = pool.get().expect("a connection");
        let rows: Vec<Row> =
            diesel::RunQueryDsl::load(diesel::sql_query("SELECT x FROM t ORDER BY x"), &mut *conn)
                .expect("the rows");
        assert_eq!(rows.iter().map(|r| r.x).collect::<Vec<_>>(), [0, 1, 3]);
    }
}
