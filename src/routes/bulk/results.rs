//! A done batch: `results.csv`, the printable page with every proof, and the PDF.

use super::upload::csv_download;
use super::{kind_of, load};
use crate::bulk::errors_of;
use crate::bulk::{self, Batch};
use crate::documents::PrintedProof;
use crate::error::AppError;
use crate::routes::attestations::{
    pdf_response, printed_proof, qr_data_url, AttestationView, PartyContext,
};
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
    id: String,
) -> Result<(PartyContext, Batch, Vec<PrintedProof>), AppError> {
    let (ctx, batch) = load(ctx, state, id).await?;
    let batch_id = batch.id.clone();
    let issued = state.db(move |conn| bulk::issued(conn, &batch_id)).await?;
    let portal = state.config.portal();
    let proofs = issued
        .into_iter()
        .map(|(_, row)| {
            let view = AttestationView::new(row, ctx.party_kind(), &portal);
            printed_proof(page, &ctx.party, &view)
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
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (ctx, batch) = load(ctx, &state, id.into_inner()).await?;
    let batch_id = batch.id.clone();
    let (issued, failed) = state.db(move |conn| bulk::results(conn, &batch_id)).await?;
    let portal = state.config.portal();
    let mut lines: Vec<(i32, [String; 6])> = issued
        .into_iter()
        .map(|(line, row)| {
            let view = AttestationView::new(row, ctx.party_kind(), &portal);
            (
                line,
                [
                    line.to_string(),
                    view.row.subject_name.clone(),
                    view.row.subject_id_masked.clone(),
                    view.code.clone(),
                    view.verify_url.clone(),
                    page.t("bulk.result.issued"),
                ],
            )
        })
        .collect();
    lines.extend(failed.iter().map(|r| {
        let problems: Vec<String> = errors_of(r)
            .iter()
            .map(|e| {
                format!(
                    "{}: {}",
                    page.t(crate::domain::bulk::header_key(&e.field)),
                    e.message(page.lang)
                )
            })
            .collect();
        (
            r.line,
            [
                r.line.to_string(),
                r.subject_name.clone(),
                String::new(),
                String::new(),
                String::new(),
                format!(
                    "{}：{}",
                    page.t("bulk.result.not_issued"),
                    problems.join("; ")
                ),
            ],
        )
    }));
    lines.sort_by_key(|(line, _)| *line);
    let mut out = csv::Writer::from_writer(Vec::new());
    let header = [
        "bulk.result.line",
        "bulk.col.subject_name",
        "bulk.result.masked_id",
        "bulk.result.code",
        "bulk.result.verify_url",
        "bulk.result.status",
    ]
    .map(|k| page.t(k));
    let written: Result<(), csv::Error> = std::iter::once(&header)
        .chain(lines.iter().map(|(_, l)| l))
        .try_for_each(|record| out.write_record(record.iter().map(|c| inert(c).into_owned())));
    written.map_err(|e| AppError::Internal(e.into()))?;
    let bytes = out
        .into_inner()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    let body = format!("\u{feff}{}", String::from_utf8_lossy(&bytes));
    let name = format!(
        "{}-{}.csv",
        batch.file_name.trim_end_matches(".csv"),
        page.t("bulk.result.suffix")
    );
    Ok(csv_download(body, &name))
}

/// `cell` as a spreadsheet shows it but never runs it: text that Excel would read as a
/// formula (`=`, `+`, `-`, `@`, tab, CR first) is prefixed with `'`.
fn inert(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// Every proof of a batch on one printable page.
#[derive(askama::Template, WebTemplate)]
#[template(path = "bulk/print.html")]
pub struct BatchPrintPage {
    page: Page,
    batch_id: String,
    title: String,
    /// Each proof with its QR code as a PNG `data:` URL.
    documents: Vec<(PrintedProof, String)>,
}

/// `GET /party/attestations/bulk/{id}/print`.
pub async fn print_get(
    page: Page,
    ctx: PartyContext,
    state: web::Data<AppState>,
    id: web::Path<String>,
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
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (_, batch, proofs) = proofs(&page, ctx, &state, id.into_inner()).await?;
    if proofs.is_empty() {
        return Err(AppError::NotFound);
    }
    let name = format!("{}.pdf", batch.file_name.trim_end_matches(".csv"));
    pdf_response(&page, proofs, name).await
}
