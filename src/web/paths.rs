//! Every path of the portal, in one place.

pub const HOME: &str = "/";
pub const HEALTHZ: &str = "/healthz";
pub const METRICS: &str = "/metrics";
pub const LANG: &str = "/lang";
pub const STYLESHEET: &str = "/static/app.css";
pub const LOGIN: &str = "/login";
pub const LOGIN_SECOND_FACTOR: &str = "/login/2fa";
pub const ACCOUNT_SECOND_FACTOR: &str = "/account/2fa";
pub const ACCOUNT_SECOND_FACTOR_CODES: &str = "/account/2fa/codes";
pub const ACCOUNT_SECOND_FACTOR_DISABLE: &str = "/account/2fa/disable";
pub const LOGOUT: &str = "/logout";
pub const REGISTER: &str = "/register";
pub const REGISTER_DONE: &str = "/register/done";
pub const ACCOUNT_PASSWORD: &str = "/account/password";
pub const PASSWORD_FORGOT: &str = "/password/forgot";
pub const PASSWORD_RESET: &str = "/password/reset/{token}";
pub const PARTY_HOME: &str = "/party";
pub const STATION_HOME: &str = "/station";
pub const STATION_PARTY: &str = "/station/parties/{id}";
pub const STATION_PARTY_APPROVE: &str = "/station/parties/{id}/approve";
pub const STATION_PARTY_REJECT: &str = "/station/parties/{id}/reject";
pub const STATION_PARTY_SUSPEND: &str = "/station/parties/{id}/suspend";
pub const STATION_PARTY_REINSTATE: &str = "/station/parties/{id}/reinstate";
pub const STATION_PARTY_CHANGE_APPROVE: &str = "/station/parties/{id}/change/approve";
pub const STATION_PARTY_CHANGE_REJECT: &str = "/station/parties/{id}/change/reject";
pub const ADMIN_HOME: &str = "/admin";
pub const ADMIN_MAIL: &str = "/admin/mail";
pub const ADMIN_STATION_EMAIL: &str = "/admin/stations/{id}/email";
pub const ADMIN_STATIONS: &str = "/admin/stations";
pub const ADMIN_STATION_DISABLE: &str = "/admin/stations/{id}/disable";
pub const ADMIN_STATION_ENABLE: &str = "/admin/stations/{id}/enable";
pub const ADMIN_STAFF: &str = "/admin/staff";
pub const ADMIN_STAFF_DISABLE: &str = "/admin/staff/{id}/disable";
pub const ADMIN_STAFF_ENABLE: &str = "/admin/staff/{id}/enable";
pub const ADMIN_MAIL_RETRY: &str = "/admin/mail/{id}/retry";
pub const STATION_SETTINGS: &str = "/station/settings";
pub const STATION_PARTIES: &str = "/station/parties";
pub const STATION_VERIFICATIONS: &str = "/station/verifications";
pub const STATION_ATTESTATIONS: &str = "/station/attestations";
pub const STATION_ATTESTATION: &str = "/station/attestations/{id}";
pub const STATION_ID_CHECK: &str = "/station/attestations/{id}/id-check";
pub const STATION_SUSPECT: &str = "/station/attestations/{id}/suspect";
pub const STATION_USE: &str = "/station/attestations/{id}/use";
pub const STATION_SUSPECT_CLEAR: &str = "/station/attestations/{id}/suspect/clear";
pub const STATION_SUSPECT_REVOKE: &str = "/station/attestations/{id}/suspect/revoke";
pub const STATION_APPLICATIONS: &str = "/station/applications";
pub const STATION_APPLICATION_NEW: &str = "/station/applications/new";
pub const STATION_APPLICATION: &str = "/station/applications/{id}";
pub const STATION_APPLICATION_PROOFS: &str = "/station/applications/{id}/proofs";
pub const STATION_APPLICATION_CHECKS: &str = "/station/applications/{id}/checks";
pub const STATION_APPLICATION_NOTICE: &str = "/station/applications/{id}/notice";
pub const STATION_APPLICATION_NOTICE_PDF: &str = "/station/applications/{id}/notice/pdf";
pub const STATION_APPLICATION_ACKNOWLEDGE: &str = "/station/applications/{id}/acknowledge";
pub const STATION_APPLICATION_CLOSE: &str = "/station/applications/{id}/close";

pub const SCRIPT: &str = "/static/app.js";
pub const VERIFY: &str = "/verify";

/// What a proof's QR code holds: `<portal>/verify#z=…`, the token compressed
/// (`tokens::fragment`), or `#<token>` when it does not compress. What follows `#` never
/// reaches a server log.
pub fn verify_url(portal: &str, token: &str) -> String {
    match crate::tokens::fragment::compress(token) {
        Some(z) => format!("{portal}{VERIFY}#{z}"),
        None => format!("{portal}{VERIFY}#{token}"),
    }
}

/// The verify page, printed for people who type the code.
pub fn verify_page(portal: &str) -> String {
    format!("{portal}{VERIFY}")
}
pub const JWKS: &str = "/.well-known/jwks.json";
/// Every status list (the draft's Status List Aggregation), and each one.
pub const STATUS_LISTS: &str = "/statuslists";
pub const STATUS_LIST: &str = "/statuslists/{id}";
/// The verifier that works without a connection.
pub const VERIFY_OFFLINE: &str = "/verify/offline";
/// Its service worker (allowed the scope `/verify`) and its script.
pub const OFFLINE_WORKER: &str = "/verify/offline-worker.js";
pub const OFFLINE_SCRIPT: &str = "/static/offline.js";

