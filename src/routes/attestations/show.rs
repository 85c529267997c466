//! `GET /party/attestations/{id}` and its printable page.

use super::{AttestationView, PartyContext};
use crate::documents::{pdf, printed_proof, proof_pdf, qr_data_url, PrintedProof};
use crate::error::AppError;
use crate::issuing::{self};
use crate::web::page::Page;
use crate::web::AppState;
use actix_web::http::header::{
    Charset, ContentDisposition, DispositionParam, DispositionType, ExtendedValue,
};
use actix_web::{web, HttpResponse};
use askama_web::WebTemplate;

/// Loads attestation `id` of the logged-in party (another party's is 404).
pub async fn load(
    ctx: PartyContext,
    state: &web::Data<AppState>,
    id: crate::domain::AttestationId,
) -> Result<(PartyContext, AttestationView), AppError> {
    let party_id = ctx.party.id.clone();
    let row = state
        .db(move |conn| issuing::attestation(conn, &party_id, &id))
        .await?;
    let today = state.config.clock.today();
    let view = AttestationView::new(row, ctx.party_kind(), &state.config.portal(), today);
    Ok((ctx, view))
}

/// The detail page.
#[derive(askama::Template, WebTemplate)]
#[template(path = "attestations/detail.html")]
pub struct DetailPage {
    page: Page,
    a: AttestationView,
    /// The renewal that replaced it (id and code as printed), shown to its issuer only.
    replaced_by: Option<(crate::domain::AttestationId, String)>,
    /// Who issued it and who ended it.
    people: crate::accounts::People,
    /// Whether the applicant's page of it still opens (its party may revoke that).
    holder_link: bool,
}

/// `GET /party/attestations/{id}`.
pub async fn detail_get(
    page: Page,
    ctx: PartyContext,
    state: web::Data<AppState>,
    id: web::Path<crate::domain::AttestationId>,
) -> Result<DetailPage, AppError> {
    let (_, a) = load(ctx, &state, id.into_inner()).await?;
    let row = a.row.clone();
    let (renewal, people, holder_link) = state
        .db(move |conn| {
            let renewal = issuing::renewal_of(conn, &row.id)?;
            let holder_link = crate::applicants::holders::has_link(conn, &row.id)?;
            Ok((
                renewal,
                crate::accounts::People::of(conn, [&row])?,
                holder_link,
            ))
        })
        .await?;
    let replaced_by = renewal.map(|r| {
        (
            r.id,
            crate::domain::VerificationCode::from_stored(r.code).display(),
        )
    });
    Ok(DetailPage {
        page,
        a,
        replaced_by,
        people,
        holder_link,
    })
}

/// The printable proof (A4).
#[derive(askama::Template, WebTemplate)]
#[template(path = "attestations/print.html")]
pub struct PrintPage {
    pub page: Page,
    /// Where "back" leads: the party's detail page, or the holder's page.
    pub back: String,
    /// The same proof as a PDF.
    pub pdf: String,
    pub proof: PrintedProof,
    /// The QR code as a PNG `data:` URL.
    pub qr_src: String,
}

/// `GET /party/attestations/{id}/print`.
pub async fn print_get(
    page: Page,
    ctx: PartyContext,
    state: web::Data<AppState>,
    id: web::Path<crate::domain::AttestationId>,
) -> Result<PrintPage, AppError> {
    let (ctx, a) = load(ctx, &state, id.into_inner()).await?;
    let proof = printed_proof(page.lang, &ctx.party, &a);
    let qr_src = qr_data_url(&proof.verify_url).map_err(AppError::Internal)?;
    Ok(PrintPage {
        back: crate::paths::at(crate::paths::ATTESTATION, &a.row.id),
        pdf: crate::paths::at(crate::paths::ATTESTATION_PDF, &a.row.id),
        page,
        proof,
        qr_src,
    })
}

/// `GET /party/attestations/{id}/pdf`: the same proof as a PDF.
pub async fn pdf_get(
    page: Page,
    ctx: PartyContext,
    state: web::Data<AppState>,
    id: web::Path<crate::domain::AttestationId>,
) -> Result<HttpResponse, AppError> {
    let (ctx, a) = load(ctx, &state, id.into_inner()).await?;
    let (lang, portal, today) = (page.lang, state.config.portal(), page.today);
    let (name, pdf) = web::block(move || proof_pdf(lang, &ctx.party, a.row, &portal, today))
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(AppError::Internal)?;
    Ok(pdf_download(pdf, name))
}

/// A PDF of `proofs` as a download named `file_name`.
pub async fn pdf_response(
    page: &Page,
    proofs: Vec<PrintedProof>,
    file_name: String,
) -> Result<HttpResponse, AppError> {
    let lang = page.lang.code();
    let title = file_name.trim_end_matches(".pdf").to_owned();
    let pdf = web::block(move || pdf::render(&proofs, &title, lang))
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(|e| AppError::Internal(e.into()))?;
    Ok(pdf_download(pdf, file_name))
}

/// `pdf` as a download named `file_name`.
pub fn pdf_download(pdf: Vec<u8>, file_name: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::FilenameExt(ExtendedValue {
                charset: Charset::Ext("UTF-8".into()),
                language_tag: None,
                value: file_name.into_bytes(),
            })],
        })
        .body(pdf)
}
