//! `GET/POST /party/attestations/new/{kind}`: the issuing form of one kind.

use super::PartyContext;
use crate::domain::attestation::AttestationForm;
use crate::domain::fields::FieldErrors;
use crate::domain::{AttestationKind, PartyKind};
use crate::error::AppError;
use crate::issuing;
use crate::web::csrf::CsrfForm;
use crate::web::page::Page;
use crate::web::paths;
use crate::web::{html, AppState};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use askama_web::WebTemplate;

/// The issuing form.
#[derive(askama::Template, WebTemplate)]
#[template(path = "attestations/new.html")]
pub struct NewPage {
    page: Page,
    kind: AttestationKind,
    title_key: &'static str,
    form: AttestationForm,
    errors: FieldErrors,
    party_kind: PartyKind,
    /// The proof a renewal replaces (its person is taken from it, never typed again).
    pub renewing: Option<crate::issuing::Attestation>,
    /// The applicant's request it accepts (its person fixed), with the reject form's reason.
    pub request: Option<(crate::applicants::ApplicantRequest, String)>,
}

impl NewPage {
    /// The form of a `kind` proof, as typed, with `errors` beside the fields.
    pub fn new(
        page: Page,
        ctx: &PartyContext,
        kind: AttestationKind,
        form: AttestationForm,
        errors: FieldErrors,
    ) -> Self {
        let party_kind = ctx.party_kind();
        Self {
            title_key: kind.title_key(party_kind),
            party_kind,
            page,
            kind,
            form,
            errors,
            renewing: None,
            request: None,
        }
    }
}

/// The kind in the path, if this party may issue it; else 404 or 403.
fn checked_kind(ctx: &PartyContext, kind: &str) -> Result<AttestationKind, AppError> {
    let kind = AttestationKind::parse(kind).ok_or(AppError::NotFound)?;
    match issuing::may_issue(&ctx.party, kind) {
        Ok(()) => Ok(kind),
        Err(_) => Err(AppError::Forbidden),
    }
}

/// `GET /party/attestations/new/{kind}`.
pub async fn new_get(
    page: Page,
    ctx: PartyContext,
    _state: web::Data<AppState>,
    kind: web::Path<String>,
) -> Result<NewPage, AppError> {
    let kind = checked_kind(&ctx, &kind)?;
    Ok(NewPage::new(
        page,
        &ctx,
        kind,
        AttestationForm::default(),
        FieldErrors::default(),
    ))
}

/// `POST /party/attestations/new/{kind}`: validates, signs and stores; then the detail page.
#[tracing::instrument(skip_all)]
pub async fn new_post(
    page: Page,
    ctx: PartyContext,
    state: web::Data<AppState>,
    kind: web::Path<String>,
    CsrfForm(form): CsrfForm<AttestationForm>,
) -> Result<HttpResponse, AppError> {
    let kind = checked_kind(&ctx, &kind)?;
    let mut errors = FieldErrors::default();
    let Some(new) = form.validate(
        kind,
        ctx.party_kind(),
        state.config.clock.today(),
        &mut errors,
    ) else {
        return html(
            &NewPage::new(page, &ctx, kind, form, errors),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    let row = super::issue_as(&state, ctx.party, Some(ctx.user.user_id), new).await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, paths::at(paths::ATTESTATION, &row.id)))
        .finish())
}
