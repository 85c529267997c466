//! `GET/POST /station/settings`: immediate emails or one daily digest at a chosen hour.

use crate::domain::Role;
use crate::error::AppError;
use crate::jurisdiction::{self, Station};
use crate::web::csrf::CsrfForm;
use crate::web::page::Page;
use crate::web::paths;
use crate::web::{html, AppState};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use askama_web::WebTemplate;
use serde::Deserialize;

/// The settings page.
#[derive(askama::Template, WebTemplate)]
#[template(path = "station/settings.html")]
pub struct SettingsPage {
    page: Page,
    station: Station,
    hours: Vec<i32>,
    error: Option<&'static str>,
}

async fn own_station(page: &Page, state: &web::Data<AppState>) -> Result<Station, AppError> {
    let user = page.require(&[Role::Station, Role::StationAdmin])?;
    let id = user.station_id.clone().ok_or(AppError::Forbidden)?;
    state.db(move |conn| jurisdiction::station(conn, &id)).await
}

/// `GET /station/settings`.
pub async fn settings_get(
    page: Page,
    state: web::Data<AppState>,
) -> Result<SettingsPage, AppError> {
    let station = own_station(&page, &state).await?;
    Ok(SettingsPage {
        page,
        station,
        hours: (0..24).collect(),
        error: None,
    })
}

/// The settings form.
#[derive(Debug, Default, Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    notify_mode: String,
    #[serde(default)]
    digest_hour: String,
}

/// `POST /station/settings`.
pub async fn settings_post(
    page: Page,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<SettingsForm>,
) -> Result<HttpResponse, AppError> {
    let station = own_station(&page, &state).await?;
    let hour = form
        .digest_hour
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|h| (0..24).contains(h));
    let (mode, hour) = match (form.notify_mode.as_str(), hour) {
        ("immediate", _) => ("immediate", hour.unwrap_or(station.digest_hour)),
        ("digest", Some(hour)) => ("digest", hour),
        _ => {
            let template = SettingsPage {
                page,
                station,
                hours: (0..24).collect(),
                error: Some("error.choose"),
            };
            return html(&template, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let id = station.id.clone();
    state
        .db(move |conn| jurisdiction::set_notify_mode(conn, &id, mode, hour))
        .await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, paths::STATION_SETTINGS))
        .finish())
}
