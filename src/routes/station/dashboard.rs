//! `GET /station`: today's and the last 7 days' counts, and the parties waiting.

use super::{scope_of, PartyRow, STAFF};
use crate::domain::{china_time, ListStatus};
use crate::error::AppError;
use crate::jurisdiction::{self, Counts, Dashboard};
use crate::web::page::Page;
use crate::web::AppState;
use actix_web::web;
use askama_web::WebTemplate;

/// The dashboard.
#[derive(askama::Template, WebTemplate)]
#[template(path = "station/home.html")]
pub struct StationHomePage {
    page: Page,
    today: Counts,
    week: Counts,
    pending: Vec<PartyRow>,
    /// Parties asking to change their name, kind or identifier: id, name now, name asked.
    changes: Vec<(crate::domain::PartyId, String, String)>,
    /// Expiring and expired proofs of the jurisdiction, with their count.
    ending: Vec<(ListStatus, i64)>,
}

/// `GET /station`.
pub async fn home_get(page: Page, state: web::Data<AppState>) -> Result<StationHomePage, AppError> {
    let scope = scope_of(page.require(STAFF)?)?;
    let midnight = china_time::day_start(state.config.clock.today());
    let Dashboard {
        today,
        week,
        pending,
        changes,
        ending,
    } = state
        .read(move |conn| jurisdiction::dashboard(conn, scope.as_ref(), midnight))
        .await?;
    Ok(StationHomePage {
        page,
        today,
        week,
        pending: pending.into_iter().map(PartyRow::from).collect(),
        changes,
        ending,
    })
}
