//! Rate limits per client address and per API key (in memory, per instance), each answered
//! with 429 and `Retry-After`.

use crate::clock::Clock;
use crate::config::Limits;
use crate::error::AppError;
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use std::net::IpAddr;
use std::num::NonZeroU32;

/// A limiter with one state per key, on the portal's clock.
type Keyed<K> =
    RateLimiter<K, DefaultKeyedStateStore<K>, Clock, NoOpMiddleware<std::time::Instant>>;

/// The limiters of one running instance.
pub struct Limiters {
    sign_in: Keyed<IpAddr>,
    verify: Keyed<IpAddr>,
    issue: Keyed<String>,
    request: Keyed<IpAddr>,
    request_link: Keyed<String>,
    pub limits: Limits,
    clock: Clock,
}

fn per_minute(n: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN))
}

impl Limiters {
    /// Limiters enforcing `limits` on `clock`.
    pub fn new(limits: Limits, clock: Clock) -> Self {
        Self {
            sign_in: Keyed::dashmap_with_clock(
                per_minute(limits.sign_in_per_minute),
                clock.clone(),
            ),
            verify: Keyed::dashmap_with_clock(per_minute(limits.verify_per_minute), clock.clone()),
            issue: Keyed::dashmap_with_clock(per_minute(limits.issue_per_minute), clock.clone()),
            request: Keyed::dashmap_with_clock(
                per_minute(limits.requests_per_minute),
                clock.clone(),
            ),
            request_link: Keyed::dashmap_with_clock(
                Quota::per_hour(
                    NonZeroU32::new(limits.requests_per_link_per_hour.max(1))
                        .unwrap_or(NonZeroU32::MIN),
                ),
                clock.clone(),
            ),
            limits,
            clock,
        }
    }

    /// The answer to a caller over its limit: when to come back.
    fn refused(&self, not_until: governor::NotUntil<std::time::Instant>) -> AppError {
        let wait = not_until.wait_time_from(governor::clock::Clock::now(&self.clock));
        AppError::TooManyRequests {
            retry_after_secs: wait.as_secs() + 1,
        }
    }

    /// A login or sign-up attempt from `ip`.
    pub fn sign_in(&self, ip: Option<IpAddr>) -> Result<(), AppError> {
        ip.map_or(Ok(()), |ip| {
            self.sign_in.check_key(&ip).map_err(|e| self.refused(e))
        })
    }

    /// A verification from `ip`.
    pub fn verify(&self, ip: Option<IpAddr>) -> Result<(), AppError> {
        ip.map_or(Ok(()), |ip| {
            self.verify.check_key(&ip).map_err(|e| self.refused(e))
        })
    }

    /// An issuance with the API key whose hash is `key_hash`.
    pub fn issue(&self, key_hash: &str) -> Result<(), AppError> {
        self.issue
            .check_key(&key_hash.to_owned())
            .map_err(|e| self.refused(e))
    }

    /// A request for a proof from `ip` through the link `link_id`.
    pub fn request(&self, ip: Option<IpAddr>, link_id: &str) -> Result<(), AppError> {
        if let Some(ip) = ip {
            self.request.check_key(&ip).map_err(|e| self.refused(e))?;
        }
        self.request_link
            .check_key(&link_id.to_owned())
            .map_err(|e| self.refused(e))
    }
}
