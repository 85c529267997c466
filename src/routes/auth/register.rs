//! `GET/POST /register`: an assisting party signs itself up; it starts `pending`.

use crate::accounts::Station;
use crate::accounts::{self, AccountError, NewParty};
use crate::domain::fields::{self, FieldErrors};
use crate::domain::party::PartyForm;
use crate::domain::{PartyKind, PartyStatus};
use crate::error::AppError;
use crate::web::csrf::CsrfForm;
use crate::web::page::Page;
use crate::web::paths;
use crate::web::{client_ip, html, AppState};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama_web::WebTemplate;
use serde::Deserialize;

/// The sign-up form as typed.
#[derive(Debug, Default, Deserialize)]
pub struct RegisterForm {
    #[serde(flatten)]
    party: PartyForm,
    #[serde(default)]
    station: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
}

/// The sign-up page.
#[derive(askama::Template, WebTemplate)]
#[template(path = "auth/register.html")]
pub struct RegisterPage {
    page: Page,
    form: RegisterForm,
    stations: Vec<Station>,
    kinds: [PartyKind; 5],
    errors: FieldErrors,
}

async fn stations_of(state: &web::Data<AppState>) -> Result<Vec<Station>, AppError> {
    state.db(accounts::stations).await
}

/// `GET /register`.
pub async fn register_get(
    page: Page,
    state: web::Data<AppState>,
) -> Result<RegisterPage, AppError> {
    Ok(RegisterPage {
        page,
        form: RegisterForm::default(),
        stations: stations_of(&state).await?,
        kinds: PartyKind::ALL,
        errors: FieldErrors::default(),
    })
}

/// `POST /register`: validates every field, creates the pending party and its user, and
/// logs the new user in.
#[tracing::instrument(skip_all)]
pub async fn register_post(
    page: Page,
    req: HttpRequest,
    state: web::Data<AppState>,
    CsrfForm(mut form): CsrfForm<RegisterForm>,
) -> Result<HttpResponse, AppError> {
    state.check_address(client_ip(&req))?;
    let mut errors = FieldErrors::default();
    let details = form.party.validate(&mut errors);
    let email = errors.check("email", fields::email(&form.email));
    if form.station.trim().is_empty() {
        errors.add("station", "error.choose");
    }
    let user_inputs = [form.email.as_str(), form.party.identity.legal_name.as_str()];
    let password_ok = errors
        .check("password", fields::password(&form.password, &user_inputs))
        .is_some();
    if password_ok && form.password != form.password_confirm {
        errors.add("password_confirm", "error.password.mismatch");
    }
    let (Some(details), Some(email), true) = (details, email, errors.is_empty()) else {
        return show_again(page, &state, form, errors).await;
    };
    let password = std::mem::take(&mut form.password);
    let password_hash = web::block(move || crate::password::hash(&password)).await??;
    let station_code = form.station.trim().to_owned();
    let ip = client_ip(&req).map(|i| i.to_string());
    let secrets = state.secrets.clone();
    let portal = state.config.portal();
    let registered = state
        .db(move |conn| {
            let new = NewParty {
                details: &details,
                station_code: &station_code,
                email: &email,
                password_hash: &password_hash,
                status: PartyStatus::Pending,
                client_ip: ip.as_deref(),
                notify_portal: Some(&portal),
                secrets: &secrets,
            };
            match accounts::register(conn, &new, &portal) {
                Ok(_) => Ok(true),
                Err(AccountError::UnknownStation(_)) => Ok(false),
                Err(AccountError::Database(e)) => Err(e.into()),
                Err(e) => Err(AppError::Internal(e.into())),
            }
        })
        .await?;
    if !registered {
        errors.add("station", "error.choose");
        return show_again(page, &state, form, errors).await;
    }
    // The same answer whether the email or identifier was new or known (the owner of a
    // known one is emailed instead): the page tells nobody who is registered.
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, paths::REGISTER_DONE))
        .finish())
}

/// The page after a registration.
#[derive(askama::Template, WebTemplate)]
#[template(path = "auth/register_done.html")]
pub struct RegisterDonePage {
    page: Page,
}

/// `GET /register/done`.
pub async fn register_done_get(page: Page) -> RegisterDonePage {
    RegisterDonePage { page }
}

async fn show_again(
    page: Page,
    state: &web::Data<AppState>,
    mut form: RegisterForm,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    // Passwords are never sent back to the browser.
    form.password.clear();
    form.password_confirm.clear();
    let template = RegisterPage {
        page,
        form,
        stations: stations_of(state).await?,
        kinds: PartyKind::ALL,
        errors,
    };
    html(&template, StatusCode::UNPROCESSABLE_ENTITY)
}
