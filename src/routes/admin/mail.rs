//! `GET /admin/mail`: emails waiting or failed, with retry.

use crate::admin::{self, OutboxRow};
use crate::domain::Role;
use crate::error::AppError;
use crate::web::csrf::CsrfForm;
use crate::web::page::Page;
use crate::web::paths;
use crate::web::AppState;
use actix_web::http::header;
use actix_web::{web, HttpResponse};
use askama_web::WebTemplate;
use serde::Deserialize;

/// The mail page.
#[derive(askama::Template, WebTemplate)]
#[template(path = "admin/mail.html")]
pub struct MailPage {
    page: Page,
    failed: Vec<OutboxRow>,
    pending: Vec<OutboxRow>,
}

/// `GET /admin/mail`.
pub async fn mail_get(page: Page, state: web::Data<AppState>) -> Result<MailPage, AppError> {
    page.require(&[Role::Admin])?;
    let (failed, pending) = state.db(admin::mail_queue).await?;
    Ok(MailPage {
        page,
        failed,
        pending,
    })
}

/// An empty form (the CSRF token only).
#[derive(Debug, Default, Deserialize)]
pub struct EmptyForm {}

/// `POST /admin/mail/{id}/retry`: requeues a failed email.
pub async fn mail_retry_post(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<String>,
    _form: CsrfForm<EmptyForm>,
) -> Result<HttpResponse, AppError> {
    page.require(&[Role::Admin])?;
    let id = id.into_inner();
    let requeued = state.db(move |conn| admin::retry_mail(conn, &id)).await?;
    if !requeued {
        return Err(AppError::NotFound);
    }
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, paths::ADMIN_MAIL))
        .finish())
}
