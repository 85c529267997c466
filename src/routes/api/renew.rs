//! `POST /api/v1/attestations/{id}/renew`: a new proof for the same person, with the old
//! one's facts overlaid by any given; the old one becomes superseded.

use super::attestations::{api_field, created, IssuedResponse};
use super::{api_party, validation_error, ApiError};
use crate::domain::attestation::AttestationForm;
use crate::domain::facts_form::FactsForm;
use crate::domain::fields::FieldErrors;
use crate::domain::AttestationId;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::issuing;
use crate::web::AppState;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

/// `POST /api/v1/attestations/{id}/renew` body; everything optional. `facts` are only those
/// that changed; `valid_from` defaults to today and `valid_until` to 90 days later.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct RenewRequest {
    #[schema(value_type = Option<chrono::NaiveDate>)]
    valid_from: Option<String>,
    #[schema(value_type = Option<chrono::NaiveDate>)]
    valid_until: Option<String>,
    applicant_email: Option<String>,
    #[serde(default)]
    #[schema(value_type = Object)]
    facts: serde_json::Map<String, serde_json::Value>,
}

/// `POST /api/v1/attestations/{id}/renew`: 201 like an issuance; the old proof superseded.
#[utoipa::path(
    post,
    path = "/api/v1/attestations/{id}/renew",
    tag = "attestations",
    security(("api_key" = [])),
    params(("id" = String, Path, description = "The attestation to renew")),
    request_body = RenewRequest,
    responses(
        (status = 201, description = "Renewed", body = IssuedResponse,
         headers(("Location" = String, description = "The new attestation's API URL"))),
        (status = 400, description = "Not JSON, or not this shape", body = ApiError),
        (status = 401, description = "No valid API key", body = ApiError),
        (status = 404, description = "No such attestation of this party", body = ApiError),
        (status = 409, description = "Ended, flagged or already renewed", body = ApiError),
        (status = 422, description = "Invalid fields, each named", body = ApiError),
    )
)]
pub async fn renew_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<AttestationId>,
    body: super::ApiJson<RenewRequest>,
) -> Result<HttpResponse, AppError> {
    let party = api_party(&req, &state).await?;
    let (p, id) = (party.clone(), id.into_inner());
    let (old, subject) = state
        .db(move |conn| issuing::renewable(conn, &p, &id))
        .await?;
    let body = body.into_inner();
    let mut facts: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&old.facts).unwrap_or_default();
    facts.extend(body.facts);
    let form = AttestationForm {
        valid_from: body.valid_from.unwrap_or_default(),
        valid_until: body.valid_until.unwrap_or_default(),
        applicant_email: body
            .applicant_email
            .or_else(|| old.applicant_email.clone())
            .unwrap_or_default(),
        responsibility: "true".to_owned(),
        facts: FactsForm::from_json(facts),
        ..Default::default()
    };
    let mut errors = FieldErrors::default();
    let today = state.config.clock.today();
    let Some(mut new) =
        form.validate_with_subject(old.kind, party.kind, today, &mut errors, subject)
    else {
        return Ok(validation_error(Lang::of_request(&req), &errors, api_field));
    };
    new.replaces = Some(old.id);
    let row = crate::routes::attestations::issue_as(&state, party, None, new).await?;
    Ok(created(row, &state))
}
