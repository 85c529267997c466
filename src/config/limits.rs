//! How much each caller may do: plain configuration, enforced by `web::limits`.

/// How much each caller may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Login and sign-up attempts per client address per minute.
    pub sign_in_per_minute: u32,
    /// Verifications (page and API) per client address per minute.
    pub verify_per_minute: u32,
    /// Issuances through the API per key per minute.
    pub issue_per_minute: u32,
    /// Requests (`/request/{token}`) per client address per minute.
    pub requests_per_minute: u32,
    /// Requests through one request link per hour (a link posted publicly is paused).
    pub requests_per_link_per_hour: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            sign_in_per_minute: 30,
            verify_per_minute: 120,
            issue_per_minute: 6000,
            requests_per_minute: 10,
            requests_per_link_per_hour: 120,
        }
    }
}
