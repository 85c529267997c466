//! `GET/POST /party/attestations/bulk/{id}/rows/{line}`: fixing one row the preview flagged.

use super::{kind_of, load, ColumnView};
use crate::bulk::{self, cells_of, errors_of, Batch};
use crate::domain::BatchState;
use crate::error::AppError;
use crate::web::csrf::CsrfForm;
use crate::web::page::Page;
use crate::web::party::PartyContext;
use crate::web::paths;
use crate::web::{html, AppState};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use askama_web::WebTemplate;
use std::collections::BTreeMap;

/// The form of one row: each column with its value and message.
#[derive(askama::Template, WebTemplate)]
#[template(path = "bulk/row.html")]
pub struct RowPage {
    page: Page,
    batch_id: crate::domain::BatchId,
    line: i32,
    fields: Vec<(ColumnView, String, Option<String>)>,
}

impl RowPage {
    fn new(
        page: Page,
        batch_id: crate::domain::BatchId,
        line: i32,
        columns: Vec<ColumnView>,
        cells: &BTreeMap<String, String>,
        errors: &[crate::domain::bulk::RowError],
    ) -> Self {
        let fields = columns
            .into_iter()
            .map(|c| {
                let value = cells.get(c.field).cloned().unwrap_or_default();
                let message = errors
                    .iter()
                    .find(|e| e.field == c.field)
                    .map(|e| e.message(page.lang));
                (c, value, message)
            })
            .collect();
        Self {
            page,
            batch_id,
            line,
            fields,
        }
    }

    fn has_errors(&self) -> bool {
        self.fields.iter().any(|(_, _, m)| m.is_some())
    }
}

/// A batch whose rows are fixed here: not a renewal (its rows are renewed on their own).
fn fixable((ctx, batch): (PartyContext, Batch)) -> Result<(PartyContext, Batch), AppError> {
    if batch.is_renewal() {
        return Err(AppError::NotFound);
    }
    Ok((ctx, batch))
}

/// `GET /party/attestations/bulk/{id}/rows/{line}`.
pub async fn row_get(
    page: Page,
    ctx: PartyContext,
    state: web::Data<AppState>,
    path: web::Path<(crate::domain::BatchId, i32)>,
) -> Result<RowPage, AppError> {
    let (id, line) = path.into_inner();
    let (_, batch) = fixable(load(ctx, &state, id).await?)?;
    let batch_id = batch.id.clone();
    let row = state
        .db(move |conn| bulk::row(conn, &batch_id, line))
        .await?;
    let columns = ColumnView::of(&page, kind_of(&batch));
    let cells = cells_of(&state.secrets, &row);
    Ok(RowPage::new(
        page,
        batch.id,
        line,
        columns,
        &cells,
        &errors_of(&row),
    ))
}

/// `POST /party/attestations/bulk/{id}/rows/{line}`: checks the fixed row; back to the
/// preview when it passes, the form with its messages when not.
pub async fn row_post(
    page: Page,
    ctx: PartyContext,
    state: web::Data<AppState>,
    path: web::Path<(crate::domain::BatchId, i32)>,
    CsrfForm(form): CsrfForm<BTreeMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let (id, line) = path.into_inner();
    let (ctx, batch) = fixable(load(ctx, &state, id).await?)?;
    if batch.state != BatchState::Draft {
        return Err(AppError::Conflict);
    }
    let columns = ColumnView::of(&page, kind_of(&batch));
    let cells: BTreeMap<String, String> = columns
        .iter()
        .map(|c| {
            let value = form.get(c.field).map_or("", |v| v.trim());
            (c.field.to_owned(), value.to_owned())
        })
        .collect();
    let st = state.clone();
    let (b, party_kind, typed) = (batch.clone(), ctx.party_kind(), cells.clone());
    let errors = state
        .db(move |conn| {
            bulk::row(conn, &b.id, line)?;
            Ok(crate::bulk::fix_row(
                conn,
                &st.secrets,
                &b,
                party_kind,
                line,
                typed,
                st.config.clock.today(),
            )?)
        })
        .await?;
    if errors.is_empty() {
        return Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, paths::at(paths::BULK_BATCH, &batch.id)))
            .finish());
    }
    html(
        &RowPage::new(page, batch.id, line, columns, &cells, &errors),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
}
