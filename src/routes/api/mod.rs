//! The JSON API, `/api/v1`. Errors are `{"error": …, "message": …, "fields": {…}}`.

pub use crate::web::api_error::ApiError;
mod attestations;
mod json;
mod openapi;
mod renew;
mod requests;

pub use json::ApiJson;

pub use attestations::{attestation_get, attestations_post, revoke_post};
pub use openapi::openapi_get;
pub use renew::renew_post;
pub use requests::{request_accept_post, request_reject_post, requests_get};

use crate::accounts;
use crate::accounts::Party;
use crate::domain::fields::FieldErrors;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::routes::verify::run;
use crate::verification::VerifyInput;
use crate::web::AppState;
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

/// A 422 answer naming each invalid field (API names) with its message.
pub fn validation_error(
    lang: Lang,
    errors: &FieldErrors,
    rename: impl Fn(&str) -> String,
) -> HttpResponse {
    let fields = errors
        .fields()
        .into_iter()
        .map(|f| (rename(f), lang.t(errors.get(f).unwrap_or_default())))
        .collect();
    ApiError::validation(lang.t("error.api.validation"), fields)
        .response(StatusCode::UNPROCESSABLE_ENTITY)
}

/// 405 for a method the path does not have, with the one it has.
pub async fn method_not_allowed(allow: &'static str) -> HttpResponse {
    let status = StatusCode::METHOD_NOT_ALLOWED;
    let mut response =
        ApiError::new(status, format!("this path answers {allow} only")).response(status);
    response
        .headers_mut()
        .insert(header::ALLOW, header::HeaderValue::from_static(allow));
    response
}

/// The party whose API key the request carries (`Authorization: Bearer …`).
pub async fn api_party(req: &HttpRequest, state: &web::Data<AppState>) -> Result<Party, AppError> {
    let key = bearer_key(req)?;
    let st = state.clone();
    state
        .db(move |conn| {
            accounts::authenticate_api_key(conn, &st.secrets, &key)?.ok_or(AppError::InvalidApiKey)
        })
        .await
}

/// The key of `Authorization: Bearer …`.
pub fn bearer_key(req: &HttpRequest) -> Result<String, AppError> {
    req.headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|k| k.trim().to_owned())
        .filter(|k| !k.is_empty() && k.len() <= 200)
        .ok_or(AppError::InvalidApiKey)
}

/// `POST /api/v1/verify` body: exactly one of `token` (or a scanned verify URL) and `code`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct VerifyRequest {
    token: Option<String>,
    code: Option<String>,
}

/// The answer of a verification.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct VerifyResponse {
    status: crate::tokens::VerifyStatus,
    /// Why it is invalid, suspect or revoked.
    reason: Option<String>,
    /// RFC 3339, when revoked.
    revoked_at: Option<String>,
    /// Why its issuer ended it, when revoked with a reason from the list.
    reason_code: Option<crate::domain::ending::EndReason>,
    /// The day it ended (China time), when revoked with a reason from the list.
    ended_on: Option<chrono::NaiveDate>,
    /// The verification code (`7KQ2-M9XD-4HPT`), when known.
    code: Option<String>,
    /// What the proof says (the subject's ID number masked); absent when invalid or unknown.
    claims: Option<crate::tokens::Claims>,
}

/// `POST /api/v1/verify`: `{"token"}` or `{"code"}` → status, reason, claims.
#[utoipa::path(
    post,
    path = "/api/v1/verify",
    tag = "verify",
    request_body = VerifyRequest,
    responses(
        (status = 200, description = "The verdict (also for invalid and unknown input)", body = VerifyResponse),
        (status = 400, description = "Not exactly one of token and code, or not JSON", body = ApiError),
        (status = 429, description = "Too many verifications from this address", body = ApiError),
    )
)]
pub async fn verify_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: ApiJson<VerifyRequest>,
) -> Result<HttpResponse, AppError> {
    let input = match (&body.token, &body.code) {
        (Some(token), None) => VerifyInput::parse(token),
        (None, Some(code)) => VerifyInput::parse(code),
        _ => {
            let message = "send exactly one of \"token\" and \"code\"";
            return Ok(
                ApiError::new(StatusCode::BAD_REQUEST, message).response(StatusCode::BAD_REQUEST)
            );
        }
    };
    let verdict = run(&state, input, None, &req).await?;
    Ok(HttpResponse::Ok().json(VerifyResponse {
        status: verdict.status,
        reason: verdict.reason.map(|r| r.text(Lang::of_request(&req))),
        revoked_at: verdict.revoked_at.map(|t| t.and_utc().to_rfc3339()),
        reason_code: verdict.ending.map(|(code, _)| code),
        ended_on: verdict.ending.map(|(_, day)| day),
        code: verdict.code.map(|c| c.display()),
        claims: verdict.claims,
    }))
}
