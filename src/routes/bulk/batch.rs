//! `GET /party/attestations/bulk/{id}`: the preview (rows in error, the issue button), the
//! progress while issuing, the results when done; `POST …/issue`; `GET …/progress`.

use super::{kind_of, load};
use crate::bulk::{self, Batch};
use crate::bulk::{errors_of, Step};
use crate::domain::BatchState;
use crate::error::AppError;
use crate::routes::attestations::PartyContext;
use crate::web::csrf::CsrfForm;
use crate::web::page::Page;
use crate::web::paths;
use crate::web::{html, AppState};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use askama_web::WebTemplate;
use serde::{Deserialize, Serialize};

/// Rows in error listed on the page (the results CSV has them all).
const ERRORS_SHOWN: i64 = 500;

/// A row in error as listed: line, name, and each (column, message).
pub struct ErrorRow {
    pub line: i32,
    pub name: String,
    pub problems: Vec<(String, String)>,
    /// In a renewal batch: the proof the row renews (renewed on its own instead of fixed).
    pub renews: Option<crate::domain::AttestationId>,
}

/// The batch page.
#[derive(askama::Template, WebTemplate)]
#[template(path = "bulk/batch.html")]
pub struct BatchPage {
    page: Page,
    batch: Batch,
    title: String,
    valid: i64,
    invalid: i64,
    errors: Vec<ErrorRow>,
    /// True while issuing and its issuer has gone silent: it may be resumed.
    stalled: bool,
    responsibility_error: Option<String>,
}

impl BatchPage {
    async fn new(
        page: Page,
        state: &web::Data<AppState>,
        ctx: &PartyContext,
        batch: Batch,
    ) -> Result<Self, AppError> {
        let id = batch.id.clone();
        let ((valid, invalid), rows) = state
            .db(move |conn| bulk::summary(conn, &id, ERRORS_SHOWN))
            .await?;
        let errors = rows
            .iter()
            .map(|r| ErrorRow {
                line: r.line,
                name: r.subject_name.clone(),
                renews: r.replaces_id.clone(),
                problems: errors_of(r)
                    .iter()
                    .map(|e| {
                        (
                            page.t(crate::domain::bulk::header_key(&e.field)),
                            e.message(page.lang),
                        )
                    })
                    .collect(),
            })
            .collect();
        let stalled = batch.state == BatchState::Issuing
            && batch
                .lease_until
                .is_none_or(|until| until < crate::db::now());
        Ok(Self {
            title: page.t(kind_of(&batch).title_key(ctx.party_kind())),
            page,
            batch,
            valid,
            invalid,
            errors,
            stalled,
            responsibility_error: None,
        })
    }

    fn is_draft(&self) -> bool {
        self.batch.state == BatchState::Draft
    }

    fn is_issuing(&self) -> bool {
        self.batch.state == BatchState::Issuing
    }

    fn is_done(&self) -> bool {
        self.batch.state == BatchState::Done
    }
}

/// `GET /party/attestations/bulk/{id}`.
pub async fn batch_get(
    page: Page,
    ctx: PartyContext,
    state: web::Data<AppState>,
    id: web::Path<crate::domain::BatchId>,
) -> Result<BatchPage, AppError> {
    let (ctx, batch) = load(ctx, &state, id.into_inner()).await?;
    BatchPage::new(page, &state, &ctx, batch).await
}

/// Where a batch stands, for the progress bar.
#[derive(Serialize)]
pub struct Progress {
    pub state: String,
    pub rows: i32,
    pub issued: i32,
}

/// `GET /party/attestations/bulk/{id}/progress` (JSON).
pub async fn progress_get(
    _page: Page,
    ctx: PartyContext,
    state: web::Data<AppState>,
    id: web::Path<crate::domain::BatchId>,
) -> Result<web::Json<Progress>, AppError> {
    let (_, batch) = load(ctx, &state, id.into_inner()).await?;
    Ok(web::Json(Progress {
        state: batch.state.to_string(),
        rows: batch.row_count,
        issued: batch.issued_count,
    }))
}

/// The issue form: the Article 9(4) statement, once for the whole batch.
#[derive(Deserialize)]
pub struct IssueForm {
    #[serde(default)]
    responsibility: String,
}

/// `POST /party/attestations/bulk/{id}/issue`: takes the batch and issues its valid rows in
/// the background; the page shows the progress.
#[tracing::instrument(skip_all)]
pub async fn issue_post(
    page: Page,
    ctx: PartyContext,
    state: web::Data<AppState>,
    id: web::Path<crate::domain::BatchId>,
    CsrfForm(form): CsrfForm<IssueForm>,
) -> Result<HttpResponse, AppError> {
    let (ctx, batch) = load(ctx, &state, id.into_inner()).await?;
    crate::issuing::may_issue(&ctx.party, kind_of(&batch))?;
    if form.responsibility != "on" {
        let mut again = BatchPage::new(page, &state, &ctx, batch).await?;
        again.responsibility_error = Some(again.page.t("error.responsibility"));
        return html(&again, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let batch_id = batch.id.clone();
    let claimed = state.db(move |conn| bulk::claim(conn, &batch_id)).await?;
    if claimed {
        let kind = kind_of(&batch).as_str();
        actix_web::rt::spawn(issue_all(state.clone(), ctx, batch.id.clone(), kind));
    }
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, paths::at(paths::BULK_BATCH, &batch.id)))
        .finish())
}

/// Issues the batch chunk by chunk until done (each chunk on a blocking thread).
async fn issue_all(
    state: web::Data<AppState>,
    ctx: PartyContext,
    batch_id: crate::domain::BatchId,
    kind: &'static str,
) {
    let ctx = std::sync::Arc::new(ctx);
    loop {
        let (st, ctx, batch_id) = (state.clone(), ctx.clone(), batch_id.clone());
        let step = state
            .db(move |conn| {
                let portal = st.issuing_portal();
                let (party, user) = (&ctx.party, &ctx.user.user_id);
                let step = crate::bulk::issue_next(
                    conn,
                    &portal,
                    party,
                    user,
                    &batch_id,
                    st.config.clock.today(),
                )?;
                if let Step::Issued(n) = step {
                    st.metrics.issued_many(kind, n);
                }
                Ok(step)
            })
            .await;
        match step {
            Ok(Step::Issued(_)) => continue,
            Ok(Step::Done) => break,
            Err(e) => {
                // The lease runs out and the page offers to resume.
                tracing::error!(error = ?e, "bulk issuance stopped");
                break;
            }
        }
    }
}
