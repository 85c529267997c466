//! `GET/POST /login/2fa`: the second step of a login for an account with a second factor:
//! a code from the authenticator app, or a recovery code. Wrong codes count toward the same
//! lock as wrong passwords.

use super::login::{locked_alert, logged_in, retry_after_lock};
use crate::error::AppError;
use crate::sign_in::{self, Outcome};
use crate::web::csrf::CsrfForm;
use crate::web::page::Page;
use crate::web::{client_ip, html, paths, session, AppState};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama_web::WebTemplate;
use serde::Deserialize;

/// The code form.
#[derive(Debug, Default, Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

/// The second-step page.
#[derive(askama::Template, WebTemplate)]
#[template(path = "auth/second_factor.html")]
pub struct SecondFactorPage {
    page: Page,
    /// The message beside the code field.
    error: Option<&'static str>,
    /// A message about the whole form (locked).
    alert: Option<String>,
}

fn challenge_of(req: &HttpRequest) -> Option<String> {
    req.cookie(session::challenge_cookie_name(crate::web::https(req)))
        .map(|c| c.value().to_owned())
        .filter(|v| !v.is_empty())
}

fn back_to_login() -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, paths::LOGIN))
        .finish()
}

/// `GET /login/2fa` (without a challenge: back to the login page).
pub async fn second_factor_get(page: Page, req: HttpRequest) -> Result<HttpResponse, AppError> {
    if challenge_of(&req).is_none() {
        return Ok(back_to_login());
    }
    let form = SecondFactorPage {
        page,
        error: None,
        alert: None,
    };
    html(&form, StatusCode::OK)
}

/// `POST /login/2fa`.
#[tracing::instrument(skip_all)]
pub async fn second_factor_post(
    page: Page,
    req: HttpRequest,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<CodeForm>,
) -> Result<HttpResponse, AppError> {
    let ip = client_ip(&req);
    state.check_address(ip)?;
    let Some(challenge) = challenge_of(&req) else {
        return Ok(back_to_login());
    };
    let again = |page, error, alert, status| html(&SecondFactorPage { page, error, alert }, status);
    if form.code.trim().is_empty() {
        return again(
            page,
            Some("error.required"),
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    let ip = ip.map(|i| i.to_string());
    let (secrets, portal, now) = (
        state.secrets.clone(),
        state.config.portal(),
        state.config.clock.now(),
    );
    let outcome = state
        .db(move |conn| {
            sign_in::second_step(
                conn,
                &secrets,
                &portal,
                &challenge,
                &form.code,
                ip.as_deref(),
                now,
            )
        })
        .await?;
    match outcome {
        None => Ok(back_to_login()),
        Some(Outcome::LoggedIn { token, role }) => Ok(logged_in(&req, token, role)),
        Some(Outcome::Locked) => {
            let alert = Some(locked_alert(&page));
            let mut response = again(page, None, alert, StatusCode::TOO_MANY_REQUESTS)?;
            retry_after_lock(&mut response);
            Ok(response)
        }
        Some(_) => again(
            page,
            Some("error.second_factor.code"),
            None,
            StatusCode::UNAUTHORIZED,
        ),
    }
}
