//! The time the portal acts on: the system clock, plus an offset that only tests move
//! forward (a lock running out is tested by advancing the clock, never by sleeping).

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// A clock shared by everything built from one `Config` (clones see the same offset).
#[derive(Debug, Clone, Default)]
pub struct Clock {
    offset_secs: Arc<AtomicI64>,
}

impl Clock {
    /// Now, in UTC without an offset, as stored.
    pub fn now(&self) -> chrono::NaiveDateTime {
        chrono::Utc::now().naive_utc()
            + chrono::Duration::seconds(self.offset_secs.load(Ordering::Relaxed))
    }

    /// Today's date in China by this clock.
    pub fn today(&self) -> chrono::NaiveDate {
        crate::domain::china_time::local(self.now()).date()
    }

    /// Moves this clock (and every clone of it) forward by `by`.
    pub fn advance(&self, by: chrono::Duration) {
        self.offset_secs
            .fetch_add(by.num_seconds(), Ordering::Relaxed);
    }
}

/// The rate limiters run on this clock too: a test that advances it lets a limit pass.
impl governor::clock::Clock for Clock {
    type Instant = std::time::Instant;

    fn now(&self) -> std::time::Instant {
        let offset = self.offset_secs.load(Ordering::Relaxed).max(0);
        std::time::Instant::now() + std::time::Duration::from_secs(offset.unsigned_abs())
    }
}
