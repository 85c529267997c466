//! The second factor of users: the sealed TOTP secret on `users`, and recovery codes.

use crate::db::schema::{recovery_codes, users};
use crate::db::DbConnection;
use crate::domain::UserId;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// Stores a new, not yet confirmed, secret for user `id` (a second factor in force stays).
pub fn set_pending_secret(conn: &mut DbConnection, id: &UserId, sealed: &str) -> QueryResult<()> {
    diesel::update(
        users::table
            .find(id)
            .filter(users::totp_enabled_at.is_null()),
    )
    .set(users::totp_secret_sealed.eq(sealed))
    .execute(conn)
    .map(drop)
}

/// Puts the secret of user `id` in force at `at`, its first code at `step`, with the
/// recovery codes `code_hashes` (replacing any earlier ones).
pub fn enable(
    conn: &mut DbConnection,
    id: &UserId,
    at: NaiveDateTime,
    step: i64,
    code_hashes: &[String],
) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::totp_enabled_at.eq(at),
            users::totp_last_step.eq(step),
        ))
        .execute(conn)?;
    replace_codes(conn, id, code_hashes)
}

/// Replaces the recovery codes of user `id`.
pub fn replace_codes(
    conn: &mut DbConnection,
    id: &UserId,
    code_hashes: &[String],
) -> QueryResult<()> {
    diesel::delete(recovery_codes::table.filter(recovery_codes::user_id.eq(id))).execute(conn)?;
    // One statement per code: a multi-row insert is not available on both backends at once.
    for hash in code_hashes {
        diesel::insert_into(recovery_codes::table)
            .values((
                recovery_codes::code_hash.eq(hash),
                recovery_codes::user_id.eq(id),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Removes the second factor of user `id` and its recovery codes.
pub fn disable(conn: &mut DbConnection, id: &UserId) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::totp_secret_sealed.eq(None::<String>),
            users::totp_enabled_at.eq(None::<NaiveDateTime>),
            users::totp_last_step.eq(None::<i64>),
        ))
        .execute(conn)?;
    diesel::delete(recovery_codes::table.filter(recovery_codes::user_id.eq(id)))
        .execute(conn)
        .map(drop)
}

/// Records `step` as the last code of user `id` when it is later than the last one: true
/// for the one request that does (a code is accepted once).
pub fn claim_step(conn: &mut DbConnection, id: &UserId, step: i64) -> QueryResult<bool> {
    diesel::update(
        users::table.find(id).filter(
            users::totp_last_step
                .is_null()
                .or(users::totp_last_step.lt(step)),
        ),
    )
    .set(users::totp_last_step.eq(step))
    .execute(conn)
    .map(|n| n == 1)
}

/// Uses the unused recovery code `code_hash` of user `id` at `at`: true when it was one.
pub fn use_code(
    conn: &mut DbConnection,
    id: &UserId,
    code_hash: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        recovery_codes::table
            .find(code_hash)
            .filter(recovery_codes::user_id.eq(id))
            .filter(recovery_codes::used_at.is_null()),
    )
    .set(recovery_codes::used_at.eq(at))
    .execute(conn)
    .map(|n| n == 1)
}

/// How many unused recovery codes user `id` has.
pub fn codes_left(conn: &mut DbConnection, id: &UserId) -> QueryResult<i64> {
    recovery_codes::table
        .filter(recovery_codes::user_id.eq(id))
        .filter(recovery_codes::used_at.is_null())
        .count()
        .get_result(conn)
}
