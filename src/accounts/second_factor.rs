//! A second factor: TOTP (RFC 6238: SHA-1, 6 digits, 30 s steps, one step of skew either
//! way, by `totp-rs`) with ten single-use recovery codes. The secret is sealed under the
//! portal secret; recovery codes are stored only as keyed hashes; a code is accepted once
//! (its time step must be later than the last one accepted).
//! Between the password and the code a login is a *challenge* (`sign_in::challenge`).

use super::User;
use crate::db::models::audit_log::{self, Action, AuditEntry};
use crate::db::models::{second_factor, users};
use crate::db::DbConnection;
use crate::domain::UserId;
use crate::error::AppError;
use crate::secrets::Secrets;
use chrono::NaiveDateTime;
use rand::Rng;
use totp_rs::{Algorithm, Secret, TOTP};

/// Seconds per TOTP step.
pub const STEP_SECONDS: u64 = 30;
/// Recovery codes made at a time.
pub const RECOVERY_CODES: usize = 10;
/// The issuer an authenticator app shows.
const ISSUER: &str = "Attest";
const SECRET_PURPOSE: &str = "totp_secret";
const CODE_PURPOSE: &str = "recovery_code";

/// What an authenticator app needs: the secret as typed (base32) and as a QR code's URL.
pub struct Setup {
    pub secret: String,
    pub url: String,
}

fn totp(secret: Vec<u8>, email: &str) -> Result<TOTP, AppError> {
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        STEP_SECONDS,
        secret,
        Some(ISSUER.to_owned()),
        email.to_owned(),
    )
    .map_err(|e| AppError::Internal(anyhow::anyhow!("TOTP: {e}")))
}

fn secret_of(secrets: &Secrets, user: &User) -> Option<Vec<u8>> {
    let sealed = user.totp_secret_sealed.as_deref()?;
    let encoded = secrets.open(SECRET_PURPOSE, sealed)?;
    Secret::Encoded(encoded).to_bytes().ok()
}

fn unix(at: NaiveDateTime) -> u64 {
    u64::try_from(at.and_utc().timestamp()).unwrap_or(0)
}

/// Starts (or shows again, unconfirmed) the setup of `user`'s second factor; `None` when one
/// is in force already.
pub fn begin_setup(
    conn: &mut DbConnection,
    secrets: &Secrets,
    user: &User,
) -> Result<Option<Setup>, AppError> {
    if user.totp_enabled_at.is_some() {
        return Ok(None);
    }
    let bytes = match secret_of(secrets, user) {
        Some(bytes) => bytes,
        None => {
            let bytes: [u8; 20] = rand::rngs::OsRng.gen();
            let encoded = Secret::Raw(bytes.to_vec()).to_encoded().to_string();
            let sealed = secrets.seal(SECRET_PURPOSE, &encoded);
            crate::db::write(conn, |conn| {
                second_factor::set_pending_secret(conn, &user.id, &sealed)
            })?;
            bytes.to_vec()
        }
    };
    let totp = totp(bytes, &user.email)?;
    Ok(Some(Setup {
        secret: totp.get_secret_base32(),
        url: totp.get_url(),
    }))
}

/// The time step of `code` for `secret` at `now` (or one step before or after: clocks
/// drift), if it is a valid code then.
fn step_of(secret: Vec<u8>, email: &str, code: &str, now: NaiveDateTime) -> Option<i64> {
    let totp = totp(secret, email).ok()?;
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let now = unix(now);
    [now.saturating_sub(STEP_SECONDS), now, now + STEP_SECONDS]
        .into_iter()
        .find(|t| crate::secrets::constant_time_eq(totp.generate(*t).as_bytes(), code.as_bytes()))
        .and_then(|t| i64::try_from(t / STEP_SECONDS).ok())
}

/// Confirms the setup with a first `code`: the second factor is in force and the recovery
/// codes, shown this once, are returned. `Err` with the message key when the code is wrong.
pub fn confirm_setup(
    conn: &mut DbConnection,
    secrets: &Secrets,
    user: &User,
    code: &str,
    now: NaiveDateTime,
) -> Result<Result<Vec<String>, &'static str>, AppError> {
    let step = secret_of(secrets, user)
        .filter(|_| user.totp_enabled_at.is_none())
        .and_then(|secret| step_of(secret, &user.email, code, now));
    let Some(step) = step else {
        return Ok(Err("error.second_factor.code"));
    };
    let codes = new_codes();
    let hashes: Vec<String> = codes.iter().map(|c| code_hash(secrets, c)).collect();
    crate::db::write(conn, |conn| {
        second_factor::enable(conn, &user.id, now, step, &hashes)?;
        audit_log::insert(
            conn,
            &AuditEntry::new(
                Action::SecondFactorEnabled,
                Some(&user.id),
                Some(&user.email),
            ),
        )?;
        Ok::<_, AppError>(())
    })?;
    Ok(Ok(codes))
}

