//! Logging in, throttled so that guessing is slow and nobody innocent is locked out
//! (ASVS 2.2.1 without a denial of service):
//!
//! - one client (address) and one account: `PAIR_FAILURES` failures in `WINDOW_MINUTES`
//!   lock that account *from that client* only; the right password from another client
//!   still logs in;
//! - one client: `CLIENT_FAILURES` failures on any accounts lock that client only;
//! - one account from everywhere: `ACCOUNT_CEILING` failures, which only many clients
//!   together can reach, lock the account for clients it has not logged in from within
//!   `KNOWN_CLIENT_DAYS`, and email the account's owner once.
//!
//! Failures are counted from the audit log, so every instance sees the same counts.
//!
//! For an account with a second factor, the right password gives a *challenge*: a cookie
//! naming the user, valid `CHALLENGE_MINUTES`, authenticated with a keyed hash, and no
//! session; the code (`second_step`) turns it into one.

use crate::db::models::audit_log::{self, Action, AuditEntry};
use crate::db::models::{sessions, stations, users};
use crate::db::DbConnection;
use crate::domain::Role;
use crate::domain::UserId;
use crate::error::AppError;
use crate::secrets::Secrets;
use chrono::{Duration, NaiveDateTime};

/// Failures of one account from one client that lock that pair.
pub const PAIR_FAILURES: i64 = 5;
/// Failures from one client (any accounts) that lock that client.
pub const CLIENT_FAILURES: i64 = 50;
/// Failures of one account from all clients that lock it for unknown clients.
pub const ACCOUNT_CEILING: i64 = 100;
/// The window in which failures count, and so the longest lock.
pub const WINDOW_MINUTES: i64 = 15;
/// A client the account logged in from within this many days is known.
pub const KNOWN_CLIENT_DAYS: i64 = 30;

/// What a login attempt came to.
#[derive(Debug)]
pub enum Outcome {
    /// A new session: its token, and the user's role.
    LoggedIn { token: String, role: Role },
    /// The password was right and the account has a second factor: its code is asked next.
    /// The challenge goes in a cookie; there is no session yet.
    SecondFactor { challenge: String },
    /// Wrong email or password, or a wrong second-factor code (the answer does not say which).
    Wrong,
    /// Too many failures: try again in `WINDOW_MINUTES`.
    Locked,
    /// The right password of a disabled account (or of the staff of a disabled station).
    Disabled,
}

/// Whether `email` may not try from `client` at `now`, and its failures from everywhere in
/// the window.
fn locked(
    conn: &mut DbConnection,
    email: &str,
    client: Option<&str>,
    now: NaiveDateTime,
) -> Result<(bool, i64), AppError> {
    let since = now - Duration::minutes(WINDOW_MINUTES);
    let failures = |conn: &mut DbConnection, client: Option<&str>| {
        audit_log::count_since(conn, Action::LoginFailure, Some(email), client, since)
    };
    let account_failures = failures(conn, None)?;
    let locked = match client {
        Some(ip) => {
            audit_log::count_since(conn, Action::LoginFailure, None, Some(ip), since)?
                >= CLIENT_FAILURES
                || failures(conn, Some(ip))? >= PAIR_FAILURES
                || account_failures >= ACCOUNT_CEILING && !known_client(conn, email, ip, now)?
        }
        None => account_failures >= ACCOUNT_CEILING,
    };
    Ok((locked, account_failures))
}

/// Tries `password` for `email` from `client` at `now` (the failures of the window before
/// it count).
pub fn attempt(
    conn: &mut DbConnection,
    secrets: &Secrets,
    portal: &str,
    email: &str,
    password: &str,
    client: Option<&str>,
    now: NaiveDateTime,
) -> Result<Outcome, AppError> {
    let (locked, account_failures) = locked(conn, email, client, now)?;
    if locked {
        return Ok(Outcome::Locked);
    }
    let user = users::find_by_email(conn, email)?;
    let verified = match &user {
        Some(u) => crate::password::verify(password, &u.password_hash),
        None => {
            crate::password::verify_dummy(password);
            false
        }
    };
    let user = user.filter(|_| verified);
    let station_disabled = match user.as_ref().and_then(|u| u.station_id.as_ref()) {
        Some(station) => stations::find_by_id(conn, station)?.disabled_at.is_some(),
        None => false,
    };
    match user {
        Some(user) if user.disabled_at.is_some() || station_disabled => Ok(Outcome::Disabled),
        Some(user) if user.totp_enabled_at.is_some() => Ok(Outcome::SecondFactor {
            challenge: challenge(secrets, &user.id, now),
        }),
        Some(user) => succeed(conn, secrets, &user, client, now),
        None => fail(conn, portal, email, client, account_failures),
    }
}

