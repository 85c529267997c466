//! `POST /station/parties/{id}/approve` and `/reject`.

use super::{load_in_scope, StationPartyPage, STAFF};
use crate::db::models::audit_log::{self, Action, AuditEntry};
use crate::db::models::parties;
use crate::domain::fields::{Limit, Text};
use crate::domain::PartyStatus;
use crate::error::AppError;
use crate::routes::paths;
use crate::web::csrf::CsrfForm;
use crate::web::page::Page;
use crate::web::{html, AppState};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use diesel::Connection;
use serde::Deserialize;

/// The reject form.
#[derive(Debug, Default, Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    reason: String,
}

/// `POST …/approve`.
pub async fn approve_post(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<String>,
    _form: CsrfForm<DecisionForm>,
) -> Result<HttpResponse, AppError> {
    decide(page, state, id.into_inner(), PartyStatus::Approved, None).await
}

/// `POST …/reject`: a reason is required; it is shown to the party.
pub async fn reject_post(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<String>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> Result<HttpResponse, AppError> {
    match Text::required(&form.reason, Limit::Chars500) {
        Ok(reason) => {
            decide(
                page,
                state,
                id.into_inner(),
                PartyStatus::Rejected,
                Some(reason),
            )
            .await
        }
        Err(key) => {
            let user = page.require(STAFF)?;
            let (row, email) = load_in_scope(&state, user, id.into_inner()).await?;
            let template = StationPartyPage {
                page,
                row,
                email,
                reason: form.reason,
                reason_error: Some(key),
            };
            html(&template, StatusCode::UNPROCESSABLE_ENTITY)
        }
    }
}

async fn decide(
    page: Page,
    state: web::Data<AppState>,
    id: String,
    status: PartyStatus,
    reason: Option<String>,
) -> Result<HttpResponse, AppError> {
    let user = page.require(STAFF)?.clone();
    // Scope check first: another station's party is 404, whatever its state.
    load_in_scope(&state, &user, id.clone()).await?;
    let party_id = id.clone();
    state
        .db(move |conn| {
            conn.transaction(|conn| {
                if parties::decide(conn, &party_id, status, reason.as_deref(), &user.user_id)? {
                    let action = match status {
                        PartyStatus::Approved => Action::PartyApproved,
                        _ => Action::PartyRejected,
                    };
                    let entry = AuditEntry::new(action, Some(&user.user_id), Some(&party_id));
                    let entry = match &reason {
                        Some(r) => entry.detail(r),
                        None => entry,
                    };
                    audit_log::insert(conn, &entry)?;
                }
                Ok::<_, AppError>(())
            })
        })
        .await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, paths::station_party(&id)))
        .finish())
}
