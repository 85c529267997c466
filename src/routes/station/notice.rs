//! The one-time notice (一次性告知书) of an application: given (and emailed to the
//! applicant), printed on A4, and as a PDF.

use super::application::{load, officer};
use crate::applications;
use crate::documents::notice::{self as printed, PrintedNotice};
use crate::domain::ApplicationId;
use crate::error::AppError;
use crate::web::csrf::CsrfForm;
use crate::web::page::Page;
use crate::web::{html, paths, AppState};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use askama_web::WebTemplate;

/// `POST …/notice`: gives the one-time notice of what is missing today (emailed to the
/// applicant where a proof names an email) and shows it for printing; the page with a
/// message when nothing is missing.
pub async fn notice_post(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<ApplicationId>,
    _csrf: CsrfForm<crate::web::csrf::Empty>,
) -> Result<HttpResponse, AppError> {
    let (user, scope) = officer(&page)?;
    let id = id.into_inner();
    let when = (state.config.clock.today(), state.config.clock.now());
    let target = id.clone();
    let given = state
        .db(move |conn| {
            applications::give_notice(conn, scope.as_ref(), &target, &user.user_id, when)
        })
        .await?;
    match given {
        Some(_) => Ok(HttpResponse::SeeOther()
            .insert_header((
                header::LOCATION,
                paths::at(paths::STATION_APPLICATION_NOTICE, &id),
            ))
            .finish()),
        None => {
            let mut desk = load(page, &state, id).await?;
            desk.errors
                .add("notice", "error.application.nothing_missing");
            html(&desk, StatusCode::CONFLICT)
        }
    }
}

/// The notice as printed (A4).
#[derive(askama::Template, WebTemplate)]
#[template(path = "station/notice.html")]
pub struct NoticePage {
    page: Page,
    id: ApplicationId,
    notice: PrintedNotice,
}

/// The last notice of application `id` in the page's language (404 when none was given).
async fn last_notice(
    page: &Page,
    state: &web::Data<AppState>,
    id: ApplicationId,
) -> Result<PrintedNotice, AppError> {
    let (_, scope) = officer(page)?;
    let (lang, today) = (page.lang, state.config.clock.today());
    state
        .read(move |conn| {
            let view = applications::view(conn, scope.as_ref(), &id, today)?;
            let notice = view.notice.as_ref().ok_or(AppError::NotFound)?;
            let station = crate::jurisdiction::station(conn, &view.app.station_id)?;
            Ok(printed::printed(lang, &station, &view.app, notice))
        })
        .await
}

/// `GET …/notice`: the last notice, for printing.
pub async fn notice_get(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<ApplicationId>,
) -> Result<NoticePage, AppError> {
    let id = id.into_inner();
    let notice = last_notice(&page, &state, id.clone()).await?;
    Ok(NoticePage { page, id, notice })
}

/// `GET …/notice/pdf`: the last notice as a PDF.
pub async fn notice_pdf_get(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<ApplicationId>,
) -> Result<HttpResponse, AppError> {
    let notice = last_notice(&page, &state, id.into_inner()).await?;
    let lang = page.lang.code();
    let name = format!("{}.pdf", notice.title);
    let pdf = web::block(move || crate::documents::pdf::render_notice(&notice, lang))
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(|e| AppError::Internal(e.into()))?;
    Ok(crate::routes::attestations::pdf_download(pdf, name))
}
