//! Passwords after registration: changed by their user, reset through an emailed link,
//! set by the operator; and accounts disabled and enabled. Each ends the sessions it must,
//! is audited, and tells the user by email.

use super::User;
use crate::db::models::audit_log::{self, Action, AuditEntry};
use crate::db::models::password_resets::{self, PasswordReset};
use crate::db::models::{api_keys, sessions, users};
use crate::db::DbConnection;
use crate::domain::fields::{self, FieldErrors};
use crate::domain::UserId;
use crate::error::AppError;
use crate::secrets::{random_token, Secrets};
use chrono::{Duration, NaiveDateTime};

/// How long a reset link works.
pub const RESET_MINUTES: i64 = 30;
/// Reset links one address may ask for in an hour.
pub const RESETS_PER_ADDRESS: i64 = 3;
/// Reset links one client may ask for in an hour (any addresses).
pub const RESETS_PER_CLIENT: i64 = 20;
/// Purpose of the keyed hash of a reset token.
const RESET_TOKEN: &str = "password_reset";

/// A new password typed twice.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct NewPassword {
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub password_confirm: String,
}

impl NewPassword {
    /// The password when it meets the registration rules (against `email` too) and was
    /// typed the same twice; else the errors beside the fields.
    pub fn validate(&self, email: &str, errors: &mut FieldErrors) -> Option<String> {
        let ok = errors
            .check("password", fields::password(&self.password, &[email]))
            .is_some();
        if ok && self.password != self.password_confirm {
            errors.add("password_confirm", "error.password.mismatch");
            return None;
        }
        ok.then(|| self.password.clone())
    }
}

/// Who changes their password: the user, and the session they do it from (it stays).
pub struct Changer<'a> {
    pub user_id: &'a UserId,
    pub email: &'a str,
    pub session_hash: &'a str,
}

/// Changes the password of `user` (who typed `current`) to `new`; every other session of
/// the user ends. The errors beside the fields when the current one is wrong or the new one
/// is not acceptable.
pub fn change(
    conn: &mut DbConnection,
    portal: &str,
    user: &Changer,
    current: &str,
    new: &NewPassword,
) -> Result<Result<(), FieldErrors>, AppError> {
    let stored = users::find_by_id(conn, user.user_id)?.ok_or(AppError::Forbidden)?;
    let mut errors = FieldErrors::default();
    if !crate::password::verify(current, &stored.password_hash) {
        errors.add("current_password", "error.password.current");
    }
    let password = new.validate(user.email, &mut errors);
    let Some(password) = password.filter(|_| errors.is_empty()) else {
        return Ok(Err(errors));
    };
    let hash = crate::password::hash(&password)?;
    crate::db::write(conn, |conn| {
        users::set_password_hash(conn, user.user_id, &hash)?;
        sessions::delete_for_user(conn, user.user_id, Some(user.session_hash))?;
        audit_log::insert(
            conn,
            &AuditEntry::new(
                Action::PasswordChanged,
                Some(user.user_id),
                Some(user.email),
            ),
        )?;
        crate::mail::account::password_changed(conn, portal, user.email)?;
        Ok::<_, AppError>(())
    })?;
    Ok(Ok(()))
}

/// What asking for a reset link came to. The answer is the same whether or not `email` has
/// an account.
#[derive(Debug, PartialEq, Eq)]
pub enum ResetAsked {
    /// The link was emailed, if the address has an account.
    Answered,
    /// The address or the client asked too often within the hour.
    TooMany,
}

/// Emails a reset link to `email` if it has an account (replacing any earlier link), from
/// `client` at `now`; audited either way, so the limits count every request.
pub fn ask_reset(
    conn: &mut DbConnection,
    secrets: &Secrets,
    portal: &str,
    email: &str,
    client: Option<&str>,
    now: NaiveDateTime,
) -> Result<ResetAsked, AppError> {
    let since = now - Duration::hours(1);
    let asked = |conn: &mut DbConnection, subject, ip| {
        audit_log::count_since(conn, Action::PasswordResetAsked, subject, ip, since)
    };
    if asked(conn, Some(email), None)? >= RESETS_PER_ADDRESS
        || client.is_some() && asked(conn, None, client)? >= RESETS_PER_CLIENT
    {
        return Ok(ResetAsked::TooMany);
    }
    let user = users::find_by_email(conn, email)?.filter(|u| u.disabled_at.is_none());
    crate::db::write(conn, |conn| {
        audit_log::insert(
            conn,
            &AuditEntry::new(Action::PasswordResetAsked, None, Some(email)).from_ip(client),
        )?;
        if let Some(user) = &user {
            let valid = Duration::minutes(RESET_MINUTES);
            let link = new_link(conn, secrets, portal, &user.id, now, valid)?;
            crate::mail::account::reset_link(conn, email, &link, RESET_MINUTES)?;
        }
        Ok::<_, AppError>(())
    })?;
    Ok(ResetAsked::Answered)
}

