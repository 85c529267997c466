//! The API's JSON bodies. A body that is not JSON or not of the expected shape is a 400
//! whose message names the field and the type expected, never the value sent (an ID
//! number sent as a number must not come back in the answer, nor reach the log).

use crate::web::api_error::ApiError;
use actix_web::dev::Payload;
use actix_web::http::{header, StatusCode};
use actix_web::{web, FromRequest, HttpRequest, HttpResponse, ResponseError};
use serde::de::DeserializeOwned;
use std::future::Future;
use std::pin::Pin;

/// The largest JSON body read.
pub const LIMIT: usize = 256 * 1024;

/// A JSON body of type `T`.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T> ApiJson<T> {
    /// The body.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for ApiJson<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// Why a body was refused, as the client will read it.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct BodyError {
    status: StatusCode,
    message: String,
}

impl BodyError {
    fn bad(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }
    }
}

impl ResponseError for BodyError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        ApiError::new(self.status, self.message.clone()).response(self.status)
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for ApiJson<T> {
    type Error = BodyError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, BodyError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<mime::Mime>().ok())
            .is_some_and(|m| m.subtype() == mime::JSON || m.suffix() == Some(mime::JSON));
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if !is_json {
                return Err(BodyError::bad(
                    "the body must be JSON (Content-Type: application/json)",
                ));
            }
            let bytes = body.await.map_err(|_| BodyError {
                status: StatusCode::BAD_REQUEST,
                message: format!("the body must be JSON of at most {LIMIT} bytes"),
            })?;
            parse(&bytes).map(ApiJson)
        })
    }
}

/// Reads `bytes` as a `T`, describing an error by where it is and what was expected.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, BodyError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let field = field_name(e.path());
        let inner = e.into_inner();
        let message = match inner.classify() {
            serde_json::error::Category::Data => match expected(&inner.to_string()) {
                Some(expected) if !field.is_empty() => {
                    format!("\"{field}\": expected {expected}")
                }
                Some(expected) => format!("the body: expected {expected}"),
                None => format!("\"{field}\" is not of the expected type"),
            },
            serde_json::error::Category::Eof => "the body ends before the JSON does".to_owned(),
            _ => format!(
                "the body is not valid JSON (line {}, column {})",
                inner.line(),
                inner.column()
            ),
        };
        BodyError::bad(message)
    })?;
    deserializer
        .end()
        .map_err(|_| BodyError::bad("the body has more after the JSON"))?;
    Ok(value)
}

/// The path of the failing field (`reason`, `facts.position`); a key that is not a plain
/// name (a client's made-up key could be anything) is shown as `?`.
fn field_name(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    path.iter()
        .map(|segment| match segment {
            Segment::Seq { index } => index.to_string(),
            Segment::Map { key } | Segment::Enum { variant: key }
                if key.len() <= 40 && key.chars().all(|c| c.is_ascii_lowercase() || c == '_') =>
            {
                key.clone()
            }
            _ => "?".to_owned(),
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// What serde expected, from its message (`invalid type: integer `4403…`, expected a
/// string at line 1 column 30` → `a string`): the part it writes from the type, not from
/// the input.
fn expected(message: &str) -> Option<String> {
    let (_, expected) = message.rsplit_once(", expected ")?;
    let expected = expected
        .rsplit_once(" at line ")
        .map_or(expected, |(e, _)| e);
    (!expected.chars().any(|c| c.is_ascii_digit())).then(|| expected.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Body {
        #[expect(
            dead_code,
            reason = "only read through its error: the field is what the test rejects"
        )]
        id_number: String,
    }

    #[test]
    fn a_wrong_type_names_the_field_not_the_value() {
        let err = parse::<Body>(br#"{"id_number": 440304199001011233}"#).unwrap_err();
        assert_eq!(err.to_string(), "\"id_number\": expected a string");
        let err = parse::<Body>(br#"{"440304199001011233": "x"}"#).unwrap_err();
        assert!(!err.to_string().contains("440304"), "{err}");
        let err = parse::<Body>(br#"{"id_number": "440304199001011233""#).unwrap_err();
        assert!(!err.to_string().contains("440304"), "{err}");
    }
}
