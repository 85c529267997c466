//! `GET /station`: today's and the last 7 days' counts, and the parties waiting.

use super::{scope_of, PartyRow, STAFF};
use crate::db::models::jurisdiction::{self, Counts};
use crate::db::models::parties;
use crate::domain::china_time;
use crate::domain::PartyStatus;
use crate::error::AppError;
use crate::web::page::Page;
use crate::web::AppState;
use actix_web::web;
use askama_web::WebTemplate;
use chrono::Duration;

/// The dashboard.
#[derive(askama::Template, WebTemplate)]
#[template(path = "station/home.html")]
pub struct StationHomePage {
    page: Page,
    today: Counts,
    week: Counts,
    pending: Vec<PartyRow>,
}

/// `GET /station`.
pub async fn home_get(page: Page, state: web::Data<AppState>) -> Result<StationHomePage, AppError> {
    let scope = scope_of(page.require(STAFF)?)?;
    let midnight = china_time::day_start(china_time::today());
    let (today, week, pending) = state
        .db(move |conn| {
            let scope = scope.as_deref();
            Ok((
                jurisdiction::counts_since(conn, scope, midnight)?,
                jurisdiction::counts_since(conn, scope, midnight - Duration::days(6))?,
                parties::list_by_status(conn, scope, PartyStatus::Pending, 200)?,
            ))
        })
        .await?;
    Ok(StationHomePage {
        page,
        today,
        week,
        pending: pending.into_iter().map(PartyRow::from).collect(),
    })
}
