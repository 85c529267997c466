//! `GET /party/attestations`: newest first, filtered, paged by keyset (no OFFSET).

use super::{AttestationView, PartyContext};
use crate::domain::fields::optional_date;
use crate::domain::AttestationKind;
use crate::domain::ListStatus;
use crate::error::AppError;
use crate::issuing::{self, ListFilter};
use crate::web::page::Page;
use crate::web::AppState;
use actix_web::web;
use askama_web::WebTemplate;
use serde::Deserialize;

const PAGE_SIZE: i64 = 25;
const CURSOR_TIME: &str = "%Y-%m-%dT%H:%M:%S%.f";

/// The list's query string.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub before: String,
    /// The last day of validity between these (either may be empty).
    #[serde(default)]
    pub ends_from: String,
    #[serde(default)]
    pub ends_to: String,
}

/// The list page.
#[derive(askama::Template, WebTemplate)]
#[template(path = "attestations/list.html")]
pub struct ListPage {
    pub page: Page,
    pub ctx: PartyContext,
    pub query: ListQuery,
    pub items: Vec<AttestationView>,
    pub kinds: &'static [AttestationKind],
    pub next: Option<String>,
    /// A date of the filter could not be read.
    pub date_error: bool,
}

fn parse_cursor(s: &str) -> Option<(chrono::NaiveDateTime, String)> {
    let (at, id) = s.split_once('~')?;
    Some((
        chrono::NaiveDateTime::parse_from_str(at, CURSOR_TIME).ok()?,
        id.to_owned(),
    ))
}

/// `GET /party/attestations`.
pub async fn list_get(
    page: Page,
    ctx: PartyContext,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<ListPage, AppError> {
    let query = query.into_inner();
    let (ends_from, ends_to) = (
        optional_date(&query.ends_from),
        optional_date(&query.ends_to),
    );
    let date_error = ends_from.is_err() || ends_to.is_err();
    let filter = ListFilter {
        kind: AttestationKind::parse(&query.kind),
        status: ListStatus::parse(&query.status),
        today: page.today,
        ends_from: ends_from.ok().flatten(),
        ends_to: ends_to.ok().flatten(),
        search: Some(query.q.trim().to_owned()).filter(|s| !s.is_empty()),
        before: parse_cursor(&query.before),
    };
    let party_id = ctx.party.id.clone();
    let mut rows = state
        .db(move |conn| issuing::attestations_of(conn, &party_id, &filter, PAGE_SIZE + 1))
        .await?;
    let more = rows.len() as i64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    let next = rows.last().filter(|_| more).map(|last| {
        let cursor = format!("{}~{}", last.issued_at.format(CURSOR_TIME), last.id);
        let params = [
            ("kind", query.kind.as_str()),
            ("status", &query.status),
            ("q", &query.q),
            ("ends_from", &query.ends_from),
            ("ends_to", &query.ends_to),
            ("before", &cursor),
        ];
        format!(
            "{}?{}",
            crate::web::paths::ATTESTATIONS,
            url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(params)
                .finish()
        )
    });
    let portal = state.config.portal();
    let party_kind = ctx.party_kind();
    Ok(ListPage {
        kinds: AttestationKind::allowed_for(party_kind),
        items: rows
            .into_iter()
            .map(|r| AttestationView::new(r, party_kind, &portal, page.today))
            .collect(),
        page,
        ctx,
        query,
        next,
        date_error,
    })
}
