//! Party API keys. Only a keyed hash of each key is stored; the key is shown once.

use crate::db::schema::api_keys;
use crate::db::DbConnection;
use crate::domain::{PartyId, UserId};
use diesel::prelude::*;

/// An API key row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = api_keys)]
pub struct ApiKey {
    pub id: String,
    pub party_id: PartyId,
    pub name: String,
    /// The first characters of the key, to recognise it in the list.
    pub prefix: String,
    pub key_hash: String,
    pub created_at: chrono::NaiveDateTime,
    pub created_by: Option<UserId>,
    pub last_used_at: Option<chrono::NaiveDateTime>,
    pub revoked_at: Option<chrono::NaiveDateTime>,
}

/// Inserts a key.
pub fn insert(conn: &mut DbConnection, row: &ApiKey) -> QueryResult<()> {
    diesel::insert_into(api_keys::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// The active key with `key_hash`.
pub fn find_active_by_hash(conn: &mut DbConnection, key_hash: &str) -> QueryResult<Option<ApiKey>> {
    api_keys::table
        .filter(api_keys::key_hash.eq(key_hash))
        .filter(api_keys::revoked_at.is_null())
        .select(ApiKey::as_select())
        .first(conn)
        .optional()
}

/// Notes that a key was used now.
pub fn touch(conn: &mut DbConnection, id: &str) -> QueryResult<()> {
    diesel::update(api_keys::table.find(id))
        .set(api_keys::last_used_at.eq(crate::db::now()))
        .execute(conn)
        .map(drop)
}

/// A party's keys, newest first.
pub fn list_for_party(conn: &mut DbConnection, party_id: &PartyId) -> QueryResult<Vec<ApiKey>> {
    api_keys::table
        .filter(api_keys::party_id.eq(party_id))
        .order(api_keys::created_at.desc())
        .select(ApiKey::as_select())
        .load(conn)
}

/// Revokes a key of `party_id`; false when there was no such active key.
pub fn revoke(conn: &mut DbConnection, party_id: &PartyId, id: &str) -> QueryResult<bool> {
    diesel::update(
        api_keys::table
            .filter(api_keys::id.eq(id))
            .filter(api_keys::party_id.eq(party_id))
            .filter(api_keys::revoked_at.is_null()),
    )
    .set(api_keys::revoked_at.eq(crate::db::now()))
    .execute(conn)
    .map(|n| n == 1)
}

/// Revokes every key `user_id` created that is still live (the user was disabled).
pub fn revoke_created_by(conn: &mut DbConnection, user_id: &UserId) -> QueryResult<usize> {
    diesel::update(
        api_keys::table
            .filter(api_keys::created_by.eq(user_id))
            .filter(api_keys::revoked_at.is_null()),
    )
    .set(api_keys::revoked_at.eq(crate::db::now()))
    .execute(conn)
}
