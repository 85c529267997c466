//! HTTP handlers, one folder per area.

pub mod account;
pub mod admin;
pub mod api;
pub mod applicant;
pub mod attestations;
pub mod auth;
pub mod bulk;
pub mod home;
pub mod party;
pub mod requests;
pub mod station;
pub mod verify;

use actix_web::web;

/// Registers every route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    use crate::web::paths::*;
    // The busiest paths first: a request is matched against the routes in this order, and
    // each pattern with a `{…}` part costs a regular expression (5 % of a verification's
    // time, with the API registered last).
    cfg.route(HEALTHZ, web::get().to(home::healthz_get))
        // The API answers another method on its paths with 405 and `Allow`.
        .service(api_resource(API_VERIFY, "POST").post(api::verify_post))
        .service(api_resource(API_ATTESTATIONS, "POST").post(api::attestations_post))
        .service(api_resource(API_ATTESTATION, "GET").get(api::attestation_get))
        .service(api_resource(API_ATTESTATION_REVOKE, "POST").post(api::revoke_post))
        .service(api_resource(API_ATTESTATION_RENEW, "POST").post(api::renew_post))
        .service(api_resource(API_REQUESTS, "GET").get(api::requests_get))
        .service(api_resource(API_REQUEST_ACCEPT, "POST").post(api::request_accept_post))
        .service(api_resource(API_REQUEST_REJECT, "POST").post(api::request_reject_post))
        .route(API_OPENAPI, web::get().to(api::openapi_get))
        .route(HOME, web::get().to(home::index_get))
        .route(METRICS, web::get().to(home::metrics_get))
        .route(LANG, web::get().to(home::lang_get))
        .route(STYLESHEET, web::get().to(home::stylesheet_get))
        .route(LOGIN, web::get().to(auth::login_get))
        .route(LOGIN, web::post().to(auth::login_post))
        .route(LOGIN_SECOND_FACTOR, web::get().to(auth::second_factor_get))
        .route(
            LOGIN_SECOND_FACTOR,
            web::post().to(auth::second_factor_post),
        )
        .route(
            ACCOUNT_SECOND_FACTOR,
            web::get().to(account::second_factor_get),
        )
        .route(
            ACCOUNT_SECOND_FACTOR,
            web::post().to(account::second_factor_post),
        )
        .route(
            ACCOUNT_SECOND_FACTOR_CODES,
            web::post().to(account::codes_post),
        )
        .route(
            ACCOUNT_SECOND_FACTOR_DISABLE,
            web::post().to(account::disable_post),
        )
        .route(PASSWORD_FORGOT, web::get().to(auth::forgot_get))
        .route(PASSWORD_FORGOT, web::post().to(auth::forgot_post))
        .route(PASSWORD_RESET, web::get().to(auth::reset_get))
        .route(PASSWORD_RESET, web::post().to(auth::reset_post))
        .route(ACCOUNT_PASSWORD, web::get().to(account::password_get))
        .route(ACCOUNT_PASSWORD, web::post().to(account::password_post))
        .route(LOGOUT, web::post().to(auth::logout_post))
        .route(REGISTER, web::get().to(auth::register_get))
        .route(REGISTER, web::post().to(auth::register_post))
        .route(REGISTER_DONE, web::get().to(auth::register_done_get))
        .route(PARTY_HOME, web::get().to(party::home_get))
        .route(STATION_HOME, web::get().to(station::home_get))
        .route(STATION_PARTY, web::get().to(station::party_get))
        .route(STATION_PARTY_APPROVE, web::post().to(station::approve_post))
        .route(STATION_PARTY_REJECT, web::post().to(station::reject_post))
        .route(
            STATION_PARTY_CHANGE_APPROVE,
            web::post().to(station::change_approve_post),
        )
        .route(
            STATION_PARTY_CHANGE_REJECT,
            web::post().to(station::change_reject_post),
        )
        .route(STATION_PARTY_SUSPEND, web::post().to(station::suspend_post))
        .route(
            STATION_PARTY_REINSTATE,
            web::post().to(station::reinstate_post),
        )
        .route(ADMIN_HOME, web::get().to(admin::home_get))
        .route(ADMIN_MAIL, web::get().to(admin::mail_get))
        .route(ADMIN_STATIONS, web::get().to(admin::stations_get))
        .route(ADMIN_STATIONS, web::post().to(admin::stations_post))
        .route(
            ADMIN_STATION_DISABLE,
            web::post().to(admin::station_disable_post),
        )
        .route(
            ADMIN_STATION_ENABLE,
            web::post().to(admin::station_enable_post),
        )
        .route(ADMIN_STAFF, web::get().to(admin::staff_get))
        .route(ADMIN_STAFF, web::post().to(admin::staff_post))
        .route(
            ADMIN_STAFF_DISABLE,
            web::post().to(admin::staff_disable_post),
        )
        .route(ADMIN_STAFF_ENABLE, web::post().to(admin::staff_enable_post))
        .route(
            ADMIN_STATION_EMAIL,
            web::post().to(admin::station_email_post),
        )
        .route(ADMIN_MAIL_RETRY, web::post().to(admin::mail_retry_post))
        .route(STATION_PARTIES, web::get().to(station::parties_get))
        .route(
            STATION_VERIFICATIONS,
            web::get().to(station::verifications_get),
        )
        .route(
            STATION_ATTESTATIONS,
            web::get().to(station::attestations_get),
        )
        .route(
            STATION_ATTESTATIONS,
            web::post().to(station::attestations_post),
        )
        .route(STATION_ATTESTATION, web::get().to(station::attestation_get))
        .route(STATION_ID_CHECK, web::post().to(station::id_check_post))
        .route(STATION_SUSPECT, web::post().to(station::suspect_post))
        .route(STATION_USE, web::post().to(station::use_post))
        .route(
            STATION_SUSPECT_CLEAR,
            web::post().to(station::suspect_clear_post),
        )
        .route(
            STATION_SUSPECT_REVOKE,
            web::post().to(station::suspect_revoke_post),
        )
        .route(
            STATION_APPLICATIONS,
            web::get().to(station::applications_get),
        )
        .route(
            STATION_APPLICATION_NEW,
            web::get().to(station::application_new_get),
        )
        .route(
            STATION_APPLICATION_NEW,
            web::post().to(station::application_new_post),
        )
        .route(STATION_APPLICATION, web::get().to(station::application_get))
        .route(
            STATION_APPLICATION_PROOFS,
            web::post().to(station::proofs_post),
        )
        .route(
            STATION_APPLICATION_CHECKS,
            web::post().to(station::checks_post),
        )
        .route(
            STATION_APPLICATION_NOTICE,
            web::get().to(station::notice_get),
        )
        .route(
            STATION_APPLICATION_NOTICE,
            web::post().to(station::notice_post),
        )
        .route(
            STATION_APPLICATION_NOTICE_PDF,
            web::get().to(station::notice_pdf_get),
        )
        .route(
            STATION_APPLICATION_ACKNOWLEDGE,
            web::post().to(station::acknowledge_post),
        )
        .route(
            STATION_APPLICATION_CLOSE,
            web::post().to(station::close_post),
        )
        .route(STATION_SETTINGS, web::get().to(station::settings_get))
        .route(STATION_SETTINGS, web::post().to(station::settings_post))
        .route(SCRIPT, web::get().to(home::script_get))
        .route(VERIFY, web::get().to(verify::verify_get))
        .route(VERIFY, web::post().to(verify::verify_post))
        .route(JWKS, web::get().to(verify::jwks_get))
        .route(VERIFY_OFFLINE, web::get().to(verify::offline_get))
        .route(OFFLINE_WORKER, web::get().to(verify::offline_worker_get))
        .route(OFFLINE_SCRIPT, web::get().to(verify::offline_script_get))
        .route(STATUS_LISTS, web::get().to(verify::status_lists_get))
        .route(STATUS_LIST, web::get().to(verify::status_list_get))
        .route(ATTESTATIONS, web::get().to(attestations::list_get))
        .route(ATTESTATIONS_END, web::post().to(attestations::end_post))
        .route(
            ATTESTATIONS_RENEW,
            web::post().to(attestations::renew_many_post),
        )
        // Before ATTESTATION: `/party/attestations/bulk` is not an attestation id.
        .route(BULK, web::get().to(bulk::upload_get))
        .route(BULK, web::post().to(bulk::upload_post))
        .route(BULK_TEMPLATE, web::get().to(bulk::template_get))
        .route(BULK_BATCH, web::get().to(bulk::batch_get))
        .route(BULK_ROW, web::get().to(bulk::row_get))
        .route(BULK_ROW, web::post().to(bulk::row_post))
        .route(BULK_ISSUE, web::post().to(bulk::issue_post))
        .route(BULK_PROGRESS, web::get().to(bulk::progress_get))
        .route(BULK_RESULTS, web::get().to(bulk::results_get))
        .route(BULK_PRINT, web::get().to(bulk::print_get))
        .route(BULK_PDF, web::get().to(bulk::pdf_get))
        .route(ATTESTATION_NEW, web::get().to(attestations::new_get))
        .route(ATTESTATION_NEW, web::post().to(attestations::new_post))
        .route(ATTESTATION, web::get().to(attestations::detail_get))
        .route(ATTESTATION_PRINT, web::get().to(attestations::print_get))
        .route(ATTESTATION_PDF, web::get().to(attestations::pdf_get))
        .route(ATTESTATION_RENEW, web::get().to(attestations::renew_get))
        .route(ATTESTATION_RENEW, web::post().to(attestations::renew_post))
        .route(ATTESTATION_REVOKE, web::get().to(attestations::revoke_get))
        .route(
            ATTESTATION_REVOKE,
            web::post().to(attestations::revoke_post),
        )
        .route(
            HOLDER_LINKS_REVOKE,
            web::post().to(requests::holder_links_revoke_post),
        )
        .route(PARTY_REQUESTS, web::get().to(requests::queue_get))
        // Before PARTY_REQUEST: `/party/requests/links` is not a request id.
        .route(REQUEST_LINKS, web::get().to(requests::links_get))
        .route(REQUEST_LINKS, web::post().to(requests::links_post))
        .route(REQUEST_LINK_POSTER, web::get().to(requests::poster_get))
        .route(REQUEST_LINK_PAUSE, web::post().to(requests::pause_post))
        .route(REQUEST_LINK_RESUME, web::post().to(requests::resume_post))
        .route(REQUEST_LINK_DELETE, web::post().to(requests::delete_post))
        .route(PARTY_REQUEST, web::get().to(requests::request_get))
        .route(PARTY_REQUEST_ACCEPT, web::post().to(requests::accept_post))
        .route(PARTY_REQUEST_REJECT, web::post().to(requests::reject_post))
        .route(REQUEST, web::get().to(applicant::request_get))
        .route(REQUEST, web::post().to(applicant::request_post))
        .route(MY, web::get().to(applicant::my_get))
        .route(MY_PRINT, web::get().to(applicant::my_print_get))
        .route(MY_PDF, web::get().to(applicant::my_pdf_get))
        .route(
            MY_NOTIFICATIONS,
            web::post().to(applicant::notifications_post),
        )
        .route(PARTY_DETAILS, web::get().to(party::details_get))
        .route(PARTY_DETAILS, web::post().to(party::details_post))
        .route(PARTY_DETAILS_CHANGE, web::post().to(party::change_post))
        .route(TEAM, web::get().to(party::team_get))
        .route(TEAM_INVITE, web::post().to(party::invite_post))
        .route(TEAM_ROLE, web::post().to(party::role_post))
        .route(TEAM_REMOVE, web::post().to(party::remove_post))
        .route(
            TEAM_INVITATION_REVOKE,
            web::post().to(party::invitation_revoke_post),
        )
        .route(INVITATION, web::get().to(auth::invitation_get))
        .route(INVITATION, web::post().to(auth::invitation_post))
        .route(PARTY_SETTINGS, web::get().to(party::settings_get))
        .route(PARTY_SETTINGS, web::post().to(party::settings_post))
        .route(API_KEYS, web::get().to(party::api_keys_get))
        .route(API_KEYS, web::post().to(party::api_keys_post))
        .route(API_KEY_REVOKE, web::post().to(party::api_key_revoke_post));
}

fn api_resource(path: &str, allow: &'static str) -> actix_web::Resource {
    web::resource(path).default_service(web::to(move || api::method_not_allowed(allow)))
}

/// The answer to a path that does not exist.
pub async fn not_found() -> Result<actix_web::HttpResponse, crate::error::AppError> {
    Err(crate::error::AppError::NotFound)
}
