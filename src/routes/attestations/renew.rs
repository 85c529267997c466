//! `GET/POST /party/attestations/{id}/renew`: the issuing form prefilled from a proof (the
//! same person, taken from the stored proof; the same facts, which may be changed; validity
//! from today). Issuing it supersedes the old proof.

use super::issue::NewPage;
use super::PartyContext;
use crate::domain::attestation::{AttestationForm, SubjectId};
use crate::domain::facts_form::FactsForm;
use crate::domain::fields::FieldErrors;
use crate::domain::AttestationId;
use crate::error::AppError;
use crate::issuing::{self, Attestation};
use crate::web::csrf::CsrfForm;
use crate::web::page::Page;
use crate::web::paths;
use crate::web::{html, AppState};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};

/// The party's proof `id`, if it may still be renewed, with its person.
async fn renewable(
    ctx: &PartyContext,
    state: &web::Data<AppState>,
    id: AttestationId,
) -> Result<(Attestation, (String, SubjectId)), AppError> {
    let party = ctx.party.clone();
    state
        .db(move |conn| issuing::renewable(conn, &party, &id))
        .await
}

/// The form of a renewal of `old`.
fn page_of(
    page: Page,
    ctx: &PartyContext,
    old: Attestation,
    form: AttestationForm,
    errors: FieldErrors,
) -> NewPage {
    let mut new = NewPage::new(page, ctx, old.kind, form, errors);
    new.renewing = Some(old);
    new
}

/// `GET …/renew`.
pub async fn renew_get(
    page: Page,
    ctx: PartyContext,
    state: web::Data<AppState>,
    id: web::Path<AttestationId>,
) -> Result<NewPage, AppError> {
    let (old, _) = renewable(&ctx, &state, id.into_inner()).await?;
    let facts = serde_json::from_str(&old.facts).unwrap_or_default();
    let form = AttestationForm {
        facts: FactsForm::from_json(facts),
        applicant_email: old.applicant_email.clone().unwrap_or_default(),
        ..Default::default()
    };
    Ok(page_of(page, &ctx, old, form, FieldErrors::default()))
}

/// `POST …/renew`: issues the renewal and supersedes the old proof; then the new one.
pub async fn renew_post(
    page: Page,
    ctx: PartyContext,
    state: web::Data<AppState>,
    id: web::Path<AttestationId>,
    CsrfForm(form): CsrfForm<AttestationForm>,
) -> Result<HttpResponse, AppError> {
    let (old, subject) = renewable(&ctx, &state, id.into_inner()).await?;
    let mut errors = FieldErrors::default();
    let today = state.config.clock.today();
    let Some(mut new) =
        form.validate_with_subject(old.kind, ctx.party_kind(), today, &mut errors, subject)
    else {
        return html(
            &page_of(page, &ctx, old, form, errors),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    new.replaces = Some(old.id);
    let row = super::issue_as(&state, ctx.party, Some(ctx.user.user_id), new).await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, paths::at(paths::ATTESTATION, &row.id)))
        .finish())
}
