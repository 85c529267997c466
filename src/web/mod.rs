//! What every page shares: the application state, the page context (language, user, CSRF
//! token), CSRF-checked forms, security headers and error pages.

pub mod api_error;
pub mod chart;
pub mod client;
pub mod csrf;
pub mod errors;
pub mod limits;
pub mod metrics;
pub mod page;
pub mod party;
pub mod paths;
pub mod redirect;
pub mod session;

use crate::config::Config;
use crate::db::DbPool;
use crate::secrets::Secrets;
use std::net::IpAddr;

/// What every handler can reach.
pub struct AppState {
    pub config: Config,
    pub pool: DbPool,
    /// The standby that verification reads from (`ATTEST_DATABASE_READ_URL`), if any.
    pub read_pool: Option<DbPool>,
    /// Verifications answered while the primary could not be written.
    pub spool: std::sync::Arc<crate::db::spool::Spool>,
    /// The writer that commits verification records and issuances in groups.
    pub group_commit: crate::db::group_commit::GroupCommit,
    pub secrets: Secrets,
    pub keys: crate::tokens::KeyStore,
    /// Hands out each new proof's place in a status list.
    pub status_lists: crate::status_lists::Allocator,
    pub limiters: limits::Limiters,
    pub metrics: metrics::Metrics,
}

impl AppState {
    /// Runs `f` with a pooled connection on the blocking thread pool.
    pub async fn db<T, F>(&self, f: F) -> Result<T, crate::error::AppError>
    where
        F: FnOnce(&mut crate::db::DbConnection) -> Result<T, crate::error::AppError>
            + Send
            + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        actix_web::web::block(move || {
            let mut conn = pool.get()?;
            f(&mut conn)
        })
        .await?
    }

    /// Runs `f` on the standby when there is one (reads that need not see this request's
    /// own writes), else as `db`.
    pub async fn read<T, F>(&self, f: F) -> Result<T, crate::error::AppError>
    where
        F: FnOnce(&mut crate::db::DbConnection) -> Result<T, crate::error::AppError>
            + Send
            + 'static,
        T: Send + 'static,
    {
        let pool = self.read_pool.clone().unwrap_or_else(|| self.pool.clone());
        actix_web::web::block(move || {
            let mut conn = pool.get()?;
            f(&mut conn)
        })
        .await?
    }

    /// Writes the record of a verification to the primary; with a standby, when the
    /// primary cannot be written (or failed a moment ago), keeps it in the spool instead.
    pub async fn record_verification(
        &self,
        record: crate::db::models::verifications::Verification,
    ) -> Result<(), crate::error::AppError> {
        use crate::error::AppError;
        // Without a standby there is nowhere else to keep it: no copy on the hot path.
        if self.read_pool.is_none() {
            return self.group_commit.record(record).await;
        }
        let spool = self.spool.clone();
        let written = if spool.primary_recently_failed() {
            Err(AppError::Unavailable(anyhow::anyhow!(
                "the primary failed a moment ago"
            )))
        } else {
            self.group_commit.record(record.clone()).await
        };
        match written {
            Err(AppError::Unavailable(e)) => {
                tracing::warn!(error = %e, "the primary is not writable: the verification is spooled");
                spool.primary_failed();
                actix_web::web::block(move || spool.append(&record))
                    .await?
                    .map_err(AppError::Internal)
            }
            other => other,
        }
    }

    /// What the database can do now (pings, waiting `db::CONNECT_TIMEOUT` at most each):
    /// `ReadOnly` when the primary does not answer and the standby does.
    pub async fn database_state(&self) -> crate::db::DatabaseState {
        let ping = |conn: &mut crate::db::DbConnection| {
            crate::db::ping(conn).map_err(|e| crate::error::AppError::Unavailable(e.into()))
        };
        let error = match self.db(ping).await {
            Ok(()) => return crate::db::DatabaseState::Ok,
            Err(e) => e,
        };
        tracing::error!(error = ?error, "the primary database does not answer");
        if self.read_pool.is_some() && self.read(ping).await.is_ok() {
            return crate::db::DatabaseState::ReadOnly;
        }
        crate::db::DatabaseState::Down
    }

    /// Runs `f` as one write transaction (`db::write`: on SQLite, after the process's writer
    /// lock and `BEGIN IMMEDIATE`): the one way a request changes the database.
    pub async fn write<T, F>(&self, f: F) -> Result<T, crate::error::AppError>
    where
        F: FnOnce(&mut crate::db::DbConnection) -> Result<T, crate::error::AppError>
            + Send
            + 'static,
        T: Send + 'static,
    {
        self.db(move |conn| crate::db::write(conn, f)).await
    }

    /// What issuing takes from this portal.
    pub fn issuing_portal(&self) -> crate::issuing::Portal<'_> {
        crate::issuing::Portal {
            url: self.config.portal(),
            secrets: &self.secrets,
            keys: &self.keys,
            status_lists: &self.status_lists,
        }
    }

    /// Refuses a login or sign-up with 429 when `ip` is sending too many (a flood guard; the
    /// per-account lock is counted in the audit log).
    pub fn check_address(&self, ip: Option<IpAddr>) -> Result<(), crate::error::AppError> {
        self.limiters.sign_in(ip)
    }
}

