//! A forgotten password: `GET/POST /password/forgot` asks for a link by email (the answer is
//! the same whether or not the address has an account), `GET/POST /password/reset/{token}`
//! sets a new password with it.

use crate::accounts::passwords::{self, NewPassword, ResetAsked};
use crate::domain::fields::{self, FieldErrors};
use crate::error::AppError;
use crate::web::csrf::CsrfForm;
use crate::web::page::Page;
use crate::web::{client_ip, html, paths, AppState};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama_web::WebTemplate;
use serde::Deserialize;

/// The page asking for a link.
#[derive(askama::Template, WebTemplate)]
#[template(path = "auth/forgot.html")]
pub struct ForgotPage {
    page: Page,
    email: String,
    errors: FieldErrors,
    /// Set once asked: the same words for every address.
    sent: bool,
}

/// `GET /password/forgot`.
pub async fn forgot_get(page: Page) -> ForgotPage {
    ForgotPage {
        page,
        email: String::new(),
        errors: FieldErrors::default(),
        sent: false,
    }
}

/// The email typed.
#[derive(Debug, Default, Deserialize)]
pub struct ForgotForm {
    #[serde(default)]
    email: String,
}

/// `POST /password/forgot`.
pub async fn forgot_post(
    page: Page,
    req: HttpRequest,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<ForgotForm>,
) -> Result<HttpResponse, AppError> {
    let mut errors = FieldErrors::default();
    let Some(email) = errors.check("email", fields::email(&form.email)) else {
        let page = ForgotPage {
            page,
            email: form.email,
            errors,
            sent: false,
        };
        return html(&page, StatusCode::UNPROCESSABLE_ENTITY);
    };
    let ip = client_ip(&req).map(|i| i.to_string());
    let (st, now, asked) = (state.clone(), state.config.clock.now(), email.clone());
    let outcome = state
        .db(move |conn| {
            let portal = st.config.portal();
            passwords::ask_reset(conn, &st.secrets, &portal, &asked, ip.as_deref(), now)
        })
        .await?;
    if outcome == ResetAsked::TooMany {
        return Err(AppError::TooManyRequests {
            retry_after_secs: 3600,
        });
    }
    let page = ForgotPage {
        page,
        email,
        errors: FieldErrors::default(),
        sent: true,
    };
    html(&page, StatusCode::OK)
}

/// The page setting a new password, or saying the link no longer works.
#[derive(askama::Template, WebTemplate)]
#[template(path = "auth/reset.html")]
pub struct ResetPage {
    page: Page,
    /// The link's path (the form posts back to it).
    action: String,
    errors: FieldErrors,
    /// The link was used, replaced by a newer one, or ran out.
    dead: bool,
}

fn reset_page(page: Page, token: &str, errors: FieldErrors, dead: bool) -> ResetPage {
    ResetPage {
        page,
        action: paths::at(paths::PASSWORD_RESET, token),
        errors,
        dead,
    }
}

/// A dead link: a page that says so and how to ask again.
fn dead_link(page: Page, token: &str) -> Result<HttpResponse, AppError> {
    html(
        &reset_page(page, token, FieldErrors::default(), true),
        StatusCode::GONE,
    )
}

/// `GET /password/reset/{token}`.
pub async fn reset_get(
    page: Page,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (st, now, t) = (state.clone(), state.config.clock.now(), token.clone());
    let user = state
        .db(move |conn| passwords::reset_user(conn, &st.secrets, &t, now))
        .await?;
    match user {
        Some(_) => html(
            &reset_page(page, &token, FieldErrors::default(), false),
            StatusCode::OK,
        ),
        None => dead_link(page, &token),
    }
}

/// `POST /password/reset/{token}`: the new password; then the login page, which says so.
pub async fn reset_post(
    page: Page,
    state: web::Data<AppState>,
    token: web::Path<String>,
    CsrfForm(form): CsrfForm<NewPassword>,
) -> Result<HttpResponse, AppError> {
    let (st, now, t) = (state.clone(), state.config.clock.now(), token.clone());
    let outcome = state
        .db(move |conn| {
            let portal = st.config.portal();
            passwords::reset(conn, &st.secrets, &portal, &t, &form, now)
        })
        .await?;
    match outcome {
        Some(Ok(())) => Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, format!("{}?reset", paths::LOGIN)))
            .finish()),
        Some(Err(errors)) => html(
            &reset_page(page, &token, errors, false),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        None => dead_link(page, &token),
    }
}
