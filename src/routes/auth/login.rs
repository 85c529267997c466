//! `GET/POST /login`, `POST /logout`.

use crate::db::models::audit_log::{self, Action, AuditEntry};
use crate::db::models::{sessions, users};
use crate::domain::{fields::FieldErrors, Role};
use crate::error::AppError;
use crate::routes::paths;
use crate::web::csrf::CsrfForm;
use crate::web::page::Page;
use crate::web::{client_ip, html, session, AppState};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse, Responder};
use askama_web::WebTemplate;
use serde::Deserialize;

/// Failed logins of one account within the window that lock it.
const ACCOUNT_FAILURES: i64 = 5;
/// Failed logins from one address within the window that lock it.
const ADDRESS_FAILURES: i64 = 50;
/// The window and lock time.
const LOCK_MINUTES: i64 = 15;

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
}

/// `GET /login`.
pub async fn login_get(page: Page) -> impl Responder {
    LoginPage {
        page,
        email: String::new(),
        errors: FieldErrors::default(),
        alert: None,
    }
}

enum Outcome {
    LoggedIn { token: String, role: Role },
    Wrong,
    Locked,
}

/// `POST /login`: checks the password, throttled per account and per address; a fresh
/// session id at every login.
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
    let ip_text = ip.map(|i| i.to_string());
    let secrets = state.secrets.clone();
    let subject = email.clone();
    let outcome = state
        .db(move |conn| {
            let since = crate::db::now() - chrono::Duration::minutes(LOCK_MINUTES);
            let account_failures =
                audit_log::count_since_for_subject(conn, Action::LoginFailure, &subject, since)?;
            let address_failures = match &ip_text {
                Some(ip) => audit_log::count_since_from_ip(conn, Action::LoginFailure, ip, since)?,
                None => 0,
            };
            if account_failures >= ACCOUNT_FAILURES || address_failures >= ADDRESS_FAILURES {
                return Ok(Outcome::Locked);
            }
            let user = users::find_by_email(conn, &subject)?;
            let verified = match &user {
                Some(u) => crate::password::verify(&form.password, &u.password_hash),
                None => {
                    crate::password::verify_dummy(&form.password);
                    false
                }
            };
            match user.filter(|_| verified) {
                Some(user) => {
                    let token = session::start(conn, &secrets, &user.id)?;
                    audit_log::insert(
                        conn,
                        &AuditEntry::new(Action::LoginSuccess, Some(&user.id), Some(&subject))
                            .from_ip(ip_text.as_deref()),
                    )?;
                    let role = Role::parse(&user.role)
                        .ok_or_else(|| anyhow::anyhow!("unknown role {}", user.role))?;
                    Ok(Outcome::LoggedIn { token, role })
                }
                None => {
                    audit_log::insert(
                        conn,
                        &AuditEntry::new(Action::LoginFailure, None, Some(&subject))
                            .from_ip(ip_text.as_deref()),
                    )?;
                    Ok(Outcome::Wrong)
                }
            }
        })
        .await?;
    match outcome {
        Outcome::LoggedIn { token, role } => Ok(HttpResponse::SeeOther()
            .cookie(session::cookie(token, state.config.served_over_https()))
            .insert_header((header::LOCATION, paths::home_of(role)))
            .finish()),
        Outcome::Wrong => {
            let alert = Some(page.t("login.wrong"));
            render(page, email, errors, alert, StatusCode::UNAUTHORIZED)
        }
        Outcome::Locked => {
            let alert = Some(
                page.t("login.locked")
                    .replace("%{minutes}", &LOCK_MINUTES.to_string()),
            );
            let mut response = render(page, email, errors, alert, StatusCode::TOO_MANY_REQUESTS)?;
            response.headers_mut().insert(
                header::RETRY_AFTER,
                header::HeaderValue::from(LOCK_MINUTES * 60),
            );
            Ok(response)
        }
    }
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
        },
        status,
    )
}

/// `POST /logout`: deletes the session, so the old cookie no longer works.
pub async fn logout_post(
    page: Page,
    state: web::Data<AppState>,
    _form: CsrfForm<LoginForm>,
) -> Result<HttpResponse, AppError> {
    if let Some(user) = page.user {
        state
            .db(move |conn| {
                sessions::delete(conn, &user.session_hash)?;
                audit_log::insert(
                    conn,
                    &AuditEntry::new(Action::Logout, Some(&user.user_id), Some(&user.email)),
                )?;
                Ok(())
            })
            .await?;
    }
    Ok(HttpResponse::SeeOther()
        .cookie(session::removal_cookie(state.config.served_over_https()))
        .insert_header((header::LOCATION, paths::HOME))
        .finish())
}
