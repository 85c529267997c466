//! The assisting party's own pages.

mod api_keys;
mod details;
mod settings;
mod team;

pub use api_keys::{api_key_revoke_post, api_keys_get, api_keys_post};
pub use details::{change_post, details_get, details_post};
pub use settings::{settings_get, settings_post};
pub use team::{invitation_revoke_post, invite_post, remove_post, role_post, team_get};

use crate::accounts::{Party, Station};
use crate::domain::ListStatus;
use crate::error::AppError;
use crate::web::page::Page;
use crate::web::AppState;
use actix_web::web;
use askama_web::WebTemplate;

/// The party's home page: who it is and where its registration stands.
#[derive(askama::Template, WebTemplate)]
#[template(path = "party/home.html")]
pub struct PartyHomePage {
    page: Page,
    party: Party,
    identifier: String,
    station: Station,
    /// (kind, title key) of each kind the party may issue.
    issue_links: Vec<(&'static str, &'static str)>,
    /// The party's proofs by status, each a link to the list filtered so.
    counts: Vec<(ListStatus, i64)>,
    /// Applicants' requests waiting for the party.
    waiting: i64,
    /// Its proofs issued, ended and verified per day over the last 30 days.
    chart: crate::web::chart::DayChart,
}

/// `GET /party`.
pub async fn home_get(
    page: Page,
    ctx: crate::web::party::PartyContext,
    state: web::Data<AppState>,
) -> Result<PartyHomePage, AppError> {
    let (party_id, today) = (ctx.party.id.clone(), page.today);
    let chart = crate::web::chart::DayChart::ending(today);
    let since = crate::domain::china_time::day_start(chart.first());
    let (counts, waiting, [issued, ended, verified]) = state
        .db(move |conn| {
            Ok((
                crate::issuing::status_counts(conn, &party_id, today)?,
                crate::applicants::waiting(conn, &party_id)?,
                crate::issuing::activity_since(conn, &party_id, since)?,
            ))
        })
        .await?;
    let chart = chart
        .with_times("dashboard.issued", &issued)
        .with_times("dashboard.verified", &verified)
        .with_times("dashboard.revoked", &ended);
    let party_kind = ctx.party_kind();
    let issue_links = crate::domain::AttestationKind::allowed_for(party_kind)
        .iter()
        .map(|k| (k.as_str(), k.title_key(party_kind)))
        .collect();
    Ok(PartyHomePage {
        chart,
        counts,
        waiting,
        issue_links,
        identifier: ctx.party.display_identifier(),
        page,
        party: ctx.party,
        station: ctx.station,
    })
}
