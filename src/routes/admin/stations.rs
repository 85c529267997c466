//! `GET/POST /admin/stations`: every station with its notification addresses; an
//! administrator adds, disables and enables stations.

use super::mail::EmptyForm;
use crate::accounts::staff::{self, StationForm};
use crate::accounts::Station;
use crate::domain::fields::{self, FieldErrors};
use crate::domain::{Role, StationId};
use crate::error::AppError;
use crate::web::csrf::CsrfForm;
use crate::web::page::Page;
use crate::web::{html, paths, AppState};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use askama_web::WebTemplate;
use serde::Deserialize;

/// The stations page.
#[derive(askama::Template, WebTemplate)]
#[template(path = "admin/stations.html")]
pub struct StationsPage {
    page: Page,
    stations: Vec<Station>,
    form: StationForm,
    errors: FieldErrors,
    /// The station whose address form has an error, and the message key.
    email_error: Option<(StationId, &'static str)>,
}

impl StationsPage {
    async fn load(page: Page, state: &AppState) -> Result<Self, AppError> {
        page.require(&[Role::Admin])?;
        Ok(Self {
            stations: state.db(staff::all_stations).await?,
            page,
            form: StationForm::default(),
            errors: FieldErrors::default(),
            email_error: None,
        })
    }
}

fn back() -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, paths::ADMIN_STATIONS))
        .finish()
}

/// `GET /admin/stations`.
pub async fn stations_get(
    page: Page,
    state: web::Data<AppState>,
) -> Result<StationsPage, AppError> {
    StationsPage::load(page, &state).await
}

/// `POST /admin/stations`: adds a station.
pub async fn stations_post(
    page: Page,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<StationForm>,
) -> Result<HttpResponse, AppError> {
    page.require(&[Role::Admin])?;
    let typed = form.clone();
    match state
        .db(move |conn| staff::add_station(conn, &typed))
        .await?
    {
        Ok(_) => Ok(back()),
        Err(errors) => {
            let again = StationsPage {
                form,
                errors,
                ..StationsPage::load(page, &state).await?
            };
            html(&again, StatusCode::UNPROCESSABLE_ENTITY)
        }
    }
}

/// `POST /admin/stations/{id}/disable`.
pub async fn station_disable_post(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<StationId>,
    _form: CsrfForm<EmptyForm>,
) -> Result<HttpResponse, AppError> {
    set_disabled(page, state, id.into_inner(), true).await
}

/// `POST /admin/stations/{id}/enable`.
pub async fn station_enable_post(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<StationId>,
    _form: CsrfForm<EmptyForm>,
) -> Result<HttpResponse, AppError> {
    set_disabled(page, state, id.into_inner(), false).await
}

async fn set_disabled(
    page: Page,
    state: web::Data<AppState>,
    id: StationId,
    disabled: bool,
) -> Result<HttpResponse, AppError> {
    let by = page.require(&[Role::Admin])?.user_id.clone();
    let now = state.config.clock.now();
    state
        .db(move |conn| staff::set_station_disabled(conn, &by, &id, disabled, now))
        .await?;
    Ok(back())
}

/// The station address form.
#[derive(Debug, Default, Deserialize)]
pub struct StationEmailForm {
    #[serde(default)]
    email: String,
}

/// `POST /admin/stations/{id}/email`: changes a station's notification addresses.
pub async fn station_email_post(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<StationId>,
    CsrfForm(form): CsrfForm<StationEmailForm>,
) -> Result<HttpResponse, AppError> {
    page.require(&[Role::Admin])?;
    let id = id.into_inner();
    match fields::email_list(&form.email) {
        Ok(email) => {
            let found = state
                .db(move |conn| crate::admin::set_station_email(conn, &id, &email))
                .await?;
            if !found {
                return Err(AppError::NotFound);
            }
            Ok(back())
        }
        Err(key) => {
            let again = StationsPage {
                email_error: Some((id, key)),
                ..StationsPage::load(page, &state).await?
            };
            html(&again, StatusCode::UNPROCESSABLE_ENTITY)
        }
    }
}