/// The application state, for an extractor.
pub fn state_of(
    req: &actix_web::HttpRequest,
) -> Result<actix_web::web::Data<AppState>, crate::error::AppError> {
    req.app_data::<actix_web::web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| crate::error::AppError::Internal(anyhow::anyhow!("state missing")))
}

/// The client of `req`: its address and whether it used HTTPS, forwarding headers believed
/// only from a trusted proxy (`ATTEST_TRUSTED_PROXIES`).
pub fn client(req: &actix_web::HttpRequest) -> client::Client {
    let peer = req.peer_addr().map(|a| a.ip());
    match req.app_data::<actix_web::web::Data<AppState>>() {
        Some(state) => client::of(req.headers(), peer, &state.config.trusted_proxies),
        None => client::of(req.headers(), peer, &Default::default()),
    }
}

/// The client's address: every limit, the audit log, the verification record and the log
/// use this one.
pub fn client_ip(req: &actix_web::HttpRequest) -> Option<IpAddr> {
    client(req).ip
}

/// True when the visitor reached the portal over HTTPS: the public URL says so, or a trusted
/// proxy does (`X-Forwarded-Proto: https`). Cookies are then `Secure` and `__Host-`.
pub fn https(req: &actix_web::HttpRequest) -> bool {
    req.app_data::<actix_web::web::Data<AppState>>()
        .is_some_and(|s| s.config.served_over_https())
        || client(req).https
}

/// Renders `template` as an HTML response with `status` (a form shown again with its errors
/// is 422, a refused login 401).
pub fn html<T: askama::Template>(
    template: &T,
    status: actix_web::http::StatusCode,
) -> Result<actix_web::HttpResponse, crate::error::AppError> {
    let body = template
        .render()
        .map_err(|e| crate::error::AppError::Internal(e.into()))?;
    Ok(actix_web::HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(body))
}

/// Middleware: answers `HEAD` like `GET` without the body (uptime checks and scanners ask
/// with `HEAD`; the routes only name `GET`).
pub async fn head_as_get(
    mut req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<actix_web::dev::ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    let head = req.method() == actix_web::http::Method::HEAD;
    if head {
        req.head_mut().method = actix_web::http::Method::GET;
    }
    let res = next.call(req).await?;
    Ok(if head {
        res.map_body(|_, _| actix_web::body::BoxBody::new(()))
    } else {
        res.map_into_boxed_body()
    })
}

/// Middleware: a URL with a NUL character (`%00`) is refused with 400 before any handler
/// (no path or query value may carry one to the database).
pub async fn refuse_nul(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<actix_web::dev::ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    let uri = req.uri().to_string();
    if uri.to_ascii_lowercase().contains("%00") {
        return Err(crate::error::AppError::BadRequest.into());
    }
    next.call(req).await.map(|res| res.map_into_boxed_body())
}
