//! `GET /statuslists/{id}`: a signed status list; `GET /statuslists`: the URI of every one.

use crate::error::AppError;
use crate::tokens::status_list::MEDIA_TYPE;
use crate::web::AppState;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

/// `GET /statuslists/{id}`: the list as a `statuslist+jwt`, with a strong `ETag`, cached
/// for its `ttl`; `304` when the client has these bytes already.
pub async fn status_list_get(
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let st = state.clone();
    let served = state
        .db(move |conn| {
            crate::status_lists::served(
                conn,
                &st.config.portal(),
                &st.keys,
                &id,
                st.config.clock.now(),
                st.config.status_list_ttl,
            )
        })
        .await?
        .ok_or(AppError::NotFound)?;
    let cache = format!("public, max-age={}", state.config.status_list_ttl);
    let unchanged = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| tags.split(',').any(|t| t.trim() == served.etag));
    let mut response = if unchanged {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::ETAG, served.etag.clone()))
        .insert_header((header::CACHE_CONTROL, cache))
        .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"));
    if unchanged {
        return Ok(response.finish());
    }
    Ok(response.content_type(MEDIA_TYPE).body(served.token))
}

/// `GET /statuslists`: `{"status_lists": [uri, …]}`, what a verifier going offline fetches.
pub async fn status_lists_get(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let st = state.clone();
    let lists = state
        .read(move |conn| crate::status_lists::all(conn, &st.config.portal()))
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((
            header::CACHE_CONTROL,
            format!("public, max-age={}", state.config.status_list_ttl),
        ))
        .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
        .json(serde_json::json!({ "status_lists": lists })))
}
