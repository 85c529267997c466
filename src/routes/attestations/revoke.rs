//! `GET/POST /party/attestations/{id}/revoke`: a reason and a confirmation step.

use super::show::load;
use super::AttestationView;
use crate::domain::fields::{Limit, Text};
use crate::error::AppError;
use crate::issuing;
use crate::web::csrf::CsrfForm;
use crate::web::page::Page;
use crate::web::party::PartyContext;
use crate::web::paths;
use crate::web::{html, AppState};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use askama_web::WebTemplate;
use serde::Deserialize;

/// The confirmation page.
#[derive(askama::Template, WebTemplate)]
#[template(path = "attestations/revoke.html")]
pub struct RevokePage {
    page: Page,
    a: AttestationView,
    reason: String,
    reason_error: Option<&'static str>,
}

/// `GET …/revoke`: asks for the reason and a confirmation.
pub async fn revoke_get(
    page: Page,
    ctx: PartyContext,
    state: web::Data<AppState>,
    id: web::Path<crate::domain::AttestationId>,
) -> Result<RevokePage, AppError> {
    let (_, a) = load(ctx, &state, id.into_inner()).await?;
    Ok(RevokePage {
        page,
        a,
        reason: String::new(),
        reason_error: None,
    })
}

/// The revocation form.
#[derive(Debug, Default, Deserialize)]
pub struct RevokeForm {
    #[serde(default)]
    reason: String,
}

/// `POST …/revoke`.
pub async fn revoke_post(
    page: Page,
    ctx: PartyContext,
    state: web::Data<AppState>,
    id: web::Path<crate::domain::AttestationId>,
    CsrfForm(form): CsrfForm<RevokeForm>,
) -> Result<HttpResponse, AppError> {
    let (ctx, a) = load(ctx, &state, id.into_inner()).await?;
    let reason = match Text::required(&form.reason, Limit::Chars200) {
        Ok(reason) => reason,
        Err(key) => {
            let template = RevokePage {
                page,
                a,
                reason: form.reason,
                reason_error: Some(key),
            };
            return html(&template, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let (party, id, user_id) = (ctx.party, a.row.id.clone(), ctx.user.user_id);
    let portal = state.config.portal();
    let revoked = state
        .db(move |conn| {
            Ok(issuing::revoke(
                conn, &portal, &party, &id, &user_id, &reason,
            )?)
        })
        .await?;
    if revoked {
        state.metrics.revoked(a.row.kind.as_str());
    }
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, paths::at(paths::ATTESTATION, &a.row.id)))
        .finish())
}
