//! `GET /api/v1/requests`, `POST /api/v1/requests/{id}/accept` and `…/reject`: an HR
//! system works the party's queue of applicants' requests.

use super::attestations::{api_field, created, IssuedResponse};
use super::{api_party, validation_error, ApiError};
use crate::applicants::{self, ApplicantRequest};
use crate::domain::attestation::AttestationForm;
use crate::domain::facts_form::FactsForm;
use crate::domain::fields::FieldErrors;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::web::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

/// Requests one answer lists at most.
const LISTED: i64 = 1000;

/// An open request as the API shows it (the ID number masked, always).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RequestResponse {
    id: String,
    /// The reference the applicant was given (`SQ-…`).
    reference: String,
    kind: crate::domain::AttestationKind,
    subject: super::attestations::SubjectResponse,
    email: String,
    phone: String,
    /// The facts as the applicant typed them.
    #[schema(value_type = Object)]
    facts: serde_json::Value,
    /// RFC 3339.
    created_at: String,
}

impl From<ApplicantRequest> for RequestResponse {
    fn from(r: ApplicantRequest) -> Self {
        Self {
            facts: serde_json::from_str(&r.facts).unwrap_or_default(),
            created_at: r.created_at.and_utc().to_rfc3339(),
            subject: super::attestations::SubjectResponse {
                name: r.subject_name,
                id_number: r.subject_id_masked,
            },
            id: r.id,
            reference: r.reference,
            kind: r.kind,
            email: r.email,
            phone: r.phone,
        }
    }
}

/// `GET /api/v1/requests`: the open requests, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/requests",
    tag = "requests",
    security(("api_key" = [])),
    responses(
        (status = 200, description = "The open requests, newest first", body = Vec<RequestResponse>),
        (status = 401, description = "No valid API key", body = ApiError),
    )
)]
pub async fn requests_get(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let party = api_party(&req, &state).await?;
    let rows = state
        .db(move |conn| applicants::queue(conn, &party.id, LISTED))
        .await?;
    let rows: Vec<RequestResponse> = rows.into_iter().map(Into::into).collect();
    Ok(HttpResponse::Ok().json(rows))
}

/// `POST /api/v1/requests/{id}/accept` body. `facts` correct the applicant's (only those
/// given); `valid_from` defaults to today and `valid_until` to 90 days later.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct AcceptRequest {
    /// Must be true: the Article 9(4) statement of responsibility.
    #[serde(default)]
    responsibility_accepted: bool,
    #[schema(value_type = Option<chrono::NaiveDate>)]
    valid_from: Option<String>,
    #[schema(value_type = Option<chrono::NaiveDate>)]
    valid_until: Option<String>,
    #[serde(default)]
    #[schema(value_type = Object)]
    facts: serde_json::Map<String, serde_json::Value>,
}

/// `POST /api/v1/requests/{id}/accept`: issues the proof; 201 like an issuance.
#[utoipa::path(
    post,
    path = "/api/v1/requests/{id}/accept",
    tag = "requests",
    security(("api_key" = [])),
    params(("id" = String, Path, description = "The open request")),
    request_body = AcceptRequest,
    responses(
        (status = 201, description = "Issued", body = IssuedResponse,
         headers(("Location" = String, description = "The new attestation's API URL"))),
        (status = 400, description = "Not JSON, or not this shape", body = ApiError),
        (status = 401, description = "No valid API key", body = ApiError),
        (status = 404, description = "No such open request of this party", body = ApiError),
        (status = 409, description = "Decided meanwhile", body = ApiError),
        (status = 422, description = "Invalid fields, each named", body = ApiError),
    )
)]
#[tracing::instrument(skip_all)]
pub async fn request_accept_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: super::ApiJson<AcceptRequest>,
) -> Result<HttpResponse, AppError> {
    let party = api_party(&req, &state).await?;
    let (st, party_id, id) = (state.clone(), party.id.clone(), id.into_inner());
    let (request, subject) = state
        .db(move |conn| applicants::open_request(conn, &st.secrets, &party_id, &id))
        .await?;
    let body = body.into_inner();
    let mut facts: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&request.facts).unwrap_or_default();
    facts.extend(body.facts);
    let form = AttestationForm {
        valid_from: body.valid_from.unwrap_or_default(),
        valid_until: body.valid_until.unwrap_or_default(),
        applicant_email: request.email.clone(),
        responsibility: body.responsibility_accepted.to_string(),
        facts: FactsForm::from_json(facts),
        ..Default::default()
    };
    let mut errors = FieldErrors::default();
    let today = state.config.clock.today();
    let Some(new) =
        form.validate_with_subject(request.kind, party.kind, today, &mut errors, subject)
    else {
        return Ok(validation_error(Lang::of_request(&req), &errors, api_field));
    };
    let row = crate::routes::attestations::issue_accepting(&state, party, None, new, Some(request))
        .await?;
    Ok(created(row, &state))
}

/// `POST /api/v1/requests/{id}/reject` body.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct RejectRequest {
    /// Emailed to the applicant; 1 to 200 characters.
    #[serde(default)]
    #[schema(min_length = 1, max_length = 200)]
    reason: String,
}

/// `POST /api/v1/requests/{id}/reject`: 204; the applicant is emailed the reason.
#[utoipa::path(
    post,
    path = "/api/v1/requests/{id}/reject",
    tag = "requests",
    security(("api_key" = [])),
    params(("id" = String, Path, description = "The open request")),
    request_body = RejectRequest,
    responses(
        (status = 204, description = "Rejected"),
        (status = 400, description = "Not JSON, or not this shape", body = ApiError),
        (status = 401, description = "No valid API key", body = ApiError),
        (status = 404, description = "No such open request of this party", body = ApiError),
        (status = 409, description = "Decided meanwhile", body = ApiError),
        (status = 422, description = "No reason, or too long", body = ApiError),
    )
)]
pub async fn request_reject_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: super::ApiJson<RejectRequest>,
) -> Result<HttpResponse, AppError> {
    let party = api_party(&req, &state).await?;
    let id = id.into_inner();
    let reason = body.into_inner().reason;
    let now = state.config.clock.now();
    let rejected = state
        .db(move |conn| {
            let user = crate::issuing::first_user(conn, &party.id)?;
            applicants::reject(conn, &party, &id, &user, &reason, now)
        })
        .await?;
    match rejected {
        Ok(()) => Ok(HttpResponse::NoContent().finish()),
        Err(errors) => Ok(validation_error(Lang::of_request(&req), &errors, api_field)),
    }
}
