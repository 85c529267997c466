//! `POST /station/parties/{id}/approve|reject|suspend|reinstate`: a station changes the
//! status of a party of its jurisdiction; the change, its audit row and the email to the
//! party are written in one transaction.

use super::{load_in_scope, StationPartyPage, STAFF};
use crate::db::models::audit_log::{self, Action, AuditEntry};
use crate::db::models::{parties, users};
use crate::domain::fields::{Limit, Text};
use crate::domain::PartyStatus;
use crate::error::AppError;
use crate::web::csrf::CsrfForm;
use crate::web::page::Page;
use crate::web::paths;
use crate::web::{html, AppState};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

/// The decision form (the reason is required but for approval).
#[derive(Debug, Default, Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    reason: String,
}

/// One status change a station may make.
struct Change {
    from: PartyStatus,
    to: PartyStatus,
    action: Action,
    needs_reason: bool,
}

const APPROVE: Change = Change {
    from: PartyStatus::Pending,
    to: PartyStatus::Approved,
    action: Action::PartyApproved,
    needs_reason: false,
};
const REJECT: Change = Change {
    from: PartyStatus::Pending,
    to: PartyStatus::Rejected,
    action: Action::PartyRejected,
    needs_reason: true,
};
const SUSPEND: Change = Change {
    from: PartyStatus::Approved,
    to: PartyStatus::Suspended,
    action: Action::PartySuspended,
    needs_reason: true,
};
const REINSTATE: Change = Change {
    from: PartyStatus::Suspended,
    to: PartyStatus::Approved,
    action: Action::PartyReinstated,
    needs_reason: true,
};

/// `POST …/approve`.
pub async fn approve_post(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<String>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> Result<HttpResponse, AppError> {
    change(page, state, id.into_inner(), APPROVE, form).await
}

/// `POST …/reject`: the reason is shown to the party.
pub async fn reject_post(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<String>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> Result<HttpResponse, AppError> {
    change(page, state, id.into_inner(), REJECT, form).await
}

/// `POST …/suspend`: a suspended party cannot issue.
pub async fn suspend_post(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<String>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> Result<HttpResponse, AppError> {
    change(page, state, id.into_inner(), SUSPEND, form).await
}

/// `POST …/reinstate`.
pub async fn reinstate_post(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<String>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> Result<HttpResponse, AppError> {
    change(page, state, id.into_inner(), REINSTATE, form).await
}

async fn change(
    page: Page,
    state: web::Data<AppState>,
    id: String,
    change: Change,
    form: DecisionForm,
) -> Result<HttpResponse, AppError> {
    let user = page.require(STAFF)?.clone();
    // Scope first: another station's party is 404, whatever its state.
    let (row, email) = load_in_scope(&state, &user, id.clone()).await?;
    let reason = match (
        change.needs_reason,
        Text::required(&form.reason, Limit::Chars500),
    ) {
        (false, _) => None,
        (true, Ok(reason)) => Some(reason),
        (true, Err(key)) => {
            let template = StationPartyPage {
                page,
                row,
                email,
                reason: form.reason,
                reason_error: Some(key),
            };
            return html(&template, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let portal = state.config.portal();
    let party_id = id.clone();
    state
        .db(move |conn| {
            crate::db::write(conn, |conn| {
                if !parties::change_status(
                    conn,
                    &party_id,
                    change.from,
                    change.to,
                    reason.as_deref(),
                    &user.user_id,
                )? {
                    return Ok(());
                }
                let entry = AuditEntry::new(change.action, Some(&user.user_id), Some(&party_id));
                let entry = match &reason {
                    Some(r) => entry.detail(r),
                    None => entry,
                };
                audit_log::insert(conn, &entry)?;
                let party = parties::find_by_id(conn, &party_id)?;
                if let Some(to) = users::first_of_party(conn, &party_id)? {
                    crate::mail::notify::party_status(
                        conn,
                        &portal,
                        &to.email,
                        &party,
                        change.to.as_str(),
                        reason.as_deref(),
                    )?;
                }
                Ok::<_, AppError>(())
            })
        })
        .await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, paths::station_party(&id)))
        .finish())
}
