//! The landing page, health check, language switch and stylesheet.

use crate::db::DatabaseState;
use crate::error::AppError;
use crate::i18n::{Lang, LANG_COOKIE};
use crate::web::page::Page;
use crate::web::AppState;
use actix_web::cookie::{time, Cookie, SameSite};
use actix_web::http::header;
use actix_web::{web, Either, HttpResponse, Responder};
use askama::Template;
use askama_web::WebTemplate;
use serde::Deserialize;

/// The public landing page.
#[derive(Template, WebTemplate)]
#[template(path = "home/index.html")]
pub struct IndexPage {
    page: Page,
}

/// `GET /`: the landing page, or the user's own home when logged in.
pub async fn index_get(page: Page) -> impl Responder {
    match &page.user {
        Some(user) => {
            Either::Left(web::Redirect::to(crate::web::paths::home_of(user.role)).see_other())
        }
        None => Either::Right(IndexPage { page }),
    }
}

/// `GET /metrics`: the Prometheus text, only with `Authorization: Bearer
/// <ATTEST_METRICS_TOKEN>` (401 otherwise); 404 when no token is configured.
pub async fn metrics_get(
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let Some(expected) = state.config.metrics_token.as_deref() else {
        return Err(AppError::NotFound);
    };
    // Compared as keyed hashes: equal length, no early exit on the token itself.
    let given = crate::routes::api::bearer_key(&req).unwrap_or_default();
    if state.secrets.keyed_hash("metrics", &given) != state.secrets.keyed_hash("metrics", expected)
    {
        return Ok(HttpResponse::Unauthorized()
            .insert_header((header::WWW_AUTHENTICATE, "Bearer"))
            .finish());
    }
    let database = state.database_state().await;
    let outbox = match database {
        DatabaseState::Down => None,
        _ => state
            .db(crate::admin::mail_counts)
            .await
            .ok()
            .map(|(pending, failed)| [("pending", pending), ("failed", failed)]),
    };
    let text = state
        .metrics
        .render(database, outbox, state.pool.state(), crate::db::POOL_SIZE);
    Ok(HttpResponse::Ok()
        .content_type("application/openmetrics-text; version=1.0.0; charset=utf-8")
        .body(text))
}

/// `GET /healthz`: 200 with `{"status":"ok","database":"ok"}` when the database answers;
/// 503 with `"database":"down"` (within `db::CONNECT_TIMEOUT`) when it does not.
pub async fn healthz_get(state: web::Data<AppState>) -> HttpResponse {
    let database = state.database_state().await;
    let body = serde_json::json!({
        "status": if database == DatabaseState::Down { "unavailable" } else { "ok" },
        "database": database.as_str(),
    });
    match database {
        DatabaseState::Down => HttpResponse::ServiceUnavailable()
            .insert_header((header::RETRY_AFTER, "5"))
            .json(body),
        _ => HttpResponse::Ok().json(body),
    }
}

/// The language switch's query.
#[derive(Deserialize)]
pub struct LangQuery {
    to: String,
    #[serde(default)]
    next: String,
}

/// `GET /lang?to=en&next=/path`: remembers the language and goes back to the page.
pub async fn lang_get(
    req: actix_web::HttpRequest,
    query: web::Query<LangQuery>,
) -> Result<HttpResponse, AppError> {
    let lang = Lang::parse(&query.to).ok_or(AppError::BadRequest)?;
    let next = crate::web::redirect::local_path(&query.next)
        .unwrap_or_else(|| crate::web::paths::HOME.to_owned());
    let cookie = Cookie::build(LANG_COOKIE, lang.code())
        .path("/")
        .http_only(true)
        .secure(crate::web::https(&req))
        .same_site(SameSite::Lax)
        .max_age(time::Duration::days(365))
        .finish();
    Ok(HttpResponse::SeeOther()
        .cookie(cookie)
        .insert_header((header::LOCATION, next))
        .finish())
}

/// `GET /static/app.css`: the stylesheet, compiled into the binary.
pub async fn stylesheet_get() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(include_str!("../../../static/app.css"))
}

/// `GET /static/app.js`: the few lines of script (verify fragment, print button).
pub async fn script_get() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(include_str!("../../../static/app.js"))
}
