//! `POST /api/v1/attestations`, `GET /api/v1/attestations/{id}`, `POST …/{id}/revoke`.

use super::{api_party, validation_error};
use crate::db::models::attestations::{self, Attestation};
use crate::domain::attestation::{today_in_china, AttestationForm};
use crate::domain::facts_form::FactsForm;
use crate::domain::fields::{FieldErrors, Limit, Text};
use crate::domain::{AttestationKind, PartyKind};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::issuing;
use crate::routes::paths;
use crate::web::AppState;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

/// The subject of a new attestation.
#[derive(Debug, Default, Deserialize)]
pub struct SubjectRequest {
    #[serde(default)]
    name: String,
    #[serde(default)]
    id_number: String,
}

/// `POST /api/v1/attestations` body.
#[derive(Debug, Deserialize)]
pub struct IssueRequest {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    subject: SubjectRequest,
    valid_from: Option<String>,
    valid_until: Option<String>,
    applicant_email: Option<String>,
    #[serde(default)]
    responsibility_accepted: bool,
    #[serde(default)]
    facts: serde_json::Map<String, serde_json::Value>,
}

/// The facts as form text: strings as they are, booleans and numbers spelled out.
fn facts_form(facts: serde_json::Map<String, serde_json::Value>) -> FactsForm {
    let as_text: serde_json::Map<String, serde_json::Value> = facts
        .into_iter()
        .map(|(k, v)| {
            let text = match v {
                serde_json::Value::String(s) => s,
                serde_json::Value::Null => String::new(),
                other => other.to_string(),
            };
            (k, serde_json::Value::String(text))
        })
        .collect();
    serde_json::from_value(serde_json::Value::Object(as_text)).unwrap_or_default()
}

/// The API name of a form field.
fn api_field(field: &str) -> String {
    match field {
        "subject_name" => "subject.name".into(),
        "subject_id_number" => "subject.id_number".into(),
        "responsibility" => "responsibility_accepted".into(),
        "valid_from" | "valid_until" | "applicant_email" | "kind" | "reason" => field.into(),
        facts => format!("facts.{facts}"),
    }
}

/// An attestation as the API returns it (no full ID number, ever).
fn to_json(row: &Attestation, portal: &str) -> serde_json::Value {
    serde_json::json!({
        "id": row.id,
        "kind": row.kind,
        "status": row.status,
        "code": crate::domain::VerificationCode::from_stored(row.code.clone()).display(),
        "subject": { "name": row.subject_name, "id_number": row.subject_id_masked },
        "facts": serde_json::from_str::<serde_json::Value>(&row.facts).unwrap_or_default(),
        "valid_from": row.valid_from,
        "valid_until": row.valid_until,
        "issued_at": row.issued_at.and_utc().to_rfc3339(),
        "revoked_at": row.revoked_at.map(|t| t.and_utc().to_rfc3339()),
        "revoke_reason": row.revoke_reason,
        "token": row.token,
        "verify_url": format!("{portal}/verify#{}", row.token),
        "print_url": format!("{portal}{}", paths::attestation_print(&row.id)),
    })
}

/// `POST /api/v1/attestations`: issues; 201 with id, token, code and links.
#[tracing::instrument(skip_all)]
pub async fn attestations_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<IssueRequest>,
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
    issuing::may_issue(&party, kind).map_err(|_| AppError::Forbidden)?;
    let form = AttestationForm {
        subject_name: body.subject.name,
        subject_id_number: body.subject.id_number,
        valid_from: body.valid_from.unwrap_or_default(),
        valid_until: body.valid_until.unwrap_or_default(),
        applicant_email: body.applicant_email.unwrap_or_default(),
        responsibility: body.responsibility_accepted.to_string(),
        facts: facts_form(body.facts),
    };
    let party_kind = PartyKind::parse(&party.kind).ok_or(AppError::Forbidden)?;
    let mut errors = FieldErrors::default();
    let Some(new) = form.validate(kind, party_kind, today_in_china(), &mut errors) else {
        return Ok(validation_error(lang, &errors, api_field));
    };
    let party_id = party.id.clone();
    let user_id = state.db(move |conn| first_user(conn, &party_id)).await?;
    let row = crate::routes::attestations::issue_as(&state, party, user_id, new).await?;
    let portal = state.config.portal();
    let json = to_json(&row, &portal);
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("{}/{}", paths::API_ATTESTATIONS, row.id),
        ))
        .json(serde_json::json!({
            "id": json["id"],
            "token": json["token"],
            "code": json["code"],
            "verify_url": json["verify_url"],
            "print_url": json["print_url"],
        })))
}

/// The user an API issuance is recorded under: the party's first user.
fn first_user(conn: &mut crate::db::DbConnection, party_id: &str) -> Result<String, AppError> {
    crate::db::models::users::first_of_party(conn, party_id)?
        .map(|u| u.id)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("party {party_id} has no user")))
}

/// `GET /api/v1/attestations/{id}`: own party only.
pub async fn attestation_get(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let party = api_party(&req, &state).await?;
    let id = id.into_inner();
    let row = state
        .db(move |conn| Ok(attestations::find_for_party(conn, &party.id, &id)?))
        .await?;
    Ok(HttpResponse::Ok().json(to_json(&row, &state.config.portal())))
}

/// `POST /api/v1/attestations/{id}/revoke` body.
#[derive(Debug, Deserialize)]
pub struct RevokeRequest {
    #[serde(default)]
    reason: String,
}

/// `POST /api/v1/attestations/{id}/revoke`: 200 with the revoked attestation; 409 when it
/// already was.
pub async fn revoke_post(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: web::Json<RevokeRequest>,
) -> Result<HttpResponse, AppError> {
    let party = api_party(&req, &state).await?;
    let reason = match Text::required(&body.reason, Limit::Chars200) {
        Ok(r) => r,
        Err(key) => {
            let mut errors = FieldErrors::default();
            errors.add("reason", key);
            return Ok(validation_error(Lang::of_request(&req), &errors, api_field));
        }
    };
    let id = id.into_inner();
    let portal = state.config.portal();
    let row = state
        .db(move |conn| {
            let row = attestations::find_for_party(conn, &party.id, &id)?;
            let user = first_user(conn, &party.id)?;
            if !issuing::revoke(conn, &portal, &party, &row.id, &user, &reason)? {
                return Err(AppError::Conflict);
            }
            Ok(attestations::find_for_party(conn, &party.id, &id)?)
        })
        .await?;
    state.metrics.revoked(&row.kind);
    Ok(HttpResponse::Ok().json(to_json(&row, &state.config.portal())))
}
