//! Login sessions. Only a keyed hash of the session id is stored, so a copy of the database
//! does not let anyone take over a session.

use crate::db::models::users::User;
use crate::db::schema::{sessions, stations, users};
use crate::db::DbConnection;
use crate::domain::UserId;
use diesel::prelude::*;

/// A session row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = sessions)]
pub struct Session {
    pub id_hash: String,
    pub user_id: UserId,
    pub created_at: chrono::NaiveDateTime,
    pub last_seen_at: chrono::NaiveDateTime,
}

/// Inserts a session.
pub fn insert(conn: &mut DbConnection, session: &Session) -> QueryResult<()> {
    diesel::insert_into(sessions::table)
        .values(session)
        .execute(conn)
        .map(drop)
}

/// The session with `id_hash` and its user (none when the user, or the station they are
/// staff of, is disabled).
pub fn find_with_user(
    conn: &mut DbConnection,
    id_hash: &str,
) -> QueryResult<Option<(Session, User)>> {
    sessions::table
        .inner_join(users::table.left_join(stations::table))
        .filter(sessions::id_hash.eq(id_hash))
        .filter(users::disabled_at.is_null())
        .filter(stations::disabled_at.is_null())
        .select((Session::as_select(), User::as_select()))
        .first(conn)
        .optional()
}

/// Marks the session as used now (the idle timeout counts from here).
pub fn touch(conn: &mut DbConnection, id_hash: &str) -> QueryResult<()> {
    diesel::update(sessions::table.find(id_hash))
        .set(sessions::last_seen_at.eq(crate::db::now()))
        .execute(conn)
        .map(drop)
}

/// Deletes a session (logout, or expiry).
pub fn delete(conn: &mut DbConnection, id_hash: &str) -> QueryResult<()> {
    diesel::delete(sessions::table.find(id_hash))
        .execute(conn)
        .map(drop)
}

/// Deletes every session of user `user_id` but `keep` (the one changing its password).
pub fn delete_for_user(
    conn: &mut DbConnection,
    user_id: &UserId,
    keep: Option<&str>,
) -> QueryResult<usize> {
    let mut query = diesel::delete(sessions::table)
        .filter(sessions::user_id.eq(user_id))
        .into_boxed();
    if let Some(keep) = keep {
        query = query.filter(sessions::id_hash.ne(keep.to_owned()));
    }
    query.execute(conn)
}