/// Ten new recovery codes for `user` (the earlier ones die), after a valid `code`.
pub fn renew_codes(
    conn: &mut DbConnection,
    secrets: &Secrets,
    user: &User,
    code: &str,
    now: NaiveDateTime,
) -> Result<Result<Vec<String>, &'static str>, AppError> {
    if !check(conn, secrets, user, code, now)? {
        return Ok(Err("error.second_factor.code"));
    }
    let codes = new_codes();
    let hashes: Vec<String> = codes.iter().map(|c| code_hash(secrets, c)).collect();
    crate::db::write(conn, |conn| {
        second_factor::replace_codes(conn, &user.id, &hashes)
    })?;
    Ok(Ok(codes))
}

/// Turns `user`'s second factor off (audited).
pub fn disable(conn: &mut DbConnection, user: &User, by: Option<&UserId>) -> Result<(), AppError> {
    crate::db::write(conn, |conn| {
        second_factor::disable(conn, &user.id)?;
        audit_log::insert(
            conn,
            &AuditEntry::new(Action::SecondFactorDisabled, by, Some(&user.email)),
        )?;
        Ok(())
    })
}

/// The account `id` (for its second factor's state).
pub fn account(conn: &mut DbConnection, id: &UserId) -> Result<User, AppError> {
    users::find_by_id(conn, id)?.ok_or(AppError::Unauthorized)
}

/// Turns `user`'s own second factor off after their `password`: `false` when it is wrong.
pub fn disable_with_password(
    conn: &mut DbConnection,
    user: &User,
    password: &str,
) -> Result<bool, AppError> {
    if !crate::password::verify(password, &user.password_hash) {
        return Ok(false);
    }
    disable(conn, user, Some(&user.id))?;
    Ok(true)
}

/// How many unused recovery codes `user` has.
pub fn codes_left(conn: &mut DbConnection, user: &User) -> Result<i64, AppError> {
    Ok(second_factor::codes_left(conn, &user.id)?)
}

/// Whether `code` — a TOTP code not used before, or an unused recovery code — proves
/// `user`'s second factor at `now`; a code that does is used up.
pub fn check(
    conn: &mut DbConnection,
    secrets: &Secrets,
    user: &User,
    code: &str,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let Some(secret) = secret_of(secrets, user).filter(|_| user.totp_enabled_at.is_some()) else {
        return Ok(false);
    };
    if let Some(step) = step_of(secret, &user.email, code, now) {
        return Ok(crate::db::write(conn, |conn| {
            second_factor::claim_step(conn, &user.id, step)
        })?);
    }
    let normalized = normalize_code(code);
    if normalized.len() != CODE_LETTERS {
        return Ok(false);
    }
    let hash = code_hash(secrets, &normalized);
    crate::db::write(conn, |conn| {
        if !second_factor::use_code(conn, &user.id, &hash, now)? {
            return Ok(false);
        }
        audit_log::insert(
            conn,
            &AuditEntry::new(Action::RecoveryCodeUsed, Some(&user.id), Some(&user.email)),
        )?;
        Ok::<_, AppError>(true)
    })
}

/// Letters of a recovery code (base32: 50 random bits), shown as two groups of five.
const CODE_LETTERS: usize = 10;
const CODE_ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz234567";

fn new_codes() -> Vec<String> {
    let mut rng = rand::rngs::OsRng;
    (0..RECOVERY_CODES)
        .map(|_| {
            let letters: String = (0..CODE_LETTERS)
                .map(|_| char::from(CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())]))
                .collect();
            format!("{}-{}", &letters[..5], &letters[5..])
        })
        .collect()
}

fn normalize_code(code: &str) -> String {
    code.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn code_hash(secrets: &Secrets, code: &str) -> String {
    secrets.keyed_hash(CODE_PURPOSE, &normalize_code(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_codes_are_ten_distinct_and_read_back_however_typed() {
        let codes = new_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), RECOVERY_CODES);
        let typed = codes[0].to_uppercase().replace('-', " ");
        assert_eq!(normalize_code(&typed), normalize_code(&codes[0]));
        assert_eq!(normalize_code(&codes[0]).len(), CODE_LETTERS);
    }

    #[test]
    fn the_rfc_6238_sha1_vector_gives_its_code() {
        // RFC 6238, appendix B: the 20-byte ASCII secret, T = 59 s → 94287082 (8 digits);
        // its last six digits are the 6-digit code.
        let secret = b"12345678901234567890".to_vec();
        let at = chrono::DateTime::from_timestamp(59, 0).unwrap().naive_utc();
        assert_eq!(step_of(secret, "a@example.cn", "287082", at), Some(1));
    }
}
