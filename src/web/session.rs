//! Login sessions: a random id in an `HttpOnly` cookie, a keyed hash of it in the database.
//! A new id at every login, deleted at logout; 30 minutes idle, 12 hours at most.

use crate::db::models::sessions::{self, Session};
use crate::db::models::users::User;
use crate::db::DbConnection;
use crate::domain::{PartyId, StationId, UserId};
use crate::domain::{PartyRole, Role};
use crate::secrets::{random_token, Secrets};
use actix_web::cookie::{time, Cookie, SameSite};
use chrono::{Duration, NaiveDateTime};

/// The session cookie.
pub const SESSION_COOKIE: &str = "attest_session";
/// Its name over HTTPS: the `__Host-` prefix binds it to this host, `Secure` and path `/`.
pub const SESSION_COOKIE_HTTPS: &str = "__Host-attest_session";

/// The session cookie's name when the portal is (`true`) or is not served over HTTPS.
pub fn cookie_name(secure: bool) -> &'static str {
    if secure {
        SESSION_COOKIE_HTTPS
    } else {
        SESSION_COOKIE
    }
}
/// A session unused this long ends.
pub const IDLE_TIMEOUT: Duration = Duration::minutes(30);
/// A session ends this long after login, used or not.
pub const ABSOLUTE_TIMEOUT: Duration = Duration::hours(12);
/// Last-seen is written at most this often, so that reading pages does not write on every hit.
const TOUCH_INTERVAL: Duration = Duration::seconds(60);

/// The logged-in user behind a request.
#[derive(Debug, Clone)]
pub struct SessionUser {
    pub user_id: UserId,
    pub email: String,
    pub role: Role,
    pub station_id: Option<StationId>,
    pub party_id: Option<PartyId>,
    /// For a party's user: owner or clerk.
    pub party_role: Option<PartyRole>,
    /// The stored hash of the session id (to end the session at logout).
    pub session_hash: String,
    /// Whether the user has a second factor in force.
    pub second_factor: bool,
    /// Whether the portal requires a second factor of this user and they have none yet:
    /// every page but its setup sends them there (set by the page extractor).
    pub second_factor_missing: bool,
}

/// Creates a session for `user_id`; returns the id to put in the cookie.
pub fn start(
    conn: &mut DbConnection,
    secrets: &Secrets,
    user_id: &UserId,
) -> diesel::QueryResult<String> {
    let token = random_token();
    let now = crate::db::now();
    sessions::insert(
        conn,
        &Session {
            id_hash: secrets.keyed_hash("session", &token),
            user_id: user_id.to_owned(),
            created_at: now,
            last_seen_at: now,
        },
    )?;
    Ok(token)
}

/// The user of the session `token`, if it exists and has not timed out (an expired session
/// is deleted).
pub fn resume(
    conn: &mut DbConnection,
    secrets: &Secrets,
    token: &str,
) -> diesel::QueryResult<Option<SessionUser>> {
    let id_hash = secrets.keyed_hash("session", token);
    let Some((session, user)) = sessions::find_with_user(conn, &id_hash)? else {
        return Ok(None);
    };
    let now = crate::db::now();
    if is_expired(&session, now) {
        crate::db::write(conn, |conn| sessions::delete(conn, &id_hash))?;
        return Ok(None);
    }
    if now - session.last_seen_at > TOUCH_INTERVAL {
        crate::db::write(conn, |conn| sessions::touch(conn, &id_hash))?;
    }
    Ok(session_user(user, id_hash))
}

fn is_expired(session: &Session, now: NaiveDateTime) -> bool {
    now - session.last_seen_at > IDLE_TIMEOUT || now - session.created_at > ABSOLUTE_TIMEOUT
}

fn session_user(user: User, session_hash: String) -> Option<SessionUser> {
    Some(SessionUser {
        role: user.role,
        user_id: user.id,
        email: user.email,
        station_id: user.station_id,
        party_id: user.party_id,
        party_role: user.party_role,
        session_hash,
        second_factor: user.totp_enabled_at.is_some(),
        second_factor_missing: false,
    })
}

/// The cookie that carries a new session id.
pub fn cookie(token: String, secure: bool) -> Cookie<'static> {
    Cookie::build(cookie_name(secure), token)
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .finish()
}

/// The cookie that removes the session id from the browser.
pub fn removal_cookie(secure: bool) -> Cookie<'static> {
    let mut c = cookie(String::new(), secure);
    c.set_max_age(time::Duration::ZERO);
    c
}

/// The login challenge cookie (between the password and the second factor).
pub const CHALLENGE_COOKIE: &str = "attest_2fa";
/// Its name over HTTPS.
pub const CHALLENGE_COOKIE_HTTPS: &str = "__Host-attest_2fa";

/// The challenge cookie's name when the portal is (`true`) or is not served over HTTPS.
pub fn challenge_cookie_name(secure: bool) -> &'static str {
    if secure {
        CHALLENGE_COOKIE_HTTPS
    } else {
        CHALLENGE_COOKIE
    }
}

/// The cookie that carries a login challenge (empty: removes it).
pub fn challenge_cookie(value: String, secure: bool) -> Cookie<'static> {
    let mut c = Cookie::build(challenge_cookie_name(secure), value)
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .finish();
    if c.value().is_empty() {
        c.set_max_age(time::Duration::ZERO);
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts() {
        let t0 = crate::db::now();
        let session = Session {
            id_hash: String::new(),
            user_id: UserId::generate(),
            created_at: t0,
            last_seen_at: t0,
        };
        assert!(!is_expired(&session, t0 + Duration::minutes(29)));
        assert!(is_expired(&session, t0 + Duration::minutes(31)));
        // Used a minute ago, but logged in more than 12 hours ago.
        let busy = Session {
            last_seen_at: t0 + Duration::hours(12),
            ..session
        };
        assert!(!is_expired(&busy, t0 + Duration::hours(12)));
        assert!(is_expired(
            &busy,
            t0 + Duration::hours(12) + Duration::minutes(1)
        ));
    }
}
