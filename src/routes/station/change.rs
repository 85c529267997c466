//! `POST /station/parties/{id}/change/approve|reject`: a station decides a party's request
//! to change its legal name, kind or identifier; the party is emailed either way.

use super::{load_in_scope, StationPartyPage, STAFF};
use crate::domain::fields::{Limit, Text};
use crate::error::AppError;
use crate::jurisdiction;
use crate::web::csrf::CsrfForm;
use crate::web::page::Page;
use crate::web::{html, paths, AppState};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use serde::Deserialize;

/// The rejection form: the reason is shown to the party.
#[derive(Debug, Default, Deserialize)]
pub struct ChangeDecisionForm {
    #[serde(default)]
    change_reason: String,
}

/// `POST …/change/approve`.
pub async fn change_approve_post(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<crate::domain::PartyId>,
    CsrfForm(form): CsrfForm<ChangeDecisionForm>,
) -> Result<HttpResponse, AppError> {
    decide(page, state, id.into_inner(), true, form).await
}

/// `POST …/change/reject`.
pub async fn change_reject_post(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<crate::domain::PartyId>,
    CsrfForm(form): CsrfForm<ChangeDecisionForm>,
) -> Result<HttpResponse, AppError> {
    decide(page, state, id.into_inner(), false, form).await
}

async fn decide(
    page: Page,
    state: web::Data<AppState>,
    id: crate::domain::PartyId,
    approve: bool,
    form: ChangeDecisionForm,
) -> Result<HttpResponse, AppError> {
    let user = page.require(STAFF)?.clone();
    let (row, email) = load_in_scope(&state, &user, id.clone()).await?;
    let reason = match (
        approve,
        Text::required(&form.change_reason, Limit::Chars500),
    ) {
        (true, _) => None,
        (false, Ok(reason)) => Some(reason),
        (false, Err(key)) => {
            let template = StationPartyPage {
                change_reason: form.change_reason,
                change_reason_error: Some(key),
                ..StationPartyPage::new(page, row, email)
            };
            return html(&template, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let (portal, now, party_id) = (state.config.portal(), state.config.clock.now(), id.clone());
    let decided = state
        .db(move |conn| {
            jurisdiction::decide_change(
                conn,
                &portal,
                &party_id,
                approve,
                reason.as_deref(),
                &user.user_id,
                now,
            )
        })
        .await?;
    if !decided {
        let template = StationPartyPage {
            change_error: Some("error.change.identifier_taken"),
            ..StationPartyPage::new(page, row, email)
        };
        return html(&template, StatusCode::CONFLICT);
    }
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, paths::at(paths::STATION_PARTY, &id)))
        .finish())
}
