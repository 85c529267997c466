//! At the desk: one attestation of the jurisdiction with its checks — the ID number on the
//! card (match or not, through the keyed hash; audited), "suspect" (Article 18; the issuer is
//! emailed), and the application it was used for.

use super::{scope_of, STAFF};
use crate::domain::facts::FactRow;
use crate::domain::fields::{Limit, Text};
use crate::domain::{AttestationId, Facts, IdNumber, StationId, UserId, VerificationCode};
use crate::error::AppError;
use crate::jurisdiction::desk::{Attestation, AttestationUse, Verification};
use crate::jurisdiction::{self, DeskView};
use crate::web::csrf::CsrfForm;
use crate::web::page::Page;
use crate::web::paths;
use crate::web::{client_ip, html, AppState};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama_web::WebTemplate;
use serde::Deserialize;

/// The desk page of one attestation.
#[derive(askama::Template, WebTemplate)]
#[template(path = "station/attestation.html")]
pub struct DeskPage {
    page: Page,
    a: Attestation,
    party_name: String,
    code: String,
    facts: Vec<FactRow>,
    uses: Vec<AttestationUse>,
    history: Vec<Verification>,
    /// The answer of an ID-card check just made.
    id_match: Option<bool>,
    errors: crate::domain::fields::FieldErrors,
    reason: String,
    application_no: String,
    /// Who at the party issued it and who ended it.
    people: crate::accounts::People,
}

async fn load(
    page: Page,
    state: &web::Data<AppState>,
    id: AttestationId,
) -> Result<DeskPage, AppError> {
    let scope = scope_of(page.require(STAFF)?)?;
    let (
        DeskView {
            a,
            party_name,
            uses,
            history,
        },
        people,
    ) = state
        .db(move |conn| {
            let view = jurisdiction::desk_view(conn, scope.as_ref(), &id)?;
            let people = crate::accounts::People::of(conn, [&view.a])?;
            Ok((view, people))
        })
        .await?;
    let facts = Facts::stored_rows(a.kind, &a.facts);
    Ok(DeskPage {
        code: VerificationCode::from_stored(a.code.clone()).display(),
        page,
        a,
        party_name,
        facts,
        uses,
        history,
        id_match: None,
        errors: Default::default(),
        reason: String::new(),
        application_no: String::new(),
        people,
    })
}

/// `GET /station/attestations/{id}`.
pub async fn attestation_get(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<AttestationId>,
) -> Result<DeskPage, AppError> {
    load(page, &state, id.into_inner()).await
}

/// The desk forms.
#[derive(Debug, Default, Deserialize)]
pub struct DeskForm {
    #[serde(default)]
    id_number: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    application_no: String,
}

/// `POST …/id-check`: does the number on the card match the proof's subject?
pub async fn id_check_post(
    page: Page,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<AttestationId>,
    CsrfForm(form): CsrfForm<DeskForm>,
) -> Result<HttpResponse, AppError> {
    let user = page.require(STAFF)?.clone();
    let mut desk = load(page, &state, id.into_inner()).await?;
    let number = match IdNumber::parse(&form.id_number) {
        Ok(number) => number,
        Err(_) => {
            desk.errors.add("id_number", "error.id_number.checksum");
            return html(&desk, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let ip = client_ip(&req).map(|i| i.to_string());
    let (secrets, a) = (state.secrets.clone(), desk.a.clone());
    let matches = state
        .db(move |conn| {
            jurisdiction::check_id_number(conn, &secrets, &a, &number, &user.user_id, ip)
        })
        .await?;
    desk.id_match = Some(matches);
    html(&desk, StatusCode::OK)
}

/// The desk page again with `key` beside `field` and what was typed kept (never the ID
/// number, which is not echoed back).
async fn show_error(
    page: Page,
    state: &web::Data<AppState>,
    id: AttestationId,
    field: &'static str,
    key: &'static str,
    form: DeskForm,
) -> Result<HttpResponse, AppError> {
    let mut desk = load(page, state, id).await?;
    desk.errors.add(field, key);
    desk.reason = form.reason;
    desk.application_no = form.application_no;
    html(&desk, StatusCode::UNPROCESSABLE_ENTITY)
}

/// Back to the desk page of attestation `id`.
fn back_to_desk(id: &AttestationId) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, paths::at(paths::STATION_ATTESTATION, id)))
        .finish()
}

/// `POST …/suspect`: flags the proof (Article 18) and emails the issuer.
pub async fn suspect_post(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<AttestationId>,
    CsrfForm(form): CsrfForm<DeskForm>,
) -> Result<HttpResponse, AppError> {
    let reason = Text::required(&form.reason, Limit::Chars500);
    let portal = state.config.portal();
    desk_action(page, state, id.into_inner(), form, ("reason", reason), {
        move |conn, scope, id, user, reason| {
            jurisdiction::mark_suspect(conn, &portal, scope, id, user, reason)
        }
    })
    .await
}

/// `POST …/suspect/clear`: the suspicion was unfounded; the proof is in force again.
pub async fn suspect_clear_post(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<AttestationId>,
    CsrfForm(form): CsrfForm<DeskForm>,
) -> Result<HttpResponse, AppError> {
    resolve_suspect(page, state, id.into_inner(), form, false).await
}

/// `POST …/suspect/revoke`: the suspicion holds; the station revokes the proof.
pub async fn suspect_revoke_post(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<AttestationId>,
    CsrfForm(form): CsrfForm<DeskForm>,
) -> Result<HttpResponse, AppError> {
    resolve_suspect(page, state, id.into_inner(), form, true).await
}

/// Clears (`confirmed` false) or confirms the suspicion, with the reason typed.
async fn resolve_suspect(
    page: Page,
    state: web::Data<AppState>,
    id: AttestationId,
    form: DeskForm,
    confirmed: bool,
) -> Result<HttpResponse, AppError> {
    let reason = Text::required(&form.reason, Limit::Chars500);
    let portal = state.config.portal();
    desk_action(page, state, id, form, ("reason", reason), {
        move |conn, scope, id, user, reason| {
            jurisdiction::resolve_suspect(conn, &portal, scope, id, user, reason, confirmed)
        }
    })
    .await
}

/// `POST …/use`: records the application number the proof was used for.
pub async fn use_post(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<AttestationId>,
    CsrfForm(form): CsrfForm<DeskForm>,
) -> Result<HttpResponse, AppError> {
    let number = Text::required(&form.application_no, Limit::Chars50);
    desk_action(
        page,
        state,
        id.into_inner(),
        form,
        ("application_no", number),
        jurisdiction::record_use,
    )
    .await
}

/// A desk action on attestation `id` with the checked text of one field: done by `action`
/// within the officer's jurisdiction, then back to the desk; or the desk again with the
/// message beside the field.
async fn desk_action<F>(
    page: Page,
    state: web::Data<AppState>,
    id: AttestationId,
    form: DeskForm,
    (field, text): (&'static str, Result<String, &'static str>),
    action: F,
) -> Result<HttpResponse, AppError>
where
    F: FnOnce(
            &mut crate::db::DbConnection,
            Option<&StationId>,
            &AttestationId,
            &UserId,
            &str,
        ) -> Result<(), AppError>
        + Send
        + 'static,
{
    let user = page.require(STAFF)?.clone();
    let scope = scope_of(&user)?;
    let text = match text {
        Ok(text) => text,
        Err(key) => return show_error(page, &state, id, field, key, form).await,
    };
    let target = id.clone();
    state
        .db(move |conn| action(conn, scope.as_ref(), &target, &user.user_id, &text))
        .await?;
    Ok(back_to_desk(&id))
}
