//! `POST /api/v1/attestations`, `GET /api/v1/attestations/{id}`, `POST …/{id}/revoke`.

use super::{api_party, validation_error, ApiError};
use crate::domain::attestation::AttestationForm;
use crate::domain::ending::EndForm;
use crate::domain::facts_form::FactsForm;
use crate::domain::fields::FieldErrors;
use crate::domain::AttestationKind;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::issuing;
use crate::issuing::Attestation;
use crate::web::paths;
use crate::web::AppState;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

/// The subject of a new attestation.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct SubjectRequest {
    #[serde(default)]
    #[schema(min_length = 1, max_length = 50)]
    name: String,
    /// The full resident ID number (GB 11643); stored and shown only masked.
    #[serde(default)]
    #[schema(pattern = "^[0-9]{17}[0-9Xx]$")]
    id_number: String,
}

/// `POST /api/v1/attestations` body. `facts` are those of the kind (DESIGN.md §3); dates
/// are `YYYY-MM-DD`; `valid_from` defaults to today and `valid_until` to 90 days later.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct IssueRequest {
    #[serde(default)]
    #[schema(value_type = crate::domain::AttestationKind)]
    kind: String,
    #[serde(default)]
    subject: SubjectRequest,
    #[schema(value_type = Option<chrono::NaiveDate>)]
    valid_from: Option<String>,
    #[schema(value_type = Option<chrono::NaiveDate>)]
    valid_until: Option<String>,
    applicant_email: Option<String>,
    /// Must be true: the Article 9(4) statement of responsibility.
    #[serde(default)]
    responsibility_accepted: bool,
    #[serde(default)]
    #[schema(value_type = Object)]
    facts: serde_json::Map<String, serde_json::Value>,
}

/// An issued attestation's handles.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct IssuedResponse {
    id: String,
    token: String,
    code: String,
    verify_url: String,
    print_url: String,
}

/// The subject as the API shows it: the ID number masked, always.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SubjectResponse {
    pub(super) name: String,
    pub(super) id_number: String,
}

/// An attestation as the API returns it (no full ID number, ever).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AttestationResponse {
    id: String,
    kind: String,
    /// What the proof is today (China time): `active`, `expiring` (its last 14 days),
    /// `not_yet_valid`, `expired`, `revoked`, `suspect` or `superseded`.
    status: crate::domain::ProofStatus,
    code: String,
    subject: SubjectResponse,
    #[schema(value_type = Object)]
    facts: serde_json::Value,
    valid_from: chrono::NaiveDate,
    valid_until: chrono::NaiveDate,
    /// RFC 3339.
    issued_at: String,
    revoked_at: Option<String>,
    revoke_reason: Option<String>,
    /// Why its issuer ended it.
    reason_code: Option<crate::domain::ending::EndReason>,
    /// The day it ended.
    ended_on: Option<chrono::NaiveDate>,
    token: String,
    verify_url: String,
    print_url: String,
}

/// The API name of a form field.
pub(super) fn api_field(field: &str) -> String {
    match field {
        "subject_name" => "subject.name".into(),
        "subject_id_number" => "subject.id_number".into(),
        "responsibility" => "responsibility_accepted".into(),
        "valid_from" | "valid_until" | "applicant_email" | "kind" | "reason" | "reason_code"
        | "ended_on" => field.into(),
        facts => format!("facts.{facts}"),
    }
}

fn to_json(row: Attestation, portal: &str, today: chrono::NaiveDate) -> AttestationResponse {
    AttestationResponse {
        status: row.status_on(today),
        code: crate::domain::VerificationCode::from_stored(row.code).display(),
        subject: SubjectResponse {
            name: row.subject_name,
            id_number: row.subject_id_masked,
        },
        facts: serde_json::from_str::<serde_json::Value>(&row.facts).unwrap_or_default(),
        valid_from: row.valid_from,
        valid_until: row.valid_until,
        issued_at: row.issued_at.and_utc().to_rfc3339(),
        revoked_at: row.revoked_at.map(|t| t.and_utc().to_rfc3339()),
        revoke_reason: row.revoke_reason,
        reason_code: row.revoke_reason_code,
        ended_on: row.ended_on,
        verify_url: crate::web::paths::verify_url(portal, &row.token),
        print_url: format!("{portal}{}", paths::at(paths::ATTESTATION_PRINT, &row.id)),
        token: row.token,
        kind: row.kind.to_string(),
        id: row.id.to_string(),
    }
}

