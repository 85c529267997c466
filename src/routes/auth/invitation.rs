//! `GET/POST /invitations/{token}`: a colleague invited by a party's owner sets a password
//! and so joins the party; then logs in.

use crate::accounts::passwords::NewPassword;
use crate::accounts::team;
use crate::domain::fields::FieldErrors;
use crate::error::AppError;
use crate::web::csrf::CsrfForm;
use crate::web::page::Page;
use crate::web::{html, paths, AppState};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use askama_web::WebTemplate;

/// The invitation page: whom it invites to which party, and the password fields; or that
/// the link no longer works.
#[derive(askama::Template, WebTemplate)]
#[template(path = "auth/invitation.html")]
pub struct InvitationPage {
    page: Page,
    action: String,
    /// (email, party name) while the invitation is open.
    open: Option<(String, String)>,
    errors: FieldErrors,
}

async fn page_of(
    page: Page,
    state: &web::Data<AppState>,
    token: &str,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let (st, now, t) = (state.clone(), state.config.clock.now(), token.to_owned());
    let open = state
        .db(move |conn| team::invitation(conn, &st.secrets, &t, now))
        .await?
        .map(|(i, party)| (i.email, party));
    let status = match (&open, errors.is_empty()) {
        (None, _) => StatusCode::GONE,
        (Some(_), true) => StatusCode::OK,
        (Some(_), false) => StatusCode::UNPROCESSABLE_ENTITY,
    };
    let action = paths::at(paths::INVITATION, token);
    html(
        &InvitationPage {
            page,
            action,
            open,
            errors,
        },
        status,
    )
}

/// `GET /invitations/{token}`.
pub async fn invitation_get(
    page: Page,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    page_of(page, &state, &token, FieldErrors::default()).await
}

/// `POST /invitations/{token}`: the account is made; then the login page.
pub async fn invitation_post(
    page: Page,
    state: web::Data<AppState>,
    token: web::Path<String>,
    CsrfForm(form): CsrfForm<NewPassword>,
) -> Result<HttpResponse, AppError> {
    let (st, now, t) = (state.clone(), state.config.clock.now(), token.clone());
    let outcome = state
        .db(move |conn| team::accept(conn, &st.secrets, &t, &form, now))
        .await?;
    match outcome {
        Some(Ok(_)) => Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, format!("{}?joined", paths::LOGIN)))
            .finish()),
        Some(Err(errors)) => page_of(page, &state, &token, errors).await,
        None => page_of(page, &state, &token, FieldErrors::default()).await,
    }
}
