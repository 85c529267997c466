//! `GET/POST /party/details`: an owner changes the party's address and contact at once; its
//! name, kind and identifier are shown, not edited here.

use crate::accounts::details;
use crate::domain::fields::FieldErrors;
use crate::domain::party::ContactForm;
use crate::error::AppError;
use crate::web::csrf::CsrfForm;
use crate::web::page::Page;
use crate::web::party::PartyContext;
use crate::web::{html, paths, AppState};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use askama_web::WebTemplate;
use serde::Deserialize;

/// The details page.
#[derive(askama::Template, WebTemplate)]
#[template(path = "party/details.html")]
pub struct DetailsPage {
    page: Page,
    ctx: PartyContext,
    form: ContactForm,
    errors: FieldErrors,
    saved: bool,
}

/// `?saved` after a change.
#[derive(Debug, Default, Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
}

/// `GET /party/details`.
pub async fn details_get(
    page: Page,
    ctx: PartyContext,
    query: web::Query<SavedQuery>,
) -> Result<DetailsPage, AppError> {
    ctx.require_owner()?;
    let now = details::contact_of(&ctx.party);
    Ok(DetailsPage {
        page,
        form: ContactForm {
            address: now.address,
            contact_name: now.contact_name,
            contact_phone: now.contact_phone,
        },
        ctx,
        errors: FieldErrors::default(),
        saved: query.saved.is_some(),
    })
}

/// `POST /party/details`.
pub async fn details_post(
    page: Page,
    ctx: PartyContext,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<ContactForm>,
) -> Result<HttpResponse, AppError> {
    ctx.require_owner()?;
    let (party_id, user_id, portal) = (
        ctx.party.id.clone(),
        ctx.user.user_id.clone(),
        state.config.portal(),
    );
    let typed = form.clone();
    let outcome = state
        .db(move |conn| details::change_contact(conn, &portal, &party_id, &user_id, &typed))
        .await?;
    match outcome {
        Ok(()) => Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, format!("{}?saved", paths::PARTY_DETAILS)))
            .finish()),
        Err(errors) => html(
            &DetailsPage {
                page,
                ctx,
                form,
                errors,
                saved: false,
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    }
}
