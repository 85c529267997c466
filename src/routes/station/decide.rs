//! `POST /station/parties/{id}/approve|reject|suspend|reinstate`: a station changes the
//! status of a party of its jurisdiction; the change, its audit row and the email to the
//! party are written in one transaction.

use super::{load_in_scope, StationPartyPage, STAFF};
use crate::domain::fields::{Limit, Text};
use crate::error::AppError;
use crate::jurisdiction::{self, Decision};
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
    pub reason: String,
}

/// `POST …/approve`.
pub async fn approve_post(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<crate::domain::PartyId>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> Result<HttpResponse, AppError> {
    change(page, state, id.into_inner(), Decision::APPROVE, form).await
}

/// `POST …/reject`: the reason is shown to the party.
pub async fn reject_post(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<crate::domain::PartyId>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> Result<HttpResponse, AppError> {
    change(page, state, id.into_inner(), Decision::REJECT, form).await
}

/// `POST …/suspend`: a suspended party cannot issue.
pub async fn suspend_post(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<crate::domain::PartyId>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> Result<HttpResponse, AppError> {
    change(page, state, id.into_inner(), Decision::SUSPEND, form).await
}

/// `POST …/reinstate`.
pub async fn reinstate_post(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<crate::domain::PartyId>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> Result<HttpResponse, AppError> {
    change(page, state, id.into_inner(), Decision::REINSTATE, form).await
}

async fn change(
    page: Page,
    state: web::Data<AppState>,
    id: crate::domain::PartyId,
    change: Decision,
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
                reason: form.reason,
                reason_error: Some(key),
                ..StationPartyPage::new(page, row, email)
            };
            return html(&template, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let portal = state.config.portal();
    let party_id = id.clone();
    state
        .db(move |conn| {
            jurisdiction::decide(
                conn,
                &portal,
                &party_id,
                change,
                reason.as_deref(),
                &user.user_id,
            )
        })
        .await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((
            actix_web::http::header::LOCATION,
            paths::at(paths::STATION_PARTY, &id),
        ))
        .finish())
}
