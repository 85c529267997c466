//! `GET/POST /party/details`: an owner changes the party's address and contact at once;
//! `POST /party/details/change` asks the station to change its name, kind or identifier.

use crate::accounts::details;
use crate::domain::fields::FieldErrors;
use crate::domain::party::{ContactForm, IdentityForm};
use crate::domain::PartyKind;
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
    identity: IdentityForm,
    kinds: [PartyKind; 5],
    /// The party's latest change request, pending or decided.
    change: Option<details::ChangeRequest>,
    /// The errors of the form posted (the two forms share no field name).
    errors: FieldErrors,
    saved: bool,
    requested: bool,
}

impl DetailsPage {
    /// The page with both forms as the party stands now.
    async fn load(page: Page, ctx: PartyContext, state: &AppState) -> Result<Self, AppError> {
        let party_id = ctx.party.id.clone();
        let change = state
            .db(move |conn| details::latest_change(conn, &party_id))
            .await?;
        let now = details::contact_of(&ctx.party);
        Ok(DetailsPage {
            page,
            form: ContactForm {
                address: now.address,
                contact_name: now.contact_name,
                contact_phone: now.contact_phone,
            },
            identity: details::identity_form_of(&ctx.party),
            kinds: PartyKind::ALL,
            change,
            ctx,
            errors: FieldErrors::default(),
            saved: false,
            requested: false,
        })
    }
}

/// `?saved` after a change of contact, `?requested` after a change request.
#[derive(Debug, Default, Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
    requested: Option<String>,
}

/// `GET /party/details`.
pub async fn details_get(
    page: Page,
    ctx: PartyContext,
    state: web::Data<AppState>,
    query: web::Query<SavedQuery>,
) -> Result<DetailsPage, AppError> {
    ctx.require_owner()?;
    Ok(DetailsPage {
        saved: query.saved.is_some(),
        requested: query.requested.is_some(),
        ..DetailsPage::load(page, ctx, &state).await?
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
                form,
                errors,
                ..DetailsPage::load(page, ctx, &state).await?
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    }
}

/// `POST /party/details/change`: the station is asked; nothing changes until it approves.
pub async fn change_post(
    page: Page,
    ctx: PartyContext,
    state: web::Data<AppState>,
    CsrfForm(identity): CsrfForm<IdentityForm>,
) -> Result<HttpResponse, AppError> {
    ctx.require_owner()?;
    let (party_id, user_id) = (ctx.party.id.clone(), ctx.user.user_id.clone());
    let (portal, secrets, now) = (
        state.config.portal(),
        state.secrets.clone(),
        state.config.clock.now(),
    );
    let typed = identity.clone();
    let outcome = state
        .db(move |conn| {
            details::request_change(conn, &portal, &secrets, &party_id, &user_id, &typed, now)
        })
        .await?;
    match outcome {
        Ok(()) => Ok(HttpResponse::SeeOther()
            .insert_header((
                header::LOCATION,
                format!("{}?requested", paths::PARTY_DETAILS),
            ))
            .finish()),
        Err(errors) => html(
            &DetailsPage {
                identity,
                errors,
                ..DetailsPage::load(page, ctx, &state).await?
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    }
}
