//! Every path of the portal, in one place.

pub const HOME: &str = "/";
pub const HEALTHZ: &str = "/healthz";
pub const LANG: &str = "/lang";
pub const STYLESHEET: &str = "/static/app.css";
pub const LOGIN: &str = "/login";
pub const LOGOUT: &str = "/logout";
pub const REGISTER: &str = "/register";
pub const PARTY_HOME: &str = "/party";
pub const STATION_HOME: &str = "/station";
pub const STATION_PARTY: &str = "/station/parties/{id}";
pub const STATION_PARTY_APPROVE: &str = "/station/parties/{id}/approve";
pub const STATION_PARTY_REJECT: &str = "/station/parties/{id}/reject";
pub const ADMIN_HOME: &str = "/admin";

/// The page of one party for station staff.
pub fn station_party(id: &str) -> String {
    STATION_PARTY.replace("{id}", id)
}

/// Where a user lands after login.
pub fn home_of(role: crate::domain::Role) -> &'static str {
    match role {
        crate::domain::Role::Admin => ADMIN_HOME,
        crate::domain::Role::Station => STATION_HOME,
        crate::domain::Role::Party => PARTY_HOME,
    }
}
