//! `GET /station`: today's and the last 7 days' counts, the last 30 days as a chart, the
//! parties with the most proofs this month, the applications whose proofs changed, and the
//! parties waiting.

use super::{scope_of, PartyRow, STAFF};
use crate::applications::{Alert, Application};
use crate::domain::{china_time, ListStatus};
use crate::error::AppError;
use crate::jurisdiction::{self, Counts, Dashboard};
use crate::web::chart::{self, DayChart, RankBar};
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
    chart: DayChart,
    top_parties: Vec<RankBar>,
    alerted: Vec<(Application, Alert)>,
}

/// `GET /station`.
pub async fn home_get(page: Page, state: web::Data<AppState>) -> Result<StationHomePage, AppError> {
    let scope = scope_of(page.require(STAFF)?)?;
    let today = state.config.clock.today();
    let midnight = china_time::day_start(today);
    let first = DayChart::ending(today).first();
    let Dashboard {
        today: today_counts,
        week,
        pending,
        changes,
        ending,
        per_day,
        accepted,
        notices,
        top_parties,
        alerted,
    } = state
        .read(move |conn| jurisdiction::dashboard(conn, scope.as_ref(), midnight, first))
        .await?;
    let sum = |pick: fn(&Counts) -> i64| {
        let per_day = per_day.clone();
        move |day| {
            per_day
                .iter()
                .filter(|(d, _)| *d == day)
                .map(|(_, c)| pick(c))
                .sum()
        }
    };
    let chart = DayChart::ending(today)
        .with("dashboard.issued", sum(|c| c.issued))
        .with("dashboard.verified", sum(|c| c.verified))
        .with("dashboard.revoked", sum(|c| c.revoked))
        .with_times("dashboard.accepted", &accepted)
        .with_times("dashboard.notices", &notices);
    Ok(StationHomePage {
        page,
        today: today_counts,
        week,
        pending: pending.into_iter().map(PartyRow::from).collect(),
        changes,
        ending,
        chart,
        top_parties: chart::ranking(&top_parties),
        alerted,
    })
}
