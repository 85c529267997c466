//! `GET/POST /party/settings`: whether the party gets the daily digest of its proofs
//! running out.

use crate::error::AppError;
use crate::web::csrf::CsrfForm;
use crate::web::page::Page;
use crate::web::party::PartyContext;
use crate::web::paths;
use crate::web::{html, AppState};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use askama_web::WebTemplate;
use serde::Deserialize;

/// The party's settings page.
#[derive(askama::Template, WebTemplate)]
#[template(path = "party/settings.html")]
pub struct PartySettingsPage {
    page: Page,
    /// The choice shown: the stored one, or the one sent back.
    reminders: Option<bool>,
    error: Option<&'static str>,
    /// Set after a save.
    saved: bool,
}

impl PartySettingsPage {
    /// When and about what the digest is sent, from the figures the job uses.
    fn reminders_hint(&self) -> String {
        self.page
            .t("party_settings.reminders_hint")
            .replace("%{hour}", &crate::domain::REMINDER_HOUR.to_string())
            .replace("%{days}", &crate::domain::EXPIRING_DAYS.to_string())
    }
}

/// `GET /party/settings` (`?saved` after a save).
pub async fn settings_get(
    page: Page,
    ctx: PartyContext,
    query: web::Query<SavedQuery>,
) -> Result<PartySettingsPage, AppError> {
    ctx.require_owner()?;
    Ok(PartySettingsPage {
        page,
        reminders: Some(ctx.party.reminders_enabled),
        error: None,
        saved: query.saved.is_some(),
    })
}

/// `?saved`.
#[derive(Debug, Default, Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
}

/// The settings form.
#[derive(Debug, Default, Deserialize)]
pub struct PartySettingsForm {
    #[serde(default)]
    reminders: String,
}

/// `POST /party/settings`.
pub async fn settings_post(
    page: Page,
    ctx: PartyContext,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<PartySettingsForm>,
) -> Result<HttpResponse, AppError> {
    ctx.require_owner()?;
    let on = match form.reminders.as_str() {
        "on" => true,
        "off" => false,
        _ => {
            let template = PartySettingsPage {
                page,
                reminders: None,
                error: Some("error.choose"),
                saved: false,
            };
            return html(&template, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let (party_id, user_id) = (ctx.party.id, ctx.user.user_id);
    state
        .write(move |conn| crate::accounts::set_reminders(conn, &party_id, &user_id, on))
        .await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, format!("{}?saved", paths::PARTY_SETTINGS)))
        .finish())
}
