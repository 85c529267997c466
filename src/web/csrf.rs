//! CSRF protection: every browser gets a random cookie; every form carries an HMAC of it,
//! and a POST whose token does not match is refused with 403.

use super::AppState;
use crate::error::AppError;
use crate::secrets::{random_token, Secrets};
use actix_web::body::MessageBody;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::future::Future;
use std::pin::Pin;

/// The cookie the form tokens are derived from.
pub const CSRF_COOKIE: &str = "attest_csrf";

/// Its name when the portal is (`true`) or is not served over HTTPS (`__Host-` prefixed).
pub fn cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-attest_csrf"
    } else {
        CSRF_COOKIE
    }
}

/// This request's CSRF cookie value (existing or just issued).
#[derive(Debug, Clone)]
pub struct CsrfCookie(pub String);

/// The form token for a cookie value.
pub fn token_for(secrets: &Secrets, cookie: &str) -> String {
    secrets.keyed_hash("csrf", cookie)
}

/// Middleware: gives a browser without a CSRF cookie a fresh one.
pub async fn ensure_cookie(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let secure = super::https(req.request());
    let existing = req
        .cookie(cookie_name(secure))
        .map(|c| c.value().to_owned())
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()));
    let fresh = existing.is_none();
    let value = existing.unwrap_or_else(random_token);
    req.extensions_mut().insert(CsrfCookie(value.clone()));
    let mut res = next.call(req).await?;
    if fresh {
        let cookie = Cookie::build(cookie_name(secure), value)
            .path("/")
            .http_only(true)
            .secure(secure)
            .same_site(SameSite::Strict)
            .finish();
        res.response_mut().add_cookie(&cookie)?;
    }
    Ok(res)
}

#[derive(Deserialize)]
struct WithToken<T> {
    #[serde(default)]
    csrf_token: String,
    #[serde(flatten)]
    form: T,
}

/// A form that holds nothing but its CSRF token (a button).
#[derive(Deserialize)]
pub struct Empty {}

/// A url-encoded form whose CSRF token has been checked. Extracting it fails with 403 when
/// the token is missing or wrong.
pub struct CsrfForm<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for CsrfForm<T> {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let body = web::Bytes::from_request(&req, payload);
        Box::pin(async move {
            let is_form = req
                .headers()
                .get(actix_web::http::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
            // A form beyond the limit is refused as such; a POST that is not a readable form
            // carries no valid token either.
            let body = body.await.map_err(|e| {
                if e.as_response_error().status_code() == StatusCode::PAYLOAD_TOO_LARGE {
                    AppError::PayloadTooLarge
                } else {
                    AppError::Csrf
                }
            })?;
            if !is_form {
                return Err(AppError::Csrf);
            }
            // No text field takes a NUL character (PostgreSQL could not even store one).
            if body.windows(3).any(|w| w.eq_ignore_ascii_case(b"%00")) || body.contains(&0) {
                return Err(AppError::BadRequest);
            }
            let form: WithToken<T> =
                serde_urlencoded::from_bytes(&body).map_err(|_| AppError::Csrf)?;
            check_token(&req, &form.csrf_token)?;
            Ok(CsrfForm(form.form))
        })
    }
}

/// Refuses with 403 unless `token` is the form token of this browser's CSRF cookie (for
/// forms read another way than `CsrfForm`, such as file uploads).
pub fn check_token(req: &HttpRequest, token: &str) -> Result<(), AppError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("state missing")))?;
    let cookie = req
        .cookie(cookie_name(super::https(req)))
        .ok_or(AppError::Csrf)?;
    let expected = token_for(&state.secrets, cookie.value());
    if crate::secrets::constant_time_eq(expected.as_bytes(), token.as_bytes()) {
        Ok(())
    } else {
        Err(AppError::Csrf)
    }
}
