//! The body of every error answer of the JSON API — built here and nowhere else, so the
//! OpenAPI schema is the shape clients get.

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use std::collections::BTreeMap;

/// The body of every error answer.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ApiError {
    /// `bad_request`, `unauthorized`, `forbidden`, `not_found`, `method_not_allowed`,
    /// `conflict`, `payload_too_large`, `validation`, `too_many_requests`, `unavailable` or
    /// `internal`.
    error: &'static str,
    /// What went wrong, in the language of `Accept-Language` (Chinese by default).
    message: String,
    /// Each invalid field (API name) with its message.
    fields: BTreeMap<String, String>,
    /// The request's id in the portal's log, when the answer was made after the handler
    /// (null when the handler answered).
    request_id: Option<String>,
}

impl ApiError {
    /// The error of `status` with `message`.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            error: name(status),
            message: message.into(),
            fields: BTreeMap::new(),
            request_id: None,
        }
    }

    /// A validation error (422): `message`, and each invalid field with its message.
    pub fn validation(message: impl Into<String>, fields: BTreeMap<String, String>) -> Self {
        Self {
            fields,
            ..Self::new(StatusCode::UNPROCESSABLE_ENTITY, message)
        }
    }

    /// With the request's id.
    pub fn request_id(self, id: String) -> Self {
        Self {
            request_id: Some(id),
            ..self
        }
    }

    /// The answer with this body and `status`.
    pub fn response(&self, status: StatusCode) -> HttpResponse {
        HttpResponse::build(status).json(self)
    }
}

/// The `error` of an answer with `status`.
fn name(status: StatusCode) -> &'static str {
    match status {
        StatusCode::BAD_REQUEST => "bad_request",
        StatusCode::UNAUTHORIZED => "unauthorized",
        StatusCode::FORBIDDEN => "forbidden",
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::CONFLICT => "conflict",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::UNPROCESSABLE_ENTITY => "validation",
        StatusCode::TOO_MANY_REQUESTS => "too_many_requests",
        StatusCode::SERVICE_UNAVAILABLE => "unavailable",
        _ => "internal",
    }
}
