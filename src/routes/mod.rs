//! HTTP handlers, one folder per area.

pub mod admin;
pub mod auth;
pub mod home;
pub mod party;
pub mod paths;
pub mod station;

use actix_web::web;

/// Registers every route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    use paths::*;
    cfg.route(HOME, web::get().to(home::index_get))
        .route(HEALTHZ, web::get().to(home::healthz_get))
        .route(LANG, web::get().to(home::lang_get))
        .route(STYLESHEET, web::get().to(home::stylesheet_get))
        .route(LOGIN, web::get().to(auth::login_get))
        .route(LOGIN, web::post().to(auth::login_post))
        .route(LOGOUT, web::post().to(auth::logout_post))
        .route(REGISTER, web::get().to(auth::register_get))
        .route(REGISTER, web::post().to(auth::register_post))
        .route(PARTY_HOME, web::get().to(party::home_get))
        .route(STATION_HOME, web::get().to(station::home_get))
        .route(STATION_PARTY, web::get().to(station::party_get))
        .route(STATION_PARTY_APPROVE, web::post().to(station::approve_post))
        .route(STATION_PARTY_REJECT, web::post().to(station::reject_post))
        .route(ADMIN_HOME, web::get().to(admin::home_get));
}

/// The answer to a path that does not exist.
pub async fn not_found() -> Result<actix_web::HttpResponse, crate::error::AppError> {
    Err(crate::error::AppError::NotFound)
}
