//! The raw settings as flags and `ATTEST_*` environment variables give them.

use std::path::PathBuf;

/// The raw settings as flags or environment give them; every one is optional.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ConfigArgs {
    /// Address and port to listen on.
    #[arg(long, env = "ATTEST_BIND", global = true)]
    pub bind: Option<String>,
    /// Folder for the database, secrets, keys and mail files.
    #[arg(long, env = "ATTEST_DATA_DIR", global = true)]
    pub data_dir: Option<PathBuf>,
    /// `sqlite://PATH` (or a plain path).
    #[arg(long, env = "ATTEST_DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// `postgres://…` of a streaming-replication standby that verification reads from (and
    /// keeps answering from while the primary is down).
    #[arg(long, env = "ATTEST_DATABASE_READ_URL", global = true)]
    pub database_read_url: Option<String>,
    /// The address people use to reach the portal (links in emails and QR codes).
    #[arg(long, env = "ATTEST_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,
    /// `smtp://user:pass@host:port` or `smtps://…`; unset writes `.eml` files instead.
    #[arg(long, env = "ATTEST_SMTP_URL", global = true)]
    pub smtp_url: Option<String>,
    /// Seconds an SMTP conversation may take before it is abandoned and retried.
    #[arg(long, env = "ATTEST_SMTP_TIMEOUT", global = true)]
    pub smtp_timeout: Option<String>,
    /// Seconds a status list may be cached before it is fetched again (its `ttl`).
    #[arg(long, env = "ATTEST_STATUS_LIST_TTL", global = true)]
    pub status_list_ttl: Option<String>,
    /// The sender of notification emails.
    #[arg(long, env = "ATTEST_MAIL_FROM", global = true)]
    pub mail_from: Option<String>,
    /// `text` or `json`.
    #[arg(long, env = "ATTEST_LOG_FORMAT", global = true)]
    pub log_format: Option<String>,
    /// Verifications (page and API) a client address may make per minute.
    #[arg(long, env = "ATTEST_VERIFY_PER_MINUTE", global = true)]
    pub verify_per_minute: Option<String>,
    /// Issuances an API key may make per minute.
    #[arg(long, env = "ATTEST_ISSUE_PER_MINUTE", global = true)]
    pub issue_per_minute: Option<String>,
    /// The bearer token Prometheus sends to `/metrics` (at least 16 characters); unset, the
    /// metrics are not served.
    #[arg(
        long,
        env = "ATTEST_METRICS_TOKEN",
        global = true,
        hide_env_values = true
    )]
    pub metrics_token: Option<String>,
    /// Reverse proxies (addresses or CIDR networks, comma-separated) whose
    /// `X-Forwarded-For`/`Forwarded` and `X-Forwarded-Proto` are believed.
    #[arg(long, env = "ATTEST_TRUSTED_PROXIES", global = true)]
    pub trusted_proxies: Option<String>,
    /// Earlier addresses of this portal (comma-separated) whose tokens still verify.
    #[arg(long, env = "ATTEST_FORMER_PUBLIC_URLS", global = true)]
    pub former_public_urls: Option<String>,
    /// Who must log in with a second factor: `staff` (default), `all` or `none`.
    #[arg(long, env = "ATTEST_REQUIRE_2FA", global = true)]
    pub require_2fa: Option<String>,
}
