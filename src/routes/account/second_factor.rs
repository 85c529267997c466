//! `GET/POST /account/2fa`: a user sets up a second factor (a QR code and the secret to
//! type, confirmed with a first code; ten recovery codes shown once), makes new recovery
//! codes, or — where the portal does not require one — turns it off.

use crate::accounts::second_factor::{self, Setup};
use crate::documents::qr::QrMatrix;
use crate::domain::fields::FieldErrors;
use crate::error::AppError;
use crate::web::csrf::CsrfForm;
use crate::web::page::Page;
use crate::web::session::SessionUser;
use crate::web::{html, paths, AppState};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use askama_web::WebTemplate;
use serde::Deserialize;

/// The second-factor page.
#[derive(askama::Template, WebTemplate)]
#[template(path = "account/second_factor.html")]
pub struct SecondFactorSetupPage {
    page: Page,
    /// Whether a second factor is in force.
    enabled: bool,
    /// Whether the portal requires one of this user (it cannot be turned off).
    required: bool,
    /// While setting up: the secret to type and the QR code (a `data:` URL).
    setup: Option<(String, String)>,
    /// Recovery codes just made, shown this once.
    codes: Vec<String>,
    codes_left: i64,
    errors: FieldErrors,
}

/// A code typed (to confirm the setup or make new recovery codes), or the password (to turn
/// the second factor off).
#[derive(Debug, Default, Deserialize)]
pub struct SecondFactorForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    password: String,
}

impl SecondFactorSetupPage {
    async fn load(page: Page, state: &AppState) -> Result<Self, AppError> {
        let user = page.signed_in()?.clone();
        let secrets = state.secrets.clone();
        let (account, setup, codes_left) = state
            .db(move |conn| {
                let account = second_factor::account(conn, &user.user_id)?;
                let setup = second_factor::begin_setup(conn, &secrets, &account)?;
                let left = second_factor::codes_left(conn, &account)?;
                Ok((account, setup, left))
            })
            .await?;
        let setup = match setup {
            Some(Setup { secret, url }) => {
                let qr = QrMatrix::new(&url)
                    .map_err(|e| AppError::Internal(anyhow::anyhow!("QR: {e:?}")))?
                    .png_data_url()
                    .map_err(|e| AppError::Internal(anyhow::anyhow!("QR: {e}")))?;
                Some((secret, qr))
            }
            None => None,
        };
        Ok(Self {
            required: state.config.second_factor.requires(account.role),
            enabled: account.totp_enabled_at.is_some(),
            page,
            setup,
            codes: Vec::new(),
            codes_left,
            errors: FieldErrors::default(),
        })
    }

    /// The page again with `key` beside `field`.
    async fn again(
        page: Page,
        state: &AppState,
        field: &'static str,
        key: &'static str,
    ) -> Result<HttpResponse, AppError> {
        let mut errors = FieldErrors::default();
        errors.add(field, key);
        let again = Self {
            errors,
            ..Self::load(page, state).await?
        };
        html(&again, StatusCode::UNPROCESSABLE_ENTITY)
    }
}

/// `GET /account/2fa`.
pub async fn second_factor_get(
    page: Page,
    state: web::Data<AppState>,
) -> Result<SecondFactorSetupPage, AppError> {
    SecondFactorSetupPage::load(page, &state).await
}

/// What the recovery codes come from: confirming the setup, or a new set.
#[derive(Clone, Copy)]
enum CodesFrom {
    Setup,
    Renewal,
}

async fn with_codes(
    page: Page,
    state: web::Data<AppState>,
    form: SecondFactorForm,
    from: CodesFrom,
) -> Result<HttpResponse, AppError> {
    let user: SessionUser = page.signed_in()?.clone();
    let (secrets, now) = (state.secrets.clone(), state.config.clock.now());
    let outcome = state
        .db(move |conn| {
            let account = second_factor::account(conn, &user.user_id)?;
            match from {
                CodesFrom::Setup => {
                    second_factor::confirm_setup(conn, &secrets, &account, &form.code, now)
                }
                CodesFrom::Renewal => {
                    second_factor::renew_codes(conn, &secrets, &account, &form.code, now)
                }
            }
        })
        .await?;
    match outcome {
        Ok(codes) => {
            let shown = SecondFactorSetupPage {
                codes,
                ..SecondFactorSetupPage::load(page, &state).await?
            };
            html(&shown, StatusCode::OK)
        }
        Err(key) => SecondFactorSetupPage::again(page, &state, "code", key).await,
    }
}

/// `POST /account/2fa`: confirms the setup with a first code.
pub async fn second_factor_post(
    page: Page,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<SecondFactorForm>,
) -> Result<HttpResponse, AppError> {
    with_codes(page, state, form, CodesFrom::Setup).await
}

/// `POST /account/2fa/codes`: ten new recovery codes, after a current code.
pub async fn codes_post(
    page: Page,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<SecondFactorForm>,
) -> Result<HttpResponse, AppError> {
    with_codes(page, state, form, CodesFrom::Renewal).await
}

/// `POST /account/2fa/disable`: turns the second factor off after the password; refused
/// where the portal requires one.
pub async fn disable_post(
    page: Page,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<SecondFactorForm>,
) -> Result<HttpResponse, AppError> {
    let user = page.signed_in()?.clone();
    if state.config.second_factor.requires(user.role) {
        return Err(AppError::Forbidden);
    }
    let done = state
        .db(move |conn| {
            let account = second_factor::account(conn, &user.user_id)?;
            second_factor::disable_with_password(conn, &account, &form.password)
        })
        .await?;
    if !done {
        return SecondFactorSetupPage::again(page, &state, "password", "error.password.current")
            .await;
    }
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, paths::ACCOUNT_SECOND_FACTOR))
        .finish())
}
