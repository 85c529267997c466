//! `GET /station/attestations`: the jurisdiction's attestations, filtered, searched by code,
//! by name, or by the full ID number an officer types (an exact match on its keyed hash;
//! every such search is audited).

use super::{scope_of, STAFF};
use crate::domain::fields::optional_date;
use crate::domain::ListStatus;
use crate::domain::{china_time, fields, AttestationKind, IdNumber, VerificationCode};
use crate::error::AppError;
use crate::jurisdiction::{self, AttestationWithParty, ListFilter, Party, StationFilter};
use crate::web::csrf::CsrfForm;
use crate::web::page::Page;
use crate::web::AppState;
use actix_web::web;
use askama_web::WebTemplate;
use chrono::Duration;
use serde::Deserialize;

const PAGE_SIZE: i64 = 50;

/// The query string.
#[derive(Debug, Default, Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    party: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    until: String,
    /// The last day of validity between these (either may be empty).
    #[serde(default)]
    ends_from: String,
    #[serde(default)]
    ends_to: String,
    /// A verification code or a subject name (an ID number is searched by POST instead,
    /// so that it never reaches a URL).
    #[serde(default)]
    q: String,
}

/// The search page.
#[derive(askama::Template, WebTemplate)]
#[template(path = "station/attestations.html")]
pub struct SearchPage {
    page: Page,
    query: SearchQuery,
    items: Vec<AttestationWithParty>,
    parties: Vec<Party>,
    kinds: [AttestationKind; 3],
    /// Set when the list is the result of a search by ID number (shown masked).
    id_searched: Option<String>,
    id_error: Option<&'static str>,
    date_error: bool,
    /// Who at each party issued each proof.
    people: crate::accounts::People,
}

impl SearchPage {
    /// The verification code as printed.
    pub fn code(&self, stored: &str) -> String {
        VerificationCode::from_stored(stored.to_owned()).display()
    }
}

/// `GET /station/attestations`: the list with the filters of a link. An ID number typed
/// into the search box is not looked for here (it would be in the URL): the page asks for
/// the form, which POSTs.
pub async fn attestations_get(
    page: Page,
    state: web::Data<AppState>,
    query: web::Query<SearchQuery>,
) -> Result<SearchPage, AppError> {
    let mut query = query.into_inner();
    let id = looks_like_id_number(&query.q).then(|| {
        query.q.clear();
        Err("search.id_by_form")
    });
    search(page, state, query, id).await
}

/// `POST /station/attestations`: the search form (filters, a code or name, or a full ID
/// number, in its own field or the search box), kept out of the URL and so out of every
/// log and browser history.
pub async fn attestations_post(
    page: Page,
    state: web::Data<AppState>,
    CsrfForm(mut form): CsrfForm<SearchForm>,
) -> Result<SearchPage, AppError> {
    let typed = if form.id_number.trim().is_empty() && looks_like_id_number(&form.query.q) {
        std::mem::take(&mut form.query.q)
    } else {
        form.id_number
    };
    let id = (!typed.trim().is_empty())
        .then(|| IdNumber::parse(&typed).map_err(|_| "error.id_number.checksum"));
    search(page, state, form.query, id).await
}

/// 18 characters of which the first 17 are digits: an ID number, to be searched by keyed
/// hash rather than as a name or code.
fn looks_like_id_number(text: &str) -> bool {
    let text = text.trim();
    text.len() == 18 && text.as_bytes()[..17].iter().all(u8::is_ascii_digit)
}

async fn search(
    page: Page,
    state: web::Data<AppState>,
    query: SearchQuery,
    id: Option<Result<IdNumber, &'static str>>,
) -> Result<SearchPage, AppError> {
    let user = page.require(STAFF)?.clone();
    let scope = scope_of(&user)?;
    let date = |s: &str| {
        (!s.trim().is_empty())
            .then(|| fields::date(s).ok())
            .map(|d| d.ok_or(()))
    };
    let (from, until) = (date(&query.from), date(&query.until));
    let (ends_from, ends_to) = (
        optional_date(&query.ends_from),
        optional_date(&query.ends_to),
    );
    let date_error = matches!(from, Some(Err(())))
        || matches!(until, Some(Err(())))
        || ends_from.is_err()
        || ends_to.is_err();
    let id_error = id.as_ref().and_then(|r| r.as_ref().err().copied());
    let id = id.and_then(Result::ok);
    let filter = StationFilter {
        common: ListFilter {
            kind: AttestationKind::parse(&query.kind),
            status: ListStatus::parse(&query.status),
            today: page.today,
            ends_from: ends_from.ok().flatten(),
            ends_to: ends_to.ok().flatten(),
            search: Some(query.q.trim().to_owned()).filter(|s| !s.is_empty()),
            before: None,
        },
        party_id: Some(query.party.clone())
            .filter(|p| !p.is_empty())
            .map(crate::domain::PartyId::from),
        from: from.and_then(Result::ok).map(china_time::day_start),
        until: until
            .and_then(Result::ok)
            .map(|d| china_time::day_start(d) + Duration::days(1)),
        id_hmac: id.as_ref().map(|id| state.secrets.id_number_hash(id)),
    };
    let masked = id.as_ref().map(IdNumber::masked);
    if let Some(masked) = masked.clone() {
        let user_id = user.user_id.clone();
        state
            .db(move |conn| jurisdiction::audit_id_search(conn, &user_id, &masked))
            .await?;
    }
    let (items, parties, people) = state
        .read(move |conn| {
            let (items, parties) = jurisdiction::search(conn, scope.as_ref(), &filter, PAGE_SIZE)?;
            let people = crate::accounts::People::of(conn, items.iter().map(|(a, _)| a))?;
            Ok((items, parties, people))
        })
        .await?;
    Ok(SearchPage {
        page,
        query,
        items,
        parties,
        kinds: AttestationKind::ALL,
        id_searched: masked,
        id_error,
        date_error,
        people,
    })
}

/// The search form as POSTed: the filters, and the ID number when one is searched.
#[derive(Debug, Default, Deserialize)]
pub struct SearchForm {
    #[serde(flatten)]
    query: SearchQuery,
    #[serde(default)]
    id_number: String,
}
