//! A done batch: `results.csv`, the printable page with every proof, and the PDF.

use super::upload::csv_download;
use super::{kind_of, load};
use crate::bulk::errors_of;
use crate::bulk::{self, Batch};
use crate::documents::PrintedProof;
use crate::documents::{printed_proof, qr_data_url, results_csv, AttestationView, ResultLine};
use crate::error::AppError;
use crate::routes::attestations::{pdf_response, PartyContext};
use crate::web::page::Page;
use crate::web::AppState;
use actix_web::{web, HttpResponse};
use askama_web::WebTemplate;
use rayon::prelude::*;

/// The proofs of batch `id`, as printed, in file order.
async fn proofs(
    page: &Page,
    ctx: PartyContext,
    state: &web::Data<AppState>,
    id: crate::domain::BatchId,
) -> Result<(PartyContext, Batch, Vec<PrintedProof>), AppError> {
    let (ctx, batch) = load(ctx, state, id).await?;
    let batch_id = batch.id.clone();
    let issued = state.db(move |conn| bulk::issued(conn, &batch_id)).await?;
    let portal = state.config.portal();
    let proofs = issued
        .into_iter()
        .map(|(_, row)| {
            let view = AttestationView::new(row, ctx.party_kind(), &portal, page.today);
            printed_proof(page.lang, &ctx.party, &view)
        })
        .collect();
    Ok((ctx, batch, proofs))
}

/// `GET /party/attestations/bulk/{id}/results.csv`: every row of the file — issued ones
/// with the masked ID number, code and verify URL; the others with what was wrong.
pub async fn results_get(
    page: Page,
    ctx: PartyContext,
    state: web::Data<AppState>,
    id: web::Path<crate::domain::BatchId>,
) -> Result<HttpResponse, AppError> {
    let (ctx, batch) = load(ctx, &state, id.into_inner()).await?;
    let batch_id = batch.id.clone();
    let (issued, failed) = state.db(move |conn| bulk::results(conn, &batch_id)).await?;
    let portal = state.config.portal();
    let lines = issued
        .into_iter()
        .map(|(line, row)| ResultLine::Issued {
            line,
            view: Box::new(AttestationView::new(
                row,
                ctx.party_kind(),
                &portal,
                page.today,
            )),
        })
        .chain(failed.iter().map(|r| ResultLine::NotIssued {
            line: r.line,
            subject_name: r.subject_name.clone(),
            errors: errors_of(r),
        }))
        .collect();
    let body = results_csv(page.lang, lines).map_err(AppError::Internal)?;
    let name = format!(
        "{}-{}.csv",
        batch.file_name.trim_end_matches(".csv"),
        page.t("bulk.result.suffix")
    );
    Ok(csv_download(body, &name))
}

/// Every proof of a batch on one printable page.
#[derive(askama::Template, WebTemplate)]
#[template(path = "bulk/print.html")]
pub struct BatchPrintPage {
    page: Page,
    batch_id: crate::domain::BatchId,
    title: String,
    /// Each proof with its QR code as a PNG `data:` URL.
    documents: Vec<(PrintedProof, String)>,
}

/// `GET /party/attestations/bulk/{id}/print`.
pub async fn print_get(
    page: Page,
    ctx: PartyContext,
    state: web::Data<AppState>,
    id: web::Path<crate::domain::BatchId>,
) -> Result<BatchPrintPage, AppError> {
    let (ctx, batch, proofs) = proofs(&page, ctx, &state, id.into_inner()).await?;
    let documents = web::block(move || {
        proofs
            .into_par_iter()
            .map(|p| qr_data_url(&p.verify_url).map(|qr| (p, qr)))
            .collect::<Result<Vec<_>, _>>()
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))??;
    Ok(BatchPrintPage {
        title: page.t(kind_of(&batch).title_key(ctx.party_kind())),
        batch_id: batch.id,
        page,
        documents,
    })
}

/// `GET /party/attestations/bulk/{id}/pdf`: one PDF, a page per proof.
pub async fn pdf_get(
    page: Page,
    ctx: PartyContext,
    state: web::Data<AppState>,
    id: web::Path<crate::domain::BatchId>,
) -> Result<HttpResponse, AppError> {
    let (_, batch, proofs) = proofs(&page, ctx, &state, id.into_inner()).await?;
    if proofs.is_empty() {
        return Err(AppError::NotFound);
    }
    let name = format!("{}.pdf", batch.file_name.trim_end_matches(".csv"));
    pdf_response(&page, proofs, name).await
}
