//! Log output: human-readable text or one JSON object per line.

use crate::config::LogFormat;
use tracing_subscriber::EnvFilter;

/// Installs the global subscriber; `RUST_LOG` overrides the default `info` level.
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
}

/// The route of a request as logged: its pattern (`/party/attestations/{id}`), never the
/// path a client typed (which may hold anything, an ID number included) nor the query.
pub fn route_of(req: &actix_web::dev::ServiceRequest) -> String {
    req.match_pattern()
        .unwrap_or_else(|| "(no route)".to_owned())
}

/// The span around each request: method, route pattern, client address (believing a
/// trusted proxy) and request id; the status and, for a server error, its cause are added
/// when it ends. Unlike tracing-actix-web's default span, it has no `http.target`, which
/// carries the query string.
pub struct RequestSpan;

impl tracing_actix_web::RootSpanBuilder for RequestSpan {
    fn on_request_start(req: &actix_web::dev::ServiceRequest) -> tracing::Span {
        use actix_web::HttpMessage;
        let request_id = req
            .extensions()
            .get::<tracing_actix_web::RequestId>()
            .map(|id| id.to_string())
            .unwrap_or_default();
        let client = crate::web::client(req.request())
            .ip
            .map(|ip| ip.to_string())
            .unwrap_or_default();
        tracing::info_span!(
            "request",
            method = %req.method(),
            route = %route_of(req),
            client = %client,
            %request_id,
            status = tracing::field::Empty,
            error = tracing::field::Empty,
        )
    }

    fn on_request_end<B: actix_web::body::MessageBody>(
        span: tracing::Span,
        outcome: &Result<actix_web::dev::ServiceResponse<B>, actix_web::Error>,
    ) {
        let (status, error) = match outcome {
            Ok(response) => (
                response.status(),
                response.response().error().map(|e| format!("{e:?}")),
            ),
            Err(e) => (
                e.as_response_error().status_code(),
                Some(format!("{:?}", e.as_response_error())),
            ),
        };
        span.record("status", status.as_u16());
        // A client error is the client's: its text may echo what the client sent.
        if let Some(error) = error.filter(|_| status.is_server_error()) {
            span.record("error", tracing::field::display(&error));
            span.in_scope(|| tracing::error!(%error, "request failed"));
        }
    }
}

/// Middleware: one log line per request with its method, route pattern (never the path as
/// typed nor the query string, which could carry personal data), status, duration and
/// request id.
pub async fn log_request(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    use actix_web::HttpMessage;
    let started = std::time::Instant::now();
    let method = req.method().to_string();
    let route = route_of(&req);
    let request_id = req
        .extensions()
        .get::<tracing_actix_web::RequestId>()
        .map(|id| id.to_string())
        .unwrap_or_default();
    let response = next.call(req).await?;
    tracing::info!(
        %method,
        %route,
        status = response.status().as_u16(),
        duration_ms = started.elapsed().as_secs_f64() * 1000.0,
        %request_id,
        "request"
    );
    Ok(response)
}
