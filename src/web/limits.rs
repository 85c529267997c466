//! Rate limits per client address and per API key (in memory, per instance), each answered
//! with 429 and `Retry-After`.

use crate::config::Limits;
use crate::error::AppError;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use std::net::IpAddr;
use std::num::NonZeroU32;

/// The limiters of one running instance.
pub struct Limiters {
    sign_in: DefaultKeyedRateLimiter<IpAddr>,
    verify: DefaultKeyedRateLimiter<IpAddr>,
    issue: DefaultKeyedRateLimiter<String>,
    request: DefaultKeyedRateLimiter<IpAddr>,
    request_link: DefaultKeyedRateLimiter<String>,
    pub limits: Limits,
}

fn per_minute(n: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN))
}

fn refused(not_until: governor::NotUntil<<DefaultClock as Clock>::Instant>) -> AppError {
    let wait = not_until.wait_time_from(DefaultClock::default().now());
    AppError::TooManyRequests {
        retry_after_secs: wait.as_secs() + 1,
    }
}

impl Limiters {
    /// Limiters enforcing `limits`.
    pub fn new(limits: Limits) -> Self {
        Self {
            sign_in: DefaultKeyedRateLimiter::keyed(per_minute(limits.sign_in_per_minute)),
            verify: DefaultKeyedRateLimiter::keyed(per_minute(limits.verify_per_minute)),
            issue: DefaultKeyedRateLimiter::keyed(per_minute(limits.issue_per_minute)),
            request: DefaultKeyedRateLimiter::keyed(per_minute(limits.requests_per_minute)),
            request_link: DefaultKeyedRateLimiter::keyed(Quota::per_hour(
                NonZeroU32::new(limits.requests_per_link_per_hour.max(1))
                    .unwrap_or(NonZeroU32::MIN),
            )),
            limits,
        }
    }

    /// A login or sign-up attempt from `ip`.
    pub fn sign_in(&self, ip: Option<IpAddr>) -> Result<(), AppError> {
        ip.map_or(Ok(()), |ip| self.sign_in.check_key(&ip).map_err(refused))
    }

    /// A verification from `ip`.
    pub fn verify(&self, ip: Option<IpAddr>) -> Result<(), AppError> {
        ip.map_or(Ok(()), |ip| self.verify.check_key(&ip).map_err(refused))
    }

    /// An issuance with the API key whose hash is `key_hash`.
    pub fn issue(&self, key_hash: &str) -> Result<(), AppError> {
        self.issue.check_key(&key_hash.to_owned()).map_err(refused)
    }

    /// A request for a proof from `ip` through the link `link_id`.
    pub fn request(&self, ip: Option<IpAddr>, link_id: &str) -> Result<(), AppError> {
        if let Some(ip) = ip {
            self.request.check_key(&ip).map_err(refused)?;
        }
        self.request_link
            .check_key(&link_id.to_owned())
            .map_err(refused)
    }
}
