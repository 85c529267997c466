//! The administrator's overview.

mod mail;

pub use mail::{mail_get, mail_retry_post};

use crate::db::models::audit_log::{self, AuditEntry};
use crate::db::models::stations::{self, Station};
use crate::domain::Role;
use crate::error::AppError;
use crate::web::page::Page;
use crate::web::AppState;
use actix_web::web;
use askama_web::WebTemplate;

/// Stations and the latest audit entries.
#[derive(askama::Template, WebTemplate)]
#[template(path = "admin/home.html")]
pub struct AdminHomePage {
    page: Page,
    stations: Vec<Station>,
    audit: Vec<AuditEntry>,
}

/// `GET /admin`.
pub async fn home_get(page: Page, state: web::Data<AppState>) -> Result<AdminHomePage, AppError> {
    page.require(&[Role::Admin])?;
    let (stations, audit) = state
        .db(|conn| Ok((stations::list_all(conn)?, audit_log::list_recent(conn, 50)?)))
        .await?;
    Ok(AdminHomePage {
        page,
        stations,
        audit,
    })
}
