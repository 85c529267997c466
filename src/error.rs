//! The one error type of the web layer and how each case answers.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};

/// Everything a handler can fail with. 5xx causes are logged in full and shown to nobody.
#[derive(thiserror::Error)]
pub enum AppError {
    /// No such page or object, or one outside the caller's scope.
    #[error("not found")]
    NotFound,
    /// A request the server cannot read (not a form, malformed).
    #[error("bad request")]
    BadRequest,
    /// Not logged in: HTML pages redirect to the login page.
    #[error("login required")]
    Unauthorized,
    /// Logged in, but the portal requires a second factor this user has not set up: pages
    /// redirect to its setup.
    #[error("a second factor must be set up first")]
    SecondFactorMissing,
    /// An API request without a valid key.
    #[error("a valid API key is required")]
    InvalidApiKey,
    /// The object is not in a state that allows this (already revoked).
    #[error("conflict")]
    Conflict,
    /// A request body far beyond any limit (a huge upload): answered without reading it all.
    #[error("payload too large")]
    PayloadTooLarge,
    /// Logged in, but the role may not do this.
    #[error("forbidden")]
    Forbidden,
    /// Not allowed until something is done: the message key says what (a party not yet
    /// approved, a kind it may not issue).
    #[error("forbidden: {0}")]
    Refused(&'static str),
    /// A form came without the CSRF token of this browser.
    #[error("the form has expired or did not come from this site")]
    Csrf,
    /// Too many attempts; try again after the given number of seconds.
    #[error("too many requests")]
    TooManyRequests { retry_after_secs: u64 },
    /// The database is busy or unreachable; try again shortly.
    #[error("service unavailable")]
    Unavailable(#[source] anyhow::Error),
    /// A bug or a failure the user cannot fix.
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

impl std::fmt::Debug for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "{self}")?;
        let mut source = std::error::Error::source(self);
        while let Some(cause) = source {
            writeln!(f, "Caused by: {cause}")?;
            source = cause.source();
        }
        Ok(())
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        match e {
            diesel::result::Error::NotFound => AppError::NotFound,
            // SQLite's busy timeout or PostgreSQL's lock timeout ran out (another process holds
            // the data), or the disk is full: the transaction was rolled back, nothing was
            // written, the client may try again later.
            // The connection to the server broke (it stopped, or the network did): nothing
            // was committed; the client may try again once it is back.
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::ClosedConnection
                | diesel::result::DatabaseErrorKind::UnableToSendCommand,
                _,
            ) => AppError::Unavailable(e.into()),
            diesel::result::Error::DatabaseError(_, ref info)
                if info.message().contains("database is locked")
                    || info.message().contains("lock timeout")
                    || info.message().contains("disk is full")
                    || info.message().contains("No space left") =>
            {
                AppError::Unavailable(e.into())
            }
            other => AppError::Internal(other.into()),
        }
    }
}

impl From<diesel::r2d2::PoolError> for AppError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        AppError::Unavailable(e.into())
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        AppError::Internal(anyhow::anyhow!("blocking task failed: {e}"))
    }
}

/// Marks a response as an error page to be rendered in the visitor's language by
/// `web::errors::render_error_page`, with the message key that says more than the status
/// when there is one.
#[derive(Debug, Clone, Copy)]
pub struct ErrorPage {
    pub text_key: Option<&'static str>,
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::BadRequest => StatusCode::BAD_REQUEST,
            AppError::InvalidApiKey => StatusCode::UNAUTHORIZED,
            AppError::Conflict => StatusCode::CONFLICT,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Unauthorized | AppError::SecondFactorMissing => StatusCode::SEE_OTHER,
            AppError::Forbidden | AppError::Refused(_) | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        match self {
            AppError::Unauthorized => {
                return response
                    .insert_header((header::LOCATION, crate::web::paths::LOGIN))
                    .finish();
            }
            AppError::SecondFactorMissing => {
                return response
                    .insert_header((header::LOCATION, crate::web::paths::ACCOUNT_SECOND_FACTOR))
                    .finish();
            }
            AppError::TooManyRequests { retry_after_secs } => {
                response.insert_header((header::RETRY_AFTER, retry_after_secs.max(&1).to_string()));
            }
            AppError::Unavailable(_) => {
                response.insert_header((header::RETRY_AFTER, "5"));
            }
            AppError::InvalidApiKey => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            _ => {}
        }
        let text_key = match self {
            AppError::Refused(key) => Some(*key),
            AppError::Csrf => Some("error.csrf.text"),
            _ => None,
        };
        let mut response = response.finish();
        response.extensions_mut().insert(ErrorPage { text_key });
        response
    }
}
