//! `GET/POST /party/attestations/bulk`: the templates, the upload form and recent batches.

use super::ColumnView;
use crate::bulk::{self, Batch};
use crate::domain::bulk::{self as rules, Encoding, FileError, MAX_BYTES};
use crate::domain::AttestationKind;
use crate::error::AppError;
use crate::routes::attestations::PartyContext;
use crate::web::page::Page;
use crate::web::paths;
use crate::web::{csrf, html, AppState};
use actix_multipart::Multipart;
use actix_web::http::header::{
    Charset, ContentDisposition, DispositionParam, DispositionType, ExtendedValue,
};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama_web::WebTemplate;
use futures_util::TryStreamExt;

/// A file larger than this is not even read to the end: the connection is closed.
const DRAIN_LIMIT: usize = 64 * 1024 * 1024;

/// The upload page.
#[derive(askama::Template, WebTemplate)]
#[template(path = "bulk/upload.html")]
pub struct UploadPage {
    page: Page,
    kinds: Vec<(AttestationKind, String, Vec<ColumnView>)>,
    chosen_kind: String,
    chosen_encoding: String,
    /// The kind's error, beside its field.
    kind_error: Option<String>,
    /// The file's error, beside the file field.
    file_error: Option<String>,
    batches: Vec<Batch>,
}

impl UploadPage {
    async fn new(
        page: Page,
        state: &web::Data<AppState>,
        ctx: &PartyContext,
    ) -> Result<Self, AppError> {
        let party_id = ctx.party.id.clone();
        let batches = state.db(move |conn| bulk::batches(conn, &party_id)).await?;
        let kinds = AttestationKind::allowed_for(ctx.party_kind())
            .iter()
            .map(|k| {
                (
                    *k,
                    page.t(k.title_key(ctx.party_kind())),
                    ColumnView::of(&page, *k),
                )
            })
            .collect();
        Ok(Self {
            page,
            kinds,
            chosen_kind: String::new(),
            chosen_encoding: "auto".into(),
            kind_error: None,
            file_error: None,
            batches,
        })
    }
}

/// `GET /party/attestations/bulk`.
pub async fn upload_get(
    page: Page,
    ctx: PartyContext,
    state: web::Data<AppState>,
) -> Result<UploadPage, AppError> {
    UploadPage::new(page, &state, &ctx).await
}

/// `GET /party/attestations/bulk/template/{kind}`: the CSV template of a kind (UTF-8 with
/// BOM, header row in the page's language).
pub async fn template_get(
    page: Page,
    ctx: PartyContext,
    _state: web::Data<AppState>,
    kind: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let kind = AttestationKind::parse(&kind).ok_or(AppError::NotFound)?;
    if !AttestationKind::allowed_for(ctx.party_kind()).contains(&kind) {
        return Err(AppError::NotFound);
    }
    let name = format!("{}.csv", page.t(kind.title_key(ctx.party_kind())));
    Ok(csv_download(rules::template(kind, page.lang), &name))
}

/// A CSV file download named `name`.
pub fn csv_download(body: String, name: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::FilenameExt(ExtendedValue {
                charset: Charset::Ext("UTF-8".into()),
                language_tag: None,
                value: name.as_bytes().to_vec(),
            })],
        })
        .body(body)
}

/// The form as received.
#[derive(Default)]
struct Received {
    csrf_token: String,
    kind: String,
    encoding: String,
    file_name: String,
    file: Vec<u8>,
    too_big: bool,
}

/// Reads the multipart form: small fields whole, the file up to `MAX_BYTES` (the rest is
/// read and dropped, so the browser gets the answer instead of a reset connection).
async fn receive(mut payload: Multipart) -> Result<Received, AppError> {
    let mut form = Received::default();
    let mut read = 0usize;
    while let Some(mut field) = payload.try_next().await.map_err(|_| AppError::BadRequest)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            form.file_name = field
                .content_disposition()
                .and_then(|d| d.get_filename())
                .unwrap_or_default()
                .to_owned();
        }
        let mut value = Vec::new();
        while let Some(chunk) = field.try_next().await.map_err(|_| AppError::BadRequest)? {
            read += chunk.len();
            if read > DRAIN_LIMIT {
                return Err(AppError::PayloadTooLarge);
            }
            let limit = if name == "file" { MAX_BYTES } else { 200 };
            if value.len() + chunk.len() > limit {
                form.too_big |= name == "file";
                continue;
            }
            value.extend_from_slice(&chunk);
        }
        let text = || String::from_utf8_lossy(&value).into_owned();
        match name.as_str() {
            "csrf_token" => form.csrf_token = text(),
            "kind" => form.kind = text(),
            "encoding" => form.encoding = text(),
            "file" if !form.too_big => form.file = value,
            _ => {}
        }
    }
    Ok(form)
}

/// `POST /party/attestations/bulk`: reads and checks the file, stores it as a draft
/// batch, and shows its preview; a file that cannot be read is answered beside the field.
#[tracing::instrument(skip_all)]
pub async fn upload_post(
    page: Page,
    ctx: PartyContext,
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    let form = receive(payload).await?;
    csrf::check_token(&req, &form.csrf_token)?;
    let kind = AttestationKind::parse(&form.kind)
        .filter(|k| crate::issuing::may_issue(&ctx.party, *k).is_ok());
    let encoding = Encoding::parse(&form.encoding).unwrap_or(Encoding::Auto);
    let party_kind = ctx.party_kind();
    let lang = page.lang;
    let checked = match kind {
        None => Err((Some(page.t("bulk.choose_kind")), None)),
        Some(_) if form.too_big => Err((None, Some(FileError::TooBig.message(lang)))),
        Some(kind) => {
            let (bytes, today) = (form.file, state.config.clock.today());
            web::block(move || {
                rules::decode(&bytes, encoding).and_then(|(text, used)| {
                    rules::parse(&text, kind, party_kind, today).map(|rows| (kind, rows, used))
                })
            })
            .await
            .map_err(|e| AppError::Internal(e.into()))?
            .map_err(|e| (None, Some(e.message(lang))))
        }
    };
    let (kind, rows, used) = match checked {
        Ok(ok) => ok,
        Err((kind_error, file_error)) => {
            let mut again = UploadPage::new(page, &state, &ctx).await?;
            again.kind_error = kind_error;
            again.file_error = file_error;
            again.chosen_kind = form.kind;
            again.chosen_encoding = encoding.as_str().into();
            return html(&again, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let st = state.clone();
    let (party_id, user_id) = (ctx.party.id.clone(), ctx.user.user_id.clone());
    let file_name = form.file_name;
    let id = state
        .db(move |conn| {
            let upload = crate::bulk::Upload {
                party_id: &party_id,
                user_id: &user_id,
                kind,
                file_name: &file_name,
                encoding: used,
                rows: &rows,
            };
            Ok(crate::bulk::create(conn, &st.secrets, &upload)?)
        })
        .await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, paths::at(paths::BULK_BATCH, &id)))
        .finish())
}
