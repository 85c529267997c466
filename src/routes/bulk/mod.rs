//! Bulk issuance from a CSV file: upload, preview and fix, issue with progress, results.

mod batch;
mod results;
mod row;
mod upload;

pub use batch::{batch_get, issue_post, progress_get};
pub use results::{pdf_get, print_get, results_get};
pub use row::{row_get, row_post};
pub use upload::{template_get, upload_get, upload_post};

use crate::bulk::{self, Batch};
use crate::domain::bulk::{header_key, Column};
use crate::domain::AttestationKind;
use crate::error::AppError;
use crate::routes::attestations::PartyContext;
use crate::web::page::Page;
use crate::web::AppState;
use actix_web::web;

/// The logged-in party's batch `id` (another party's is 404).
async fn load(
    ctx: PartyContext,
    state: &web::Data<AppState>,
    id: crate::domain::BatchId,
) -> Result<(PartyContext, Batch), AppError> {
    let party_id = ctx.party.id.clone();
    let batch = state
        .db(move |conn| bulk::batch(conn, &party_id, &id))
        .await?;
    Ok((ctx, batch))
}

/// The kind of a stored batch.
fn kind_of(batch: &Batch) -> AttestationKind {
    batch.kind
}

/// A column as the pages show it.
pub struct ColumnView {
    pub field: &'static str,
    pub header: String,
    pub required: bool,
    /// Stored value and label of each choice.
    pub choices: Vec<(&'static str, String)>,
}

impl ColumnView {
    fn new(page: &Page, column: &Column) -> Self {
        Self {
            field: column.field,
            header: page.t(header_key(column.field)),
            required: column.required,
            choices: column
                .input
                .choices()
                .map(|(prefix, values)| {
                    values
                        .iter()
                        .map(|v| (*v, page.t(format!("{prefix}.{v}"))))
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    /// The columns of `kind` in the page's language.
    fn of(page: &Page, kind: AttestationKind) -> Vec<Self> {
        crate::domain::bulk::columns(kind)
            .iter()
            .map(|c| Self::new(page, c))
            .collect()
    }
}
