//! `GET/POST /party/api-keys`: a party's keys for the JSON API (shown once, stored hashed).

use crate::accounts::ApiKey;
use crate::accounts::{self, AccountError};
use crate::domain::fields::{Limit, Text};
use crate::domain::Role;
use crate::error::AppError;
use crate::web::csrf::CsrfForm;
use crate::web::page::Page;
use crate::web::paths;
use crate::web::{html, AppState};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use askama_web::WebTemplate;
use serde::Deserialize;

/// The keys page.
#[derive(askama::Template, WebTemplate)]
#[template(path = "party/api_keys.html")]
pub struct ApiKeysPage {
    page: Page,
    keys: Vec<ApiKey>,
    name: String,
    name_error: Option<&'static str>,
    /// A key just created: shown this once.
    new_key: Option<String>,
}

/// The party and user of an owner (a clerk has no say over the keys).
fn party_of(page: &Page) -> Result<(crate::domain::PartyId, crate::domain::UserId), AppError> {
    let user = page.require(&[Role::Party])?;
    if user.party_role != Some(crate::domain::PartyRole::Owner) {
        return Err(AppError::Forbidden);
    }
    Ok((
        user.party_id.clone().ok_or(AppError::Forbidden)?,
        user.user_id.clone(),
    ))
}

async fn keys_of(
    state: &web::Data<AppState>,
    party_id: crate::domain::PartyId,
) -> Result<Vec<ApiKey>, AppError> {
    state
        .db(move |conn| accounts::api_keys(conn, &party_id))
        .await
}

/// `GET /party/api-keys`.
pub async fn api_keys_get(page: Page, state: web::Data<AppState>) -> Result<ApiKeysPage, AppError> {
    let (party_id, _) = party_of(&page)?;
    let keys = keys_of(&state, party_id).await?;
    Ok(ApiKeysPage {
        page,
        keys,
        name: String::new(),
        name_error: None,
        new_key: None,
    })
}

/// The new-key form.
#[derive(Debug, Default, Deserialize)]
pub struct NewKeyForm {
    #[serde(default)]
    name: String,
}

/// `POST /party/api-keys`: creates a key and shows it once.
pub async fn api_keys_post(
    page: Page,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<NewKeyForm>,
) -> Result<HttpResponse, AppError> {
    let (party_id, user_id) = party_of(&page)?;
    let name = match Text::required(&form.name, Limit::Chars50) {
        Ok(name) => name,
        Err(key) => return show_again(page, &state, party_id, form.name, key).await,
    };
    let st = state.clone();
    let pid = party_id.clone();
    let created = state
        .db(move |conn| {
            match accounts::create_api_key(conn, &st.secrets, &pid, &name, Some(&user_id)) {
                Ok((_, key)) => Ok(Ok(key)),
                Err(AccountError::NotApproved) => Ok(Err(name)),
                Err(AccountError::Database(e)) => Err(e.into()),
                Err(e) => Err(AppError::Internal(e.into())),
            }
        })
        .await?;
    let key = match created {
        Ok(key) => key,
        Err(name) => {
            return show_again(page, &state, party_id, name, "error.party.not_approved").await
        }
    };
    let keys = keys_of(&state, party_id).await?;
    html(
        &ApiKeysPage {
            page,
            keys,
            name: String::new(),
            name_error: None,
            new_key: Some(key),
        },
        StatusCode::CREATED,
    )
}

/// The keys page again with the name typed and the message beside it (422 for a bad name,
/// 403 when the party may not have keys yet).
async fn show_again(
    page: Page,
    state: &web::Data<AppState>,
    party_id: crate::domain::PartyId,
    name: String,
    error: &'static str,
) -> Result<HttpResponse, AppError> {
    let keys = keys_of(state, party_id).await?;
    let status = if error == "error.party.not_approved" {
        StatusCode::FORBIDDEN
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let template = ApiKeysPage {
        page,
        keys,
        name,
        name_error: Some(error),
        new_key: None,
    };
    html(&template, status)
}

/// `POST /party/api-keys/{id}/revoke`.
pub async fn api_key_revoke_post(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<String>,
    _form: CsrfForm<NewKeyForm>,
) -> Result<HttpResponse, AppError> {
    let (party_id, user_id) = party_of(&page)?;
    let id = id.into_inner();
    let revoked = state
        .db(move |conn| accounts::revoke_api_key(conn, &party_id, &user_id, &id))
        .await?;
    if !revoked {
        return Err(AppError::NotFound);
    }
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, paths::API_KEYS))
        .finish())
}