/// `POST /api/v1/attestations`: issues; 201 with id, token, code and links.
#[utoipa::path(
    post,
    path = "/api/v1/attestations",
    tag = "attestations",
    security(("api_key" = [])),
    request_body = IssueRequest,
    responses(
        (status = 201, description = "Issued", body = IssuedResponse,
         headers(("Location" = String, description = "The attestation's API URL"))),
        (status = 400, description = "Not JSON, or not this shape", body = ApiError),
        (status = 401, description = "No valid API key", body = ApiError),
        (status = 403, description = "The party may not issue this kind (or is not approved)", body = ApiError),
        (status = 422, description = "Invalid fields, each named", body = ApiError),
        (status = 429, description = "Too many issuances with this key", body = ApiError),
    )
)]
#[tracing::instrument(skip_all)]
pub async fn attestations_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: super::ApiJson<IssueRequest>,
) -> Result<HttpResponse, AppError> {
    let party = api_party(&req, &state).await?;
    let key_hash = state
        .secrets
        .keyed_hash("api_key", &super::bearer_key(&req)?);
    state.limiters.issue(&key_hash)?;
    let lang = Lang::of_request(&req);
    let body = body.into_inner();
    let Some(kind) = AttestationKind::parse(&body.kind) else {
        let mut errors = FieldErrors::default();
        errors.add("kind", "error.choose");
        return Ok(validation_error(lang, &errors, api_field));
    };
    issuing::may_issue(&party, kind)?;
    let form = AttestationForm {
        subject_name: body.subject.name,
        subject_id_number: body.subject.id_number,
        valid_from: body.valid_from.unwrap_or_default(),
        valid_until: body.valid_until.unwrap_or_default(),
        applicant_email: body.applicant_email.unwrap_or_default(),
        responsibility: body.responsibility_accepted.to_string(),
        facts: FactsForm::from_json(body.facts),
    };
    let party_kind = party.kind;
    let mut errors = FieldErrors::default();
    let Some(new) = form.validate(kind, party_kind, state.config.clock.today(), &mut errors) else {
        return Ok(validation_error(lang, &errors, api_field));
    };
    let row = crate::routes::attestations::issue_as(&state, party, None, new).await?;
    Ok(created(row, &state))
}

/// 201 with the handles of `row`, just issued, and its API URL as `Location`.
pub(super) fn created(row: Attestation, state: &AppState) -> HttpResponse {
    let location = paths::at(paths::API_ATTESTATION, &row.id);
    let json = to_json(row, &state.config.portal(), state.config.clock.today());
    HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .json(IssuedResponse {
            id: json.id,
            token: json.token,
            code: json.code,
            verify_url: json.verify_url,
            print_url: json.print_url,
        })
}

/// `GET /api/v1/attestations/{id}`: own party only.
#[utoipa::path(
    get,
    path = "/api/v1/attestations/{id}",
    tag = "attestations",
    security(("api_key" = [])),
    params(("id" = String, Path, description = "The attestation id")),
    responses(
        (status = 200, description = "The attestation", body = AttestationResponse),
        (status = 401, description = "No valid API key", body = ApiError),
        (status = 404, description = "No such attestation of this party", body = ApiError),
    )
)]
pub async fn attestation_get(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<crate::domain::AttestationId>,
) -> Result<HttpResponse, AppError> {
    let party = api_party(&req, &state).await?;
    let id = id.into_inner();
    let row = state
        .db(move |conn| issuing::attestation(conn, &party.id, &id))
        .await?;
    Ok(HttpResponse::Ok().json(to_json(
        row,
        &state.config.portal(),
        state.config.clock.today(),
    )))
}

/// `POST /api/v1/attestations/{id}/revoke` body. Without `reason_code` (the request of
/// earlier clients, `{"reason"}`), the reason is `other` and its text is required.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RevokeRequest {
    #[schema(value_type = Option<crate::domain::ending::EndReason>)]
    reason_code: Option<String>,
    /// Free text; required with `other`.
    #[schema(max_length = 200)]
    reason: Option<String>,
    /// The day it ended (`YYYY-MM-DD`, today if absent; not before the proof's first day).
    #[schema(value_type = Option<chrono::NaiveDate>)]
    ended_on: Option<String>,
}

/// `POST /api/v1/attestations/{id}/revoke`: 200 with the revoked attestation; 409 when it
/// already was.
#[utoipa::path(
    post,
    path = "/api/v1/attestations/{id}/revoke",
    tag = "attestations",
    security(("api_key" = [])),
    params(("id" = String, Path, description = "The attestation id")),
    request_body = RevokeRequest,
    responses(
        (status = 200, description = "Revoked", body = AttestationResponse),
        (status = 400, description = "Not JSON, or not this shape", body = ApiError),
        (status = 401, description = "No valid API key", body = ApiError),
        (status = 404, description = "No such attestation of this party", body = ApiError),
        (status = 409, description = "Already revoked", body = ApiError),
        (status = 422, description = "A reason not of this kind, no text with `other`, or a day out of range", body = ApiError),
    )
)]
pub async fn revoke_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<crate::domain::AttestationId>,
    body: super::ApiJson<RevokeRequest>,
) -> Result<HttpResponse, AppError> {
    let party = api_party(&req, &state).await?;
    let body = body.into_inner();
    let form = EndForm {
        reason_code: body.reason_code.unwrap_or_else(|| "other".to_owned()),
        reason: body.reason.unwrap_or_default(),
        ended_on: body.ended_on.unwrap_or_default(),
    };
    let (id, today) = (id.into_inner(), state.config.clock.today());
    let portal = state.config.portal();
    let ended = state
        .db(move |conn| issuing::end(conn, &portal, &party, &id, None, &form, today))
        .await?;
    let row = match ended {
        Ok(row) => row,
        Err(errors) => return Ok(validation_error(Lang::of_request(&req), &errors, api_field)),
    };
    state.metrics.revoked(row.kind.as_str());
    Ok(HttpResponse::Ok().json(to_json(
        row,
        &state.config.portal(),
        state.config.clock.today(),
    )))
}
