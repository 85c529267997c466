//! `GET/POST /party/attestations/{id}/revoke`: a reason and a confirmation step.

use super::show::load;
use super::AttestationView;
use crate::domain::ending::{EndForm, EndReason};
use crate::domain::fields::FieldErrors;
use crate::domain::AttestationId;
use crate::error::AppError;
use crate::issuing;
use crate::web::csrf::CsrfForm;
use crate::web::page::Page;
use crate::web::party::PartyContext;
use crate::web::paths;
use crate::web::{html, AppState};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use askama_web::WebTemplate;

/// The confirmation page.
#[derive(askama::Template, WebTemplate)]
#[template(path = "attestations/revoke.html")]
pub struct RevokePage {
    page: Page,
    a: AttestationView,
    form: EndForm,
    errors: FieldErrors,
}

impl RevokePage {
    /// The reasons this proof may end for.
    pub fn reasons(&self) -> [EndReason; 3] {
        EndReason::for_kind(self.a.row.kind)
    }
}

/// `GET …/revoke`: asks for the reason, the day and a confirmation.
pub async fn revoke_get(
    page: Page,
    ctx: PartyContext,
    state: web::Data<AppState>,
    id: web::Path<AttestationId>,
) -> Result<RevokePage, AppError> {
    let (_, a) = load(ctx, &state, id.into_inner()).await?;
    Ok(RevokePage {
        page,
        a,
        form: EndForm::default(),
        errors: FieldErrors::default(),
    })
}

/// `POST …/revoke`: ends the proof, or the page again with the message beside the field.
pub async fn revoke_post(
    page: Page,
    ctx: PartyContext,
    state: web::Data<AppState>,
    id: web::Path<AttestationId>,
    CsrfForm(form): CsrfForm<EndForm>,
) -> Result<HttpResponse, AppError> {
    let (ctx, a) = load(ctx, &state, id.into_inner()).await?;
    let (party, id, user_id, today) = (ctx.party, a.row.id.clone(), ctx.user.user_id, page.today);
    let (portal, typed) = (state.config.portal(), form.clone());
    let ended = state
        .db(move |conn| issuing::end(conn, &portal, &party, &id, Some(&user_id), &typed, today))
        .await;
    match ended {
        Ok(Err(errors)) => {
            let template = RevokePage {
                page,
                a,
                form,
                errors,
            };
            return html(&template, StatusCode::UNPROCESSABLE_ENTITY);
        }
        Ok(Ok(_)) => state.metrics.revoked(a.row.kind.as_str()),
        Err(AppError::Conflict) => {}
        Err(e) => return Err(e),
    }
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, paths::at(paths::ATTESTATION, &a.row.id)))
        .finish())
}