/// The URI of status list `id`: the `uri` in tokens, the `sub` of the list.
pub fn status_list_uri(portal: &str, id: &str) -> String {
    format!("{portal}{STATUS_LISTS}/{id}")
}
pub const ATTESTATIONS: &str = "/party/attestations";
pub const ATTESTATIONS_END: &str = "/party/attestations/end";
pub const ATTESTATIONS_RENEW: &str = "/party/attestations/renew";
pub const ATTESTATION_NEW: &str = "/party/attestations/new/{kind}";
pub const ATTESTATION: &str = "/party/attestations/{id}";
pub const ATTESTATION_PRINT: &str = "/party/attestations/{id}/print";
pub const ATTESTATION_REVOKE: &str = "/party/attestations/{id}/revoke";
pub const ATTESTATION_PDF: &str = "/party/attestations/{id}/pdf";
pub const ATTESTATION_RENEW: &str = "/party/attestations/{id}/renew";
pub const BULK: &str = "/party/attestations/bulk";
pub const BULK_TEMPLATE: &str = "/party/attestations/bulk/template/{kind}";
pub const BULK_BATCH: &str = "/party/attestations/bulk/{id}";
pub const BULK_ROW: &str = "/party/attestations/bulk/{id}/rows/{line}";
pub const BULK_ISSUE: &str = "/party/attestations/bulk/{id}/issue";
pub const BULK_PROGRESS: &str = "/party/attestations/bulk/{id}/progress";
pub const BULK_RESULTS: &str = "/party/attestations/bulk/{id}/results.csv";
pub const BULK_PRINT: &str = "/party/attestations/bulk/{id}/print";
pub const BULK_PDF: &str = "/party/attestations/bulk/{id}/pdf";
pub const API_KEYS: &str = "/party/api-keys";
pub const PARTY_SETTINGS: &str = "/party/settings";
pub const PARTY_DETAILS: &str = "/party/details";
pub const PARTY_DETAILS_CHANGE: &str = "/party/details/change";
pub const TEAM: &str = "/party/team";
pub const TEAM_INVITE: &str = "/party/team/invite";
pub const TEAM_ROLE: &str = "/party/team/{id}/role";
pub const TEAM_REMOVE: &str = "/party/team/{id}/remove";
pub const TEAM_INVITATION_REVOKE: &str = "/party/team/invitations/{id}/revoke";
pub const INVITATION: &str = "/invitations/{token}";
pub const API_KEY_REVOKE: &str = "/party/api-keys/{id}/revoke";
pub const PARTY_REQUESTS: &str = "/party/requests";
pub const REQUEST_LINKS: &str = "/party/requests/links";
pub const REQUEST_LINK_POSTER: &str = "/party/requests/links/{id}/poster";
pub const REQUEST_LINK_PAUSE: &str = "/party/requests/links/{id}/pause";
pub const REQUEST_LINK_RESUME: &str = "/party/requests/links/{id}/resume";
pub const REQUEST_LINK_DELETE: &str = "/party/requests/links/{id}/delete";
pub const PARTY_REQUEST: &str = "/party/requests/{id}";
pub const PARTY_REQUEST_ACCEPT: &str = "/party/requests/{id}/accept";
pub const PARTY_REQUEST_REJECT: &str = "/party/requests/{id}/reject";
pub const HOLDER_LINKS_REVOKE: &str = "/party/attestations/{id}/holder-links/revoke";
/// The applicant's request form behind a request link (public).
pub const REQUEST: &str = "/request/{token}";
/// The holder's page of a proof (public, the token is the key).
pub const MY: &str = "/my/{token}";
pub const MY_PRINT: &str = "/my/{token}/print";
pub const MY_PDF: &str = "/my/{token}/pdf";
pub const MY_NOTIFICATIONS: &str = "/my/{token}/notifications";
/// The pages whose URL holds a secret token: never cached, never sent as a referrer.
pub const TOKEN_PREFIXES: [&str; 2] = ["/request/", "/my/"];
/// Every path of the JSON API starts so; its errors are JSON.
pub const API_PREFIX: &str = "/api/";
pub const API_VERIFY: &str = "/api/v1/verify";
pub const API_OPENAPI: &str = "/api/v1/openapi.json";
pub const API_ATTESTATIONS: &str = "/api/v1/attestations";
pub const API_ATTESTATION: &str = "/api/v1/attestations/{id}";
pub const API_ATTESTATION_REVOKE: &str = "/api/v1/attestations/{id}/revoke";
pub const API_ATTESTATION_RENEW: &str = "/api/v1/attestations/{id}/renew";
pub const API_REQUESTS: &str = "/api/v1/requests";
pub const API_REQUEST_ACCEPT: &str = "/api/v1/requests/{id}/accept";
pub const API_REQUEST_REJECT: &str = "/api/v1/requests/{id}/reject";

/// `pattern` with its first `{…}` parameter filled in: `at(ATTESTATION, id)`.
pub fn at(pattern: &str, value: impl std::fmt::Display) -> String {
    match (pattern.find('{'), pattern.find('}')) {
        (Some(open), Some(close)) if open < close => {
            format!("{}{value}{}", &pattern[..open], &pattern[close + 1..])
        }
        _ => pattern.to_owned(),
    }
}

/// The form of one row of a bulk batch.
pub fn bulk_row(batch: impl std::fmt::Display, line: impl std::fmt::Display) -> String {
    at(&at(BULK_ROW, batch), line)
}

/// Where a user lands after login.
pub fn home_of(role: crate::domain::Role) -> &'static str {
    match role {
        crate::domain::Role::Admin => ADMIN_HOME,
        crate::domain::Role::Station | crate::domain::Role::StationAdmin => STATION_HOME,
        crate::domain::Role::Party => PARTY_HOME,
    }
}
