//! The administrator's pages: stations and their notification addresses, staff accounts,
//! email delivery, and the audit log with filters.

mod mail;

pub use mail::{mail_get, mail_retry_post};

use crate::admin::{self, AuditEntry, Overview, Station, User};
use crate::domain::{fields, Role};
use crate::error::AppError;
use crate::web::csrf::CsrfForm;
use crate::web::page::Page;
use crate::web::paths;
use crate::web::{html, AppState};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use askama_web::WebTemplate;
use serde::Deserialize;

/// The audit log filters.
#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    action: String,
    #[serde(default)]
    day: String,
}

/// Stations, staff and the audit log.
#[derive(askama::Template, WebTemplate)]
#[template(path = "admin/home.html")]
pub struct AdminHomePage {
    page: Page,
    stations: Vec<Station>,
    staff: Vec<User>,
    audit: Vec<AuditEntry>,
    query: AuditQuery,
    /// The station whose address form has an error, and the message key.
    email_error: Option<(crate::domain::StationId, &'static str)>,
}

impl AdminHomePage {
    /// The code of a staff member's station.
    pub fn station_code(&self, id: &Option<crate::domain::StationId>) -> String {
        id.as_ref()
            .and_then(|id| self.stations.iter().find(|s| &s.id == id))
            .map(|s| s.code.clone())
            .unwrap_or_default()
    }
}

async fn load(
    page: Page,
    state: &web::Data<AppState>,
    query: AuditQuery,
) -> Result<AdminHomePage, AppError> {
    page.require(&[Role::Admin])?;
    let action = Some(query.action.trim().to_owned()).filter(|a| !a.is_empty());
    let day = fields::date(&query.day).ok();
    let Overview {
        stations,
        staff,
        audit,
    } = state
        .db(move |conn| admin::overview(conn, action.as_deref(), day))
        .await?;
    Ok(AdminHomePage {
        page,
        stations,
        staff,
        audit,
        query,
        email_error: None,
    })
}

/// `GET /admin`.
pub async fn home_get(
    page: Page,
    state: web::Data<AppState>,
    query: web::Query<AuditQuery>,
) -> Result<AdminHomePage, AppError> {
    load(page, &state, query.into_inner()).await
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
    id: web::Path<crate::domain::StationId>,
    CsrfForm(form): CsrfForm<StationEmailForm>,
) -> Result<HttpResponse, AppError> {
    page.require(&[Role::Admin])?;
    let id = id.into_inner();
    match fields::email_list(&form.email) {
        Ok(email) => {
            let found = state
                .db(move |conn| admin::set_station_email(conn, &id, &email))
                .await?;
            if !found {
                return Err(AppError::NotFound);
            }
            Ok(HttpResponse::SeeOther()
                .insert_header((header::LOCATION, paths::ADMIN_HOME))
                .finish())
        }
        Err(key) => {
            let mut template = load(page, &state, AuditQuery::default()).await?;
            template.email_error = Some((id, key));
            html(&template, StatusCode::UNPROCESSABLE_ENTITY)
        }
    }
}
