//! Group commit: one writer thread per instance takes every write waiting for it, runs each
//! in a savepoint of one transaction, commits once, and only then answers each request.
//! Many verification records or issuances share one commit (one fsync) instead of paying
//! one each; a request waiting for its commit awaits a channel and holds no thread.

use super::{DbConnection, DbPool};
use crate::error::AppError;
use prometheus_client::metrics::histogram::Histogram;
use std::sync::mpsc;

/// The most writes one transaction takes: a longer batch would keep the first waiting.
pub const MAX_BATCH: usize = 256;

/// A write waiting for the writer: run in the batch's transaction, then told how the
/// commit went.
trait Job: Send {
    fn run(&mut self, conn: &mut DbConnection);
    fn finish(self: Box<Self>, commit: Result<(), &AppError>);
}

/// One request's write and the way back to it.
struct Pending<T, F> {
    work: Option<F>,
    result: Option<Result<T, AppError>>,
    reply: tokio::sync::oneshot::Sender<Result<T, AppError>>,
}

impl<T, F> Job for Pending<T, F>
where
    F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send,
    T: Send,
{
    fn run(&mut self, conn: &mut DbConnection) {
        if let Some(work) = self.work.take() {
            // Inside the batch's transaction this is a savepoint: a write that fails is
            // undone alone and the others still commit.
            self.result = Some(super::write(conn, work));
        }
    }

    fn finish(self: Box<Self>, commit: Result<(), &AppError>) {
        let answer = match (commit, self.result) {
            (Ok(()), Some(result)) => result,
            (Ok(()), None) => Err(AppError::Internal(anyhow::anyhow!("the write did not run"))),
            (Err(AppError::Unavailable(e)), _) => Err(AppError::Unavailable(anyhow::anyhow!(
                "the batch was not committed: {e}"
            ))),
            (Err(e), _) => Err(AppError::Internal(anyhow::anyhow!(
                "the batch was not committed: {e}"
            ))),
        };
        // The request may have gone (its client hung up): its write stands all the same.
        let _ = self.reply.send(answer);
    }
}

/// The way to the writer thread of this instance.
pub struct GroupCommit {
    jobs: mpsc::Sender<Box<dyn Job>>,
}

impl GroupCommit {
    /// Starts the writer thread on `pool`, recording each batch's size in `batch_sizes`;
    /// it ends when the last `GroupCommit` handle is dropped.
    pub fn start(pool: DbPool, batch_sizes: Histogram) -> std::io::Result<Self> {
        let (jobs, waiting) = mpsc::channel::<Box<dyn Job>>();
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

    /// Runs `work` in the next group transaction; answers once that transaction committed
    /// (`work`'s own error when it failed alone, 503 when the database could not commit).
    pub async fn write<T, F>(&self, work: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let job = Box::new(Pending {
            work: Some(work),
            result: None,
            reply,
        });
        self.jobs
            .send(job)
            .map_err(|_| AppError::Internal(anyhow::anyhow!("the writer thread has ended")))?;
        answer
            .await
            .map_err(|_| AppError::Internal(anyhow::anyhow!("the writer dropped a write")))?
    }
}

/// Runs `batch` in one transaction and tells each job how the commit went. A job that
/// panics fails the batch (rolled back: the connection is dropped, not pooled, by
/// `DbManager::has_broken`) and the thread goes on.
fn commit(pool: &DbPool, mut batch: Vec<Box<dyn Job>>) {
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut conn = pool.get()?;
        super::write(&mut conn, |conn| {
            for job in &mut batch {
                job.run(conn);
            }
            Ok::<_, AppError>(())
        })
    }))
    .unwrap_or_else(|_| Err(AppError::Internal(anyhow::anyhow!("a write panicked"))));
    if let Err(error) = &outcome {
        tracing::error!(?error, size = batch.len(), "a group commit failed");
    }
    for job in batch {
        job.finish(outcome.as_ref().map(|_| ()));
    }
}
