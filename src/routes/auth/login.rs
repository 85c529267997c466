//! `GET/POST /login`, `POST /logout`.

use crate::domain::fields::FieldErrors;
use crate::error::AppError;
use crate::sign_in::{self, Outcome};
use crate::web::csrf::CsrfForm;
use crate::web::page::Page;
use crate::web::paths;
use crate::web::{client_ip, html, session, AppState};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse, Responder};
use askama_web::WebTemplate;
use serde::Deserialize;

/// The login form as typed.
#[derive(Debug, Default, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

/// The login page.
#[derive(askama::Template, WebTemplate)]
#[template(path = "auth/login.html")]
pub struct LoginPage {
    page: Page,
    email: String,
    errors: FieldErrors,
    /// A message about the whole form (wrong credentials, locked).
    alert: Option<String>,
    /// The password was just reset.
    reset: bool,
    /// An invited colleague just joined.
    joined: bool,
}

/// `?reset`, after a password was reset.
#[derive(Debug, Default, Deserialize)]
pub struct LoginQuery {
    reset: Option<String>,
    joined: Option<String>,
}

/// `GET /login` (`?reset` says the password was just reset).
pub async fn login_get(page: Page, query: web::Query<LoginQuery>) -> impl Responder {
    LoginPage {
        page,
        email: String::new(),
        errors: FieldErrors::default(),
        alert: None,
        reset: query.reset.is_some(),
        joined: query.joined.is_some(),
    }
}

/// `POST /login`: checks the password, throttled per account and client and per client
/// (`sign_in`); a fresh session id at every login.
#[tracing::instrument(skip_all)]
pub async fn login_post(
    page: Page,
    req: HttpRequest,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let ip = client_ip(&req);
    state.check_address(ip)?;
    let email = form.email.trim().to_lowercase();
    let mut errors = FieldErrors::default();
    if email.is_empty() {
        errors.add("email", "error.required");
    }
    if form.password.is_empty() {
        errors.add("password", "error.required");
    }
    if !errors.is_empty() {
        return render(page, email, errors, None, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let ip = ip.map(|i| i.to_string());
    let (secrets, portal, subject) = (state.secrets.clone(), state.config.portal(), email.clone());
    let now = state.config.clock.now();
    let outcome = state
        .db(move |conn| {
            sign_in::attempt(
                conn,
                &secrets,
                &portal,
                &subject,
                &form.password,
                ip.as_deref(),
                now,
            )
        })
        .await?;
    if let Outcome::SecondFactor { challenge } = outcome {
        return Ok(HttpResponse::SeeOther()
            .cookie(session::challenge_cookie(
                challenge,
                crate::web::https(&req),
            ))
            .insert_header((header::LOCATION, paths::LOGIN_SECOND_FACTOR))
            .finish());
    }
    match outcome {
        Outcome::LoggedIn { token, role } => Ok(logged_in(&req, token, role)),
        Outcome::SecondFactor { .. } => Err(AppError::BadRequest),
        Outcome::Wrong => {
            let alert = Some(page.t("login.wrong"));
            render(page, email, errors, alert, StatusCode::UNAUTHORIZED)
        }
        Outcome::Disabled => {
            let alert = Some(page.t("login.disabled"));
            render(page, email, errors, alert, StatusCode::FORBIDDEN)
        }
        Outcome::Locked => {
            let alert = Some(locked_alert(&page));
            let mut response = render(page, email, errors, alert, StatusCode::TOO_MANY_REQUESTS)?;
            retry_after_lock(&mut response);
            Ok(response)
        }
    }
}

/// The answer to a finished login: the session cookie (the challenge cookie removed), and
/// the user's home.
pub fn logged_in(req: &HttpRequest, token: String, role: crate::domain::Role) -> HttpResponse {
    let https = crate::web::https(req);
    HttpResponse::SeeOther()
        .cookie(session::cookie(token, https))
        .cookie(session::challenge_cookie(String::new(), https))
        .insert_header((header::LOCATION, paths::home_of(role)))
        .finish()
}

/// The message of a lock.
pub fn locked_alert(page: &Page) -> String {
    page.t("login.locked")
        .replace("%{minutes}", &sign_in::WINDOW_MINUTES.to_string())
}

/// Adds the `Retry-After` of a lock to `response`.
pub fn retry_after_lock(response: &mut HttpResponse) {
    response.headers_mut().insert(
        header::RETRY_AFTER,
        header::HeaderValue::from(sign_in::WINDOW_MINUTES * 60),
    );
}

fn render(
    page: Page,
    email: String,
    errors: FieldErrors,
    alert: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    html(
        &LoginPage {
            page,
            email,
            errors,
            alert,
            reset: false,
            joined: false,
        },
        status,
    )
}

/// `POST /logout`: deletes the session, so the old cookie no longer works.
pub async fn logout_post(
    page: Page,
    req: HttpRequest,
    state: web::Data<AppState>,
    _form: CsrfForm<LoginForm>,
) -> Result<HttpResponse, AppError> {
    if let Some(user) = page.user {
        state
            .db(move |conn| sign_in::logout(conn, &user.user_id, &user.email, &user.session_hash))
            .await?;
    }
    Ok(HttpResponse::SeeOther()
        .cookie(session::removal_cookie(crate::web::https(&req)))
        .insert_header((header::LOCATION, paths::HOME))
        .finish())
}
