//! Error pages in the visitor's language, and the security headers of every response.

use super::page::Page;
use crate::error::ErrorPage;
use actix_web::body::{BoxBody, EitherBody};
use actix_web::dev::ServiceResponse;
use actix_web::http::{header, StatusCode};
use actix_web::middleware::{DefaultHeaders, ErrorHandlerResponse};
use actix_web::HttpMessage;
use askama::Template;

/// The headers every response carries. Pages are `no-store` unless a route says otherwise
/// (the stylesheet does).
pub fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; \
             form-action 'self'; frame-ancestors 'none'",
        ))
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::REFERRER_POLICY, "same-origin"))
        .add((header::X_FRAME_OPTIONS, "DENY"))
        .add((header::CACHE_CONTROL, "no-store"))
}

/// Middleware: the headers that depend on the request. A response to a visitor who came
/// over HTTPS (the public URL, or a trusted proxy's `X-Forwarded-Proto`) tells the browser
/// to keep to HTTPS (HSTS); a page whose URL holds a secret token (`TOKEN_PREFIXES`) is
/// never named as a referrer.
pub async fn per_request_headers(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody>,
) -> Result<ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    let https = super::https(req.request());
    let secret_path = super::paths::TOKEN_PREFIXES
        .iter()
        .any(|prefix| req.path().starts_with(prefix));
    let mut res = next.call(req).await?;
    if secret_path {
        res.headers_mut().insert(
            header::REFERRER_POLICY,
            header::HeaderValue::from_static("no-referrer"),
        );
    }
    if https {
        res.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            header::HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    Ok(res)
}

/// The error page.
#[derive(Template)]
#[template(path = "error.html")]
struct ErrorTemplate {
    page: Page,
    status: u16,
    title_key: &'static str,
    text_key: &'static str,
    request_id: String,
}

/// `ErrorHandlers` hook: replaces the empty body of an `AppError` response with a page in the
/// visitor's language (or JSON under `/api/`).
pub fn render_error_page<B>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let Some(marker) = res.response().extensions().get::<ErrorPage>().copied() else {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    };
    let status = res.status();
    let (title_key, text_key) = match status {
        StatusCode::NOT_FOUND => ("error.404.title", "error.404.text"),
        StatusCode::FORBIDDEN => ("error.403.title", "error.403.text"),
        StatusCode::BAD_REQUEST => ("error.400.title", "error.400.text"),
        StatusCode::UNAUTHORIZED => ("error.401.title", "error.401.text"),
        StatusCode::CONFLICT => ("error.409.title", "error.409.text"),
        StatusCode::PAYLOAD_TOO_LARGE => ("error.413.title", "error.413.text"),
        StatusCode::TOO_MANY_REQUESTS => ("error.429.title", "error.429.text"),
        StatusCode::SERVICE_UNAVAILABLE => ("error.503.title", "error.503.text"),
        _ => ("error.500.title", "error.500.text"),
    };
    let text_key = marker.text_key.unwrap_or(text_key);
    let request_id = res
        .request()
        .extensions()
        .get::<tracing_actix_web::RequestId>()
        .map(|id| id.to_string())
        .unwrap_or_default();
    let page = Page::minimal(res.request());
    let (req, mut response) = res.into_parts();
    let (content_type, body) = if req.path().starts_with(super::paths::API_PREFIX) {
        let json =
            super::api_error::ApiError::new(status, page.lang.t(text_key)).request_id(request_id);
        (
            "application/json",
            serde_json::to_string(&json).unwrap_or_default(),
        )
    } else {
        let template = ErrorTemplate {
            page,
            status: status.as_u16(),
            title_key,
            text_key,
            request_id,
        };
        let html = template.render().unwrap_or_else(|_| status.to_string());
        ("text/html; charset=utf-8", html)
    };
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static(content_type),
    );
    let response = response.set_body(BoxBody::new(body));
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, response).map_body(|_, b| EitherBody::right(b)),
    ))
}