/// A new link for `user_id` to set a password at, valid `valid` from `now`; an earlier one
/// dies.
pub(super) fn new_link(
    conn: &mut DbConnection,
    secrets: &Secrets,
    portal: &str,
    user_id: &UserId,
    now: NaiveDateTime,
    valid: Duration,
) -> diesel::QueryResult<String> {
    let token = random_token();
    password_resets::replace(
        conn,
        &PasswordReset {
            token_hash: secrets.keyed_hash(RESET_TOKEN, &token),
            user_id: user_id.clone(),
            created_at: now,
            expires_at: now + valid,
        },
    )?;
    Ok(format!(
        "{portal}{}",
        crate::paths::at(crate::paths::PASSWORD_RESET, &token)
    ))
}

/// The user whose valid reset link `token` is, at `now`.
pub fn reset_user(
    conn: &mut DbConnection,
    secrets: &Secrets,
    token: &str,
    now: NaiveDateTime,
) -> Result<Option<User>, AppError> {
    let hash = secrets.keyed_hash(RESET_TOKEN, token);
    let Some(id) = password_resets::find_valid(conn, &hash, now)? else {
        return Ok(None);
    };
    Ok(users::find_by_id(conn, &id)?.filter(|u| u.disabled_at.is_none()))
}

/// Sets the password of the user of reset link `token` (the link dies, with every session
/// of the user). The errors beside the fields when the password is not acceptable; `None`
/// when the link is no longer valid.
pub fn reset(
    conn: &mut DbConnection,
    secrets: &Secrets,
    portal: &str,
    token: &str,
    new: &NewPassword,
    now: NaiveDateTime,
) -> Result<Option<Result<(), FieldErrors>>, AppError> {
    let Some(user) = reset_user(conn, secrets, token, now)? else {
        return Ok(None);
    };
    let mut errors = FieldErrors::default();
    let Some(password) = new.validate(&user.email, &mut errors) else {
        return Ok(Some(Err(errors)));
    };
    let hash = crate::password::hash(&password)?;
    let done = crate::db::write(conn, |conn| {
        // Used at the same moment by another request: only one of them sets it.
        if password_resets::delete_for_user(conn, &user.id)? == 0 {
            return Ok(false);
        }
        set_password(conn, &user, &hash, Action::PasswordReset)?;
        crate::mail::account::password_changed(conn, portal, &user.email)?;
        Ok::<_, AppError>(true)
    })?;
    Ok(done.then_some(Ok(())))
}

/// Stores `hash` as `user`'s password and ends every session of theirs (audited `action`).
fn set_password(
    conn: &mut DbConnection,
    user: &User,
    hash: &str,
    action: Action,
) -> Result<(), AppError> {
    users::set_password_hash(conn, &user.id, hash)?;
    sessions::delete_for_user(conn, &user.id, None)?;
    password_resets::delete_for_user(conn, &user.id)?;
    audit_log::insert(conn, &AuditEntry::new(action, None, Some(&user.email)))?;
    Ok(())
}

/// The operator sets the password of `email` (a locked-out user): every session ends.
pub fn operator_set(conn: &mut DbConnection, email: &str, hash: &str) -> Result<User, AppError> {
    let user = users::find_by_email(conn, email)?.ok_or(AppError::NotFound)?;
    crate::db::write(conn, |conn| {
        set_password(conn, &user, hash, Action::PasswordSetByOperator)
    })?;
    Ok(user)
}

/// Disables (`true`) or enables `user_id`; a disabled user's sessions and API keys end at
/// once, and what they did stays attributed to them. By `actor` (`None`: the operator).
pub fn set_disabled(
    conn: &mut DbConnection,
    user: &User,
    disabled: bool,
    actor: Option<&UserId>,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    crate::db::write(conn, |conn| {
        users::set_disabled(conn, &user.id, disabled.then_some(now))?;
        let action = if disabled {
            sessions::delete_for_user(conn, &user.id, None)?;
            api_keys::revoke_created_by(conn, &user.id)?;
            password_resets::delete_for_user(conn, &user.id)?;
            Action::UserDisabled
        } else {
            Action::UserEnabled
        };
        audit_log::insert(conn, &AuditEntry::new(action, actor, Some(&user.email)))?;
        Ok(())
    })
}
