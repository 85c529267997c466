//! `GET /party/attestations`: newest first, filtered, paged by keyset (no OFFSET).

use super::{AttestationView, PartyContext};
use crate::domain::ending::{EndForm, EndReason};
use crate::domain::fields::{optional_date, FieldErrors};
use crate::domain::AttestationId;
use crate::domain::AttestationKind;
use crate::domain::ListStatus;
use crate::error::AppError;
use crate::issuing::{self, ListFilter};
use crate::web::csrf::CsrfForm;
use crate::web::page::Page;
use crate::web::AppState;
use crate::web::{html, paths};
use actix_web::http::{header, StatusCode};
use actix_web::web;
use actix_web::HttpResponse;
use askama_web::WebTemplate;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

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
    /// The form that ends the proofs ticked in the list, as typed.
    pub end: EndForm,
    /// The ids ticked.
    pub ticked: BTreeSet<AttestationId>,
    /// The last day of the renewals of the ticked proofs, as typed (empty: the default).
    pub renew_until: String,
    /// What is wrong with the ending or the renewal form.
    pub errors: FieldErrors,
    /// Who issued each proof.
    pub people: crate::accounts::People,
}

impl ListPage {
    /// The reasons any proof may end for (those of one kind are checked when submitted).
    pub fn reasons(&self) -> Vec<EndReason> {
        EndReason::for_kinds(self.kinds)
    }
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
    list_page(page, ctx, &state, query.into_inner(), Reads::Standby).await
}

/// The list's form: the ticked proofs as `pick:<id>` fields, and what to do with them.
#[derive(Debug, Deserialize)]
pub struct PickedForm {
    #[serde(flatten)]
    end: EndForm,
    #[serde(default)]
    renew_until: String,
    #[serde(flatten)]
    fields: BTreeMap<String, String>,
}

impl PickedForm {
    /// The proofs ticked.
    fn picked(&self) -> BTreeSet<AttestationId> {
        self.fields
            .keys()
            .filter_map(|k| k.strip_prefix("pick:"))
            .map(AttestationId::from)
            .collect()
    }
}

/// The list again, with the form as sent and its errors beside the fields.
async fn list_again(
    page: Page,
    ctx: PartyContext,
    state: &web::Data<AppState>,
    form: PickedForm,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let mut list = list_page(page, ctx, state, ListQuery::default(), Reads::Primary).await?;
    list.ticked = form.picked();
    (list.end, list.renew_until, list.errors) = (form.end, form.renew_until, errors);
    html(&list, StatusCode::UNPROCESSABLE_ENTITY)
}

/// `POST /party/attestations/end`: ends the ticked proofs for one reason; the list again
/// with the message beside the field when something is wrong.
pub async fn end_post(
    page: Page,
    ctx: PartyContext,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<PickedForm>,
) -> Result<HttpResponse, AppError> {
    let (party, user_id, today) = (ctx.party.clone(), ctx.user.user_id.clone(), page.today);
    let (portal, ids, typed) = (
        state.config.portal(),
        form.picked().into_iter().collect::<Vec<_>>(),
        form.end.clone(),
    );
    let ended = state
        .db(move |conn| issuing::end_many(conn, &portal, &party, &ids, &user_id, &typed, today))
        .await?;
    match ended {
        Ok(n) => {
            state.metrics.revoked_many(n);
            Ok(HttpResponse::SeeOther()
                .insert_header((header::LOCATION, paths::ATTESTATIONS))
                .finish())
        }
        Err(errors) => list_again(page, ctx, &state, form, errors).await,
    }
}

/// `POST /party/attestations/renew`: the ticked proofs become a renewal batch, shown on
/// the batch page (its statement, then the progress); the list again when none is left or
/// their kinds differ.
pub async fn renew_many_post(
    page: Page,
    ctx: PartyContext,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<PickedForm>,
) -> Result<HttpResponse, AppError> {
    let until = match optional_date(&form.renew_until) {
        Ok(until) => until,
        Err(key) => {
            let mut errors = FieldErrors::default();
            errors.add("renew_until", key);
            return list_again(page, ctx, &state, form, errors).await;
        }
    };
    let (party, user_id, today) = (ctx.party.clone(), ctx.user.user_id.clone(), page.today);
    let (st, ids) = (state.clone(), form.picked().into_iter().collect::<Vec<_>>());
    let name = format!("{} {today}", page.t("renew_many.batch_name"));
    let made = state
        .db(move |conn| {
            let secrets = &st.secrets;
            crate::bulk::renewal::create(conn, secrets, &party, &user_id, &ids, until, &name, today)
        })
        .await?;
    match made {
        Ok(batch) => Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, paths::at(paths::BULK_BATCH, &batch)))
            .finish()),
        Err(errors) => list_again(page, ctx, &state, form, errors).await,
    }
}

/// Where a list reads: the standby, or the primary when it must show this request's writes.
#[derive(Clone, Copy)]
enum Reads {
    Standby,
    Primary,
}

/// The list of `query`, with an empty ending form.
async fn list_page(
    page: Page,
    ctx: PartyContext,
    state: &web::Data<AppState>,
    query: ListQuery,
    reads: Reads,
) -> Result<ListPage, AppError> {
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
    let list = move |conn: &mut crate::db::DbConnection| {
        let rows = issuing::attestations_of(conn, &party_id, &filter, PAGE_SIZE + 1)?;
        let people = crate::accounts::People::of(conn, &rows)?;
        Ok((rows, people))
    };
    let (mut rows, people) = match reads {
        Reads::Standby => state.read(list).await?,
        Reads::Primary => state.db(list).await?,
    };
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
        end: EndForm::default(),
        ticked: BTreeSet::new(),
        renew_until: String::new(),
        errors: FieldErrors::default(),
        people,
    })
}