/// The second step of a login: `code` (TOTP or recovery) for the user `challenge` names,
/// counted with password failures. `None` when the challenge is no longer valid.
pub fn second_step(
    conn: &mut DbConnection,
    secrets: &Secrets,
    portal: &str,
    challenge: &str,
    code: &str,
    client: Option<&str>,
    now: NaiveDateTime,
) -> Result<Option<Outcome>, AppError> {
    let Some(user) = challenged(conn, secrets, challenge, now)? else {
        return Ok(None);
    };
    let (locked, account_failures) = locked(conn, &user.email, client, now)?;
    if locked {
        return Ok(Some(Outcome::Locked));
    }
    let outcome = if crate::accounts::second_factor::check(conn, secrets, &user, code, now)? {
        succeed(conn, secrets, &user, client, now)?
    } else {
        fail(conn, portal, &user.email, client, account_failures)?
    };
    Ok(Some(outcome))
}

/// A session for `user`, who proved who they are (audited, last login recorded).
fn succeed(
    conn: &mut DbConnection,
    secrets: &Secrets,
    user: &crate::accounts::User,
    client: Option<&str>,
    now: NaiveDateTime,
) -> Result<Outcome, AppError> {
    let token = crate::db::write(conn, |conn| {
        let token = crate::web::session::start(conn, secrets, &user.id)?;
        users::set_last_login(conn, &user.id, now)?;
        audit_log::insert(
            conn,
            &AuditEntry::new(Action::LoginSuccess, Some(&user.id), Some(&user.email))
                .from_ip(client),
        )?;
        Ok::<_, AppError>(token)
    })?;
    Ok(Outcome::LoggedIn {
        token,
        role: user.role,
    })
}

/// A failed attempt for `email` from `client` (audited; the one that reaches the ceiling
/// tells the owner, once per window).
fn fail(
    conn: &mut DbConnection,
    portal: &str,
    email: &str,
    client: Option<&str>,
    account_failures: i64,
) -> Result<Outcome, AppError> {
    crate::db::write(conn, |conn| {
        audit_log::insert(
            conn,
            &AuditEntry::new(Action::LoginFailure, None, Some(email)).from_ip(client),
        )?;
        if account_failures + 1 == ACCOUNT_CEILING && users::find_by_email(conn, email)?.is_some() {
            crate::mail::account::login_ceiling(conn, portal, email, ACCOUNT_CEILING)?;
        }
        Ok::<_, AppError>(())
    })?;
    Ok(Outcome::Wrong)
}

/// How long the code may take after the password.
pub const CHALLENGE_MINUTES: i64 = 5;
const CHALLENGE_PURPOSE: &str = "login_challenge";

/// The challenge cookie's value for `user_id`, valid `CHALLENGE_MINUTES` from `now`.
pub fn challenge(secrets: &Secrets, user_id: &UserId, now: NaiveDateTime) -> String {
    let until = (now + chrono::Duration::minutes(CHALLENGE_MINUTES))
        .and_utc()
        .timestamp();
    let body = format!("{user_id}.{until}");
    let mac = secrets.keyed_hash(CHALLENGE_PURPOSE, &body);
    format!("{body}.{mac}")
}

/// The user a challenge cookie names, if it is authentic and still valid at `now`.
pub fn challenged(
    conn: &mut DbConnection,
    secrets: &Secrets,
    value: &str,
    now: NaiveDateTime,
) -> Result<Option<crate::accounts::User>, AppError> {
    let Some((body, mac)) = value.rsplit_once('.') else {
        return Ok(None);
    };
    let Some((user_id, until)) = body.rsplit_once('.') else {
        return Ok(None);
    };
    let authentic = crate::secrets::constant_time_eq(
        secrets.keyed_hash(CHALLENGE_PURPOSE, body).as_bytes(),
        mac.as_bytes(),
    );
    let valid = until
        .parse::<i64>()
        .is_ok_and(|until| now.and_utc().timestamp() <= until);
    if !(authentic && valid) {
        return Ok(None);
    }
    let user = users::find_by_id(conn, &UserId::from(user_id))?;
    Ok(user.filter(|u| u.disabled_at.is_none() && u.totp_enabled_at.is_some()))
}

/// Whether `email` logged in from `ip` within `KNOWN_CLIENT_DAYS` before `now`.
fn known_client(
    conn: &mut DbConnection,
    email: &str,
    ip: &str,
    now: NaiveDateTime,
) -> diesel::QueryResult<bool> {
    let since = now - Duration::days(KNOWN_CLIENT_DAYS);
    Ok(audit_log::count_since(conn, Action::LoginSuccess, Some(email), Some(ip), since)? > 0)
}

/// Ends the session `session_hash` of `user_id` (audited): its cookie no longer works.
pub fn logout(
    conn: &mut DbConnection,
    user_id: &UserId,
    email: &str,
    session_hash: &str,
) -> Result<(), AppError> {
    crate::db::write(conn, |conn| {
        sessions::delete(conn, session_hash)?;
        audit_log::insert(
            conn,
            &AuditEntry::new(Action::Logout, Some(user_id), Some(email)),
        )?;
        Ok(())
    })
}
