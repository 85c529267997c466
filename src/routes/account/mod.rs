//! `GET/POST /account/password`: a logged-in user changes their password; their other
//! sessions end, this one stays. The second factor is in `second_factor`.

mod second_factor;

pub use second_factor::{codes_post, disable_post, second_factor_get, second_factor_post};

use crate::accounts::passwords::{self, Changer, NewPassword};
use crate::domain::fields::FieldErrors;
use crate::domain::Role;
use crate::error::AppError;
use crate::web::csrf::CsrfForm;
use crate::web::page::Page;
use crate::web::{html, AppState};
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama_web::WebTemplate;
use serde::Deserialize;

/// The change-password page.
#[derive(askama::Template, WebTemplate)]
#[template(path = "account/password.html")]
pub struct PasswordPage {
    page: Page,
    errors: FieldErrors,
    /// Set once the password was changed.
    changed: bool,
}

const EVERYONE: [Role; 4] = [Role::Admin, Role::Station, Role::StationAdmin, Role::Party];

/// `GET /account/password`.
pub async fn password_get(page: Page) -> Result<PasswordPage, AppError> {
    page.require(&EVERYONE)?;
    Ok(PasswordPage {
        page,
        errors: FieldErrors::default(),
        changed: false,
    })
}

/// The form: the current password, the new one twice.
#[derive(Debug, Default, Deserialize)]
pub struct ChangeForm {
    #[serde(default)]
    current_password: String,
    #[serde(flatten)]
    new: NewPassword,
}

/// `POST /account/password`: the page again, saying it was changed or what is wrong (no
/// password is ever sent back into the form).
pub async fn password_post(
    page: Page,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<ChangeForm>,
) -> Result<HttpResponse, AppError> {
    let user = page.require(&EVERYONE)?.clone();
    let portal = state.config.portal();
    let outcome = state
        .db(move |conn| {
            let changer = Changer {
                user_id: &user.user_id,
                email: &user.email,
                session_hash: &user.session_hash,
            };
            passwords::change(conn, &portal, &changer, &form.current_password, &form.new)
        })
        .await?;
    let (errors, changed, status) = match outcome {
        Ok(()) => (FieldErrors::default(), true, StatusCode::OK),
        Err(errors) => (errors, false, StatusCode::UNPROCESSABLE_ENTITY),
    };
    html(
        &PasswordPage {
            page,
            errors,
            changed,
        },
        status,
    )
}
