//! `GET /my/{token}`: the holder's page of a proof, its print page and PDF, and the choice
//! to be emailed at each verification.

use crate::applicants::holders::{self, Check, Holding};
use crate::documents::{printed_proof, proof_pdf, qr_data_url, AttestationView};
use crate::error::AppError;
use crate::routes::attestations::{pdf_download, PrintPage};
use crate::web::csrf::CsrfForm;
use crate::web::page::Page;
use crate::web::{paths, AppState};
use actix_web::http::header;
use actix_web::{web, HttpResponse};
use askama_web::WebTemplate;
use serde::Deserialize;

/// The holder's page.
#[derive(askama::Template, WebTemplate)]
#[template(path = "applicant/my.html")]
pub struct MyPage {
    page: Page,
    a: AttestationView,
    party_name: String,
    /// Newest first.
    checks: Vec<Check>,
    notify: bool,
    /// The token of this page's path, for its links and forms.
    token: String,
}

async fn holding(state: &web::Data<AppState>, token: String) -> Result<Holding, AppError> {
    let st = state.clone();
    let now = state.config.clock.now();
    state
        .db(move |conn| holders::holding(conn, &st.secrets, &token, now))
        .await
}

/// `GET /my/{token}`.
pub async fn my_get(
    page: Page,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<MyPage, AppError> {
    let token = token.into_inner();
    let h = holding(&state, token.clone()).await?;
    let a = AttestationView::new(h.proof, h.party.kind, &state.config.portal(), page.today);
    Ok(MyPage {
        page,
        a,
        party_name: h.party.legal_name,
        checks: h.checks,
        notify: h.link.notify_verifications,
        token,
    })
}

/// `GET /my/{token}/print`: the proof as its party prints it.
pub async fn my_print_get(
    page: Page,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<PrintPage, AppError> {
    let here = paths::at(paths::MY, &token);
    let h = holding(&state, token.to_string()).await?;
    let a = AttestationView::new(h.proof, h.party.kind, &state.config.portal(), page.today);
    let proof = printed_proof(page.lang, &h.party, &a);
    let qr_src = qr_data_url(&proof.verify_url).map_err(AppError::Internal)?;
    Ok(PrintPage {
        back: here,
        pdf: paths::at(paths::MY_PDF, &token),
        page,
        proof,
        qr_src,
    })
}

/// `GET /my/{token}/pdf`: the same proof as a PDF.
pub async fn my_pdf_get(
    page: Page,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let h = holding(&state, token.into_inner()).await?;
    let (lang, portal, today) = (page.lang, state.config.portal(), page.today);
    let (name, pdf) = web::block(move || proof_pdf(lang, &h.party, h.proof, &portal, today))
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(AppError::Internal)?;
    Ok(pdf_download(pdf, name))
}

/// The notification form: `notify=on` to be emailed at each verification.
#[derive(Debug, Default, Deserialize)]
pub struct NotifyForm {
    #[serde(default)]
    notify: String,
}

/// `POST /my/{token}/notifications`; then the page.
pub async fn notifications_post(
    state: web::Data<AppState>,
    token: web::Path<String>,
    CsrfForm(form): CsrfForm<NotifyForm>,
) -> Result<HttpResponse, AppError> {
    let here = paths::at(paths::MY, &token);
    let st = state.clone();
    let now = state.config.clock.now();
    let on = form.notify == "on";
    let token = token.into_inner();
    state
        .db(move |conn| holders::set_notify(conn, &st.secrets, &token, on, now))
        .await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, format!("{here}#notifications")))
        .finish())
}
