//! The administrator's pages: the audit log with filters (home), stations and their
//! notification addresses, staff accounts, and email delivery.

mod mail;
mod staff;
mod stations;

pub use mail::{mail_get, mail_retry_post};
pub use staff::{staff_disable_post, staff_enable_post, staff_get, staff_post};
pub use stations::{
    station_disable_post, station_email_post, station_enable_post, stations_get, stations_post,
};

use crate::admin::{self, AuditEntry};
use crate::domain::{fields, Role};
use crate::error::AppError;
use crate::web::page::Page;
use crate::web::AppState;
use actix_web::web;
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

/// The audit log, with links to the other admin pages.
#[derive(askama::Template, WebTemplate)]
#[template(path = "admin/home.html")]
pub struct AdminHomePage {
    page: Page,
    audit: Vec<AuditEntry>,
    query: AuditQuery,
}

async fn load(
    page: Page,
    state: &web::Data<AppState>,
    query: AuditQuery,
) -> Result<AdminHomePage, AppError> {
    page.require(&[Role::Admin])?;
    let action = Some(query.action.trim().to_owned()).filter(|a| !a.is_empty());
    let day = fields::date(&query.day).ok();
    let audit = state
        .db(move |conn| admin::audit(conn, action.as_deref(), day))
        .await?;
    Ok(AdminHomePage { page, audit, query })
}

/// `GET /admin`.
pub async fn home_get(
    page: Page,
    state: web::Data<AppState>,
    query: web::Query<AuditQuery>,
) -> Result<AdminHomePage, AppError> {
    load(page, &state, query.into_inner()).await
}
