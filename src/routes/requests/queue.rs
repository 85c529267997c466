//! `GET /party/requests`: the requests waiting for the party; `GET /party/requests/{id}`:
//! one of them as the issuing form prefilled (accept) beside a reject form.

use crate::applicants::{self, ApplicantRequest};
use crate::domain::attestation::AttestationForm;
use crate::domain::fields::FieldErrors;
use crate::domain::{AttestationId, PartyKind};
use crate::error::AppError;
use crate::routes::attestations::{issue_accepting, NewPage};
use crate::web::csrf::CsrfForm;
use crate::web::page::Page;
use crate::web::party::PartyContext;
use crate::web::{html, paths, AppState};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use askama_web::WebTemplate;
use serde::Deserialize;

/// Requests a queue page lists at most.
const SHOWN: i64 = 500;

/// The party's open requests.
#[derive(askama::Template, WebTemplate)]
#[template(path = "requests/queue.html")]
pub struct QueuePage {
    page: Page,
    requests: Vec<ApplicantRequest>,
    party_kind: PartyKind,
}

/// `GET /party/requests`.
pub async fn queue_get(
    page: Page,
    ctx: PartyContext,
    state: web::Data<AppState>,
) -> Result<QueuePage, AppError> {
    let party_id = ctx.party.id.clone();
    let requests = state
        .db(move |conn| applicants::queue(conn, &party_id, SHOWN))
        .await?;
    Ok(QueuePage {
        page,
        requests,
        party_kind: ctx.party_kind(),
    })
}

/// The party's open request `id` with its person.
async fn open_request(
    ctx: &PartyContext,
    state: &web::Data<AppState>,
    id: String,
) -> Result<
    (
        ApplicantRequest,
        (String, crate::domain::attestation::SubjectId),
    ),
    AppError,
> {
    let st = state.clone();
    let party_id = ctx.party.id.clone();
    state
        .db(move |conn| applicants::open_request(conn, &st.secrets, &party_id, &id))
        .await
}

/// The issuing form of `request`, as typed, with the reject form's `reason`.
fn page_of(
    page: Page,
    ctx: &PartyContext,
    request: ApplicantRequest,
    form: AttestationForm,
    reason: String,
    errors: FieldErrors,
) -> NewPage {
    let mut new = NewPage::new(page, ctx, request.kind, form, errors);
    new.request = Some((request, reason));
    new
}

/// The issuing form as the applicant filled it in: their facts and email.
fn prefilled(request: &ApplicantRequest) -> AttestationForm {
    AttestationForm {
        facts: applicants::facts_of(request),
        applicant_email: request.email.clone(),
        ..Default::default()
    }
}

/// `GET /party/requests/{id}`: the form prefilled with what the applicant typed.
pub async fn request_get(
    page: Page,
    ctx: PartyContext,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<NewPage, AppError> {
    let (request, _) = open_request(&ctx, &state, id.into_inner()).await?;
    let form = prefilled(&request);
    Ok(page_of(
        page,
        &ctx,
        request,
        form,
        String::new(),
        FieldErrors::default(),
    ))
}

/// `POST /party/requests/{id}/accept`: issues the proof (facts as corrected); then it.
#[tracing::instrument(skip_all)]
pub async fn accept_post(
    page: Page,
    ctx: PartyContext,
    state: web::Data<AppState>,
    id: web::Path<String>,
    CsrfForm(form): CsrfForm<AttestationForm>,
) -> Result<HttpResponse, AppError> {
    let (request, subject) = open_request(&ctx, &state, id.into_inner()).await?;
    let mut errors = FieldErrors::default();
    let today = state.config.clock.today();
    let Some(new) =
        form.validate_with_subject(request.kind, ctx.party_kind(), today, &mut errors, subject)
    else {
        let page = page_of(page, &ctx, request, form, String::new(), errors);
        return html(&page, StatusCode::UNPROCESSABLE_ENTITY);
    };
    let user = Some(ctx.user.user_id.clone());
    let row = issue_accepting(&state, ctx.party.clone(), user, new, Some(request)).await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, paths::at(paths::ATTESTATION, &row.id)))
        .finish())
}

/// The reject form.
#[derive(Debug, Default, Deserialize)]
pub struct RejectForm {
    #[serde(default)]
    reason: String,
}

/// `POST /party/requests/{id}/reject`: the applicant is emailed the reason; then the queue.
pub async fn reject_post(
    page: Page,
    ctx: PartyContext,
    state: web::Data<AppState>,
    id: web::Path<String>,
    CsrfForm(form): CsrfForm<RejectForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let (party, user_id) = (ctx.party.clone(), ctx.user.user_id.clone());
    let now = state.config.clock.now();
    let (request_id, reason) = (id.clone(), form.reason.clone());
    let rejected = state
        .db(move |conn| applicants::reject(conn, &party, &request_id, &user_id, &reason, now))
        .await?;
    if let Err(errors) = rejected {
        let (request, _) = open_request(&ctx, &state, id).await?;
        let facts = prefilled(&request);
        let page = page_of(page, &ctx, request, facts, form.reason, errors);
        return html(&page, StatusCode::UNPROCESSABLE_ENTITY);
    }
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, paths::PARTY_REQUESTS))
        .finish())
}

/// `POST /party/attestations/{id}/holder-links/revoke`: the applicant's page of the proof
/// stops opening; then the proof.
pub async fn holder_links_revoke_post(
    ctx: PartyContext,
    state: web::Data<AppState>,
    id: web::Path<AttestationId>,
    _csrf: CsrfForm<crate::web::csrf::Empty>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let (party_id, user_id) = (ctx.party.id, ctx.user.user_id);
    let now = state.config.clock.now();
    let back = paths::at(paths::ATTESTATION, &id);
    state
        .db(move |conn| applicants::holders::revoke(conn, &party_id, &id, &user_id, now))
        .await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, back))
        .finish())
}
