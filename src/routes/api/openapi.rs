//! `GET /api/v1/openapi.json`: the OpenAPI 3.1 document, generated from the handlers and
//! their types (utoipa), so it cannot drift from them.

use super::attestations::{
    AttestationResponse, IssueRequest, IssuedResponse, RevokeRequest, SubjectRequest,
    SubjectResponse,
};
use super::renew::RenewRequest;
use super::requests::{AcceptRequest, RejectRequest, RequestResponse};
use super::{ApiError, VerifyRequest, VerifyResponse};
use actix_web::HttpResponse;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::OpenApi;

/// The document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Attest API",
        version = "1",
        description = "Issue, read, revoke and verify residence-permit attestations (DESIGN.md). \
                       Keys: the party's settings page or `attest apikey create`."
    ),
    paths(
        super::verify_post,
        super::attestations::attestations_post,
        super::attestations::attestation_get,
        super::attestations::revoke_post,
        super::renew::renew_post,
        super::requests::requests_get,
        super::requests::request_accept_post,
        super::requests::request_reject_post
    ),
    components(schemas(
        ApiError,
        VerifyRequest,
        VerifyResponse,
        IssueRequest,
        SubjectRequest,
        IssuedResponse,
        AttestationResponse,
        SubjectResponse,
        RevokeRequest,
        RenewRequest,
        RequestResponse,
        AcceptRequest,
        RejectRequest
    )),
    modifiers(&ApiKeyScheme)
)]
pub struct ApiDoc;

/// `Authorization: Bearer att_…`.
struct ApiKeyScheme;

impl utoipa::Modify for ApiKeyScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("A party's API key: att_…"))
                    .build(),
            ),
        );
    }
}

/// `GET /api/v1/openapi.json`.
pub async fn openapi_get() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}
