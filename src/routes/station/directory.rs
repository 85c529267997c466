//! `GET /station/parties` (the party directory) and `GET /station/verifications` (who
//! checked what, when, with what result).

use super::{scope_of, STAFF};
use crate::domain::VerificationCode;
use crate::error::AppError;
use crate::jurisdiction::{self, LogLine, Party};
use crate::web::page::Page;
use crate::web::AppState;
use actix_web::web;
use askama_web::WebTemplate;

/// A party of the directory with its identifier for display and its count of proofs.
pub struct DirectoryRow {
    pub party: Party,
    pub identifier: String,
    pub issued: i64,
}

/// The directory.
#[derive(askama::Template, WebTemplate)]
#[template(path = "station/parties.html")]
pub struct DirectoryPage {
    page: Page,
    rows: Vec<DirectoryRow>,
}

/// `GET /station/parties`.
pub async fn parties_get(
    page: Page,
    state: web::Data<AppState>,
) -> Result<DirectoryPage, AppError> {
    let scope = scope_of(page.require(STAFF)?)?;
    let list = state
        .read(move |conn| jurisdiction::directory(conn, scope.as_ref()))
        .await?;
    let rows = list
        .into_iter()
        .map(|(party, issued)| DirectoryRow {
            identifier: party.display_identifier(),
            party,
            issued,
        })
        .collect();
    Ok(DirectoryPage { page, rows })
}

/// The verification log.
#[derive(askama::Template, WebTemplate)]
#[template(path = "station/verifications.html")]
pub struct LogPage {
    page: Page,
    lines: Vec<LogLine>,
}

impl LogPage {
    /// A stored code as printed.
    pub fn code(&self, stored: &str) -> String {
        VerificationCode::from_stored(stored.to_owned()).display()
    }
}

/// `GET /station/verifications`.
pub async fn verifications_get(
    page: Page,
    state: web::Data<AppState>,
) -> Result<LogPage, AppError> {
    let scope = scope_of(page.require(STAFF)?)?;
    let lines = state
        .read(move |conn| jurisdiction::verification_log(conn, scope.as_ref(), 500))
        .await?;
    Ok(LogPage { page, lines })
}
