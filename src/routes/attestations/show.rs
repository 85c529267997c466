//! `GET /party/attestations/{id}` and its printable page.

use super::{AttestationView, PartyContext};
use crate::db::models::attestations;
use crate::error::AppError;
use crate::web::page::Page;
use crate::web::AppState;
use actix_web::web;
use askama_web::WebTemplate;

/// Loads attestation `id` of the logged-in party (another party's is 404).
pub async fn load(
    page: &Page,
    state: &web::Data<AppState>,
    id: String,
) -> Result<(PartyContext, AttestationView), AppError> {
    let ctx = PartyContext::load(page, state).await?;
    let party_id = ctx.party.id.clone();
    let row = state
        .db(move |conn| Ok(attestations::find_for_party(conn, &party_id, &id)?))
        .await?;
    let view = AttestationView::new(row, ctx.party_kind(), &state.config.portal());
    Ok((ctx, view))
}

/// The detail page.
#[derive(askama::Template, WebTemplate)]
#[template(path = "attestations/detail.html")]
pub struct DetailPage {
    page: Page,
    a: AttestationView,
}

/// `GET /party/attestations/{id}`.
pub async fn detail_get(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<DetailPage, AppError> {
    let (_, a) = load(&page, &state, id.into_inner()).await?;
    Ok(DetailPage { page, a })
}

/// The printable proof (A4).
#[derive(askama::Template, WebTemplate)]
#[template(path = "attestations/print.html")]
pub struct PrintPage {
    pub page: Page,
    pub ctx: PartyContext,
    pub a: AttestationView,
    pub identifier: String,
    /// The QR code of the verify URL, as SVG markup generated here (no user text in it).
    pub qr_svg: String,
}

/// `GET /party/attestations/{id}/print`.
pub async fn print_get(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<PrintPage, AppError> {
    let (ctx, a) = load(&page, &state, id.into_inner()).await?;
    let qr_svg =
        qr_svg(&a.verify_url).map_err(|e| AppError::Internal(anyhow::anyhow!("QR code: {e}")))?;
    Ok(PrintPage {
        identifier: ctx.party.display_identifier(),
        page,
        ctx,
        a,
        qr_svg,
    })
}

/// The QR code of `data` as an inline `<svg>` element.
pub fn qr_svg(data: &str) -> Result<String, qrcode::types::QrError> {
    let code = qrcode::QrCode::with_error_correction_level(data.as_bytes(), qrcode::EcLevel::L)?;
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .build();
    // Drop the XML declaration: the SVG is inlined into HTML.
    let start = svg.find("<svg").unwrap_or(0);
    Ok(svg[start..].replacen(
        "<svg",
        "<svg role=\"img\" aria-labelledby=\"qr-caption\"",
        1,
    ))
}
