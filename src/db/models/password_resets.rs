//! Links to set a new password. Only a keyed hash of the token is stored; a used link and
//! the older links of a user asking again are deleted.

use crate::db::schema::password_resets;
use crate::db::DbConnection;
use crate::domain::UserId;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A reset link.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = password_resets)]
pub struct PasswordReset {
    pub token_hash: String,
    pub user_id: UserId,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

/// Stores `reset` in place of every earlier link of its user.
pub fn replace(conn: &mut DbConnection, reset: &PasswordReset) -> QueryResult<()> {
    delete_for_user(conn, &reset.user_id)?;
    diesel::insert_into(password_resets::table)
        .values(reset)
        .execute(conn)
        .map(drop)
}

/// The user of the link `token_hash` if it is still valid at `now`.
pub fn find_valid(
    conn: &mut DbConnection,
    token_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<UserId>> {
    password_resets::table
        .filter(password_resets::token_hash.eq(token_hash))
        .filter(password_resets::expires_at.gt(now))
        .select(password_resets::user_id)
        .first(conn)
        .optional()
}

/// Deletes every link of `user_id`.
pub fn delete_for_user(conn: &mut DbConnection, user_id: &UserId) -> QueryResult<usize> {
    diesel::delete(password_resets::table.filter(password_resets::user_id.eq(user_id)))
        .execute(conn)
}
