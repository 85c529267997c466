//! Verifications answered while the primary database could not be written (read from a
//! replica) are kept on this instance (instances sharing a data directory share it, under a
//! file lock): appended to a file in the data directory, one JSON
//! line each, fsynced before the answer goes out. A flusher writes them to the database
//! once it is back — in one transaction, skipping any already there (a crash between the
//! commit and the truncation repeats nothing) — and then empties the file.

use crate::db::models::verifications::{self, Verification};
use crate::db::{DbConnection, DbPool};
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// The spool file's name in the data directory.
pub const SPOOL_FILE: &str = "verification-spool.jsonl";
/// The file whose lock (`flock`) every instance sharing the data directory takes before
/// appending or draining: an append never falls between another instance's read and
/// its emptying of the spool.
const LOCK_FILE: &str = "verification-spool.lock";

/// How long after a failed write verifications go to the spool without trying the primary
/// (each try waits `db::CONNECT_TIMEOUT` while it is down).
const ASSUME_DOWN: std::time::Duration = std::time::Duration::from_secs(5);

/// The spool of one instance.
pub struct Spool {
    path: PathBuf,
    lock_path: PathBuf,
    /// Appends and the drain of this instance take turns (and then the file lock).
    lock: Mutex<()>,
    /// When a write to the primary last failed.
    failed_at: Mutex<Option<std::time::Instant>>,
}

impl Spool {
    /// The spool of the instance whose data directory is `data_dir`.
    pub fn new(data_dir: &std::path::Path) -> Self {
        Self {
            path: data_dir.join(SPOOL_FILE),
            lock_path: data_dir.join(LOCK_FILE),
            lock: Mutex::new(()),
            failed_at: Mutex::new(None),
        }
    }

    /// Notes that a write to the primary failed now.
    pub fn primary_failed(&self) {
        *self
            .failed_at
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(std::time::Instant::now());
    }

    /// Whether a write to the primary failed within `ASSUME_DOWN`: not worth waiting for.
    pub fn primary_recently_failed(&self) -> bool {
        self.failed_at
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .is_some_and(|at| at.elapsed() < ASSUME_DOWN)
    }

    /// Waits for this instance's turn, then for the file lock shared with other instances;
    /// both are released when the returned guards are dropped.
    fn turn(&self) -> std::io::Result<(std::sync::MutexGuard<'_, ()>, std::fs::File)> {
        let turn = self
            .lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&self.lock_path)?;
        file.lock()?;
        Ok((turn, file))
    }

    /// Keeps `record` durably (on disk, fsynced) until the database takes it.
    pub fn append(&self, record: &Verification) -> anyhow::Result<()> {
        let mut line = serde_json::to_vec(record)?;
        line.push(b'\n');
        let _turn = self.turn()?;
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?;
        file.write_all(&line)?;
        file.sync_data()?;
        Ok(())
    }

    /// The records waiting.
    pub fn waiting(&self) -> anyhow::Result<Vec<Verification>> {
        let file = match std::fs::File::open(&self.path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e.into()),
        };
        std::io::BufReader::new(file)
            .lines()
            .filter(|l| l.as_ref().map_or(true, |l| !l.trim().is_empty()))
            .map(|line| Ok(serde_json::from_str(&line?)?))
            .collect()
    }

    /// Writes every waiting record to the database (those not there yet) in one
    /// transaction, then empties the spool; how many were written.
    pub fn drain(&self, conn: &mut DbConnection) -> anyhow::Result<usize> {
        let _turn = self.turn()?;
        let waiting = self.waiting()?;
        if waiting.is_empty() {
            return Ok(0);
        }
        let written = crate::db::write(conn, |conn| {
            let mut written = 0;
            for record in &waiting {
                if !verifications::exists(conn, &record.id)? {
                    verifications::insert(conn, record)?;
                    written += 1;
                }
            }
            Ok::<_, diesel::result::Error>(written)
        })?;
        let file = std::fs::OpenOptions::new().write(true).open(&self.path)?;
        file.set_len(0)?;
        file.sync_all()?;
        Ok(written)
    }

    /// Drains the spool into `pool` every second (and at once), until `stop`.
    pub fn spawn_flusher(
        self: Arc<Self>,
        pool: DbPool,
        stop: Arc<AtomicBool>,
    ) -> std::io::Result<()> {
        std::thread::Builder::new()
            .name("verification-spool".into())
            .spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    if self.path.metadata().is_ok_and(|m| m.len() > 0) {
                        let drained = pool
                            .get()
                            .map_err(anyhow::Error::from)
                            .and_then(|mut conn| self.drain(&mut conn));
                        if drained.is_ok() {
                            *self
                                .failed_at
                                .lock()
                                .unwrap_or_else(std::sync::PoisonError::into_inner) = None;
                        }
                        match drained {
                            Ok(n) if n > 0 => {
                                tracing::info!(written = n, "spooled verifications recorded")
                            }
                            Ok(_) => {}
                            Err(error) => tracing::warn!(%error, "spooled verifications wait"),
                        }
                    }
                    std::thread::sleep(std::time::Duration::from_secs(1));
                }
            })
            .map(drop)
    }
}
