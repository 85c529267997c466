//! Invitations to join a party. Only a keyed hash of the token is stored.

use crate::db::schema::invitations;
use crate::db::DbConnection;
use crate::domain::{PartyId, PartyRole, UserId};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// An invitation row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = invitations)]
pub struct Invitation {
    pub id: String,
    pub token_hash: String,
    pub party_id: PartyId,
    pub email: String,
    pub party_role: PartyRole,
    pub invited_by: UserId,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub accepted_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

/// Stores an invitation.
pub fn insert(conn: &mut DbConnection, invitation: &Invitation) -> QueryResult<()> {
    diesel::insert_into(invitations::table)
        .values(invitation)
        .execute(conn)
        .map(drop)
}

/// The party's invitations still open at `now` (not accepted, revoked or run out).
pub fn open_for_party(
    conn: &mut DbConnection,
    party_id: &PartyId,
    now: NaiveDateTime,
) -> QueryResult<Vec<Invitation>> {
    invitations::table
        .filter(invitations::party_id.eq(party_id))
        .filter(invitations::accepted_at.is_null())
        .filter(invitations::revoked_at.is_null())
        .filter(invitations::expires_at.gt(now))
        .order(invitations::created_at)
        .select(Invitation::as_select())
        .load(conn)
}

/// The open invitation of `token_hash` at `now`.
pub fn find_open(
    conn: &mut DbConnection,
    token_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<Invitation>> {
    invitations::table
        .filter(invitations::token_hash.eq(token_hash))
        .filter(invitations::accepted_at.is_null())
        .filter(invitations::revoked_at.is_null())
        .filter(invitations::expires_at.gt(now))
        .select(Invitation::as_select())
        .first(conn)
        .optional()
}

/// Marks invitation `id` accepted at `at`; false when it was no longer open.
pub fn accept(conn: &mut DbConnection, id: &str, at: NaiveDateTime) -> QueryResult<bool> {
    diesel::update(
        invitations::table
            .find(id)
            .filter(invitations::accepted_at.is_null())
            .filter(invitations::revoked_at.is_null()),
    )
    .set(invitations::accepted_at.eq(at))
    .execute(conn)
    .map(|n| n == 1)
}

/// Revokes the party's invitation `id`; false when there is no such open one.
pub fn revoke(
    conn: &mut DbConnection,
    party_id: &PartyId,
    id: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        invitations::table
            .find(id)
            .filter(invitations::party_id.eq(party_id))
            .filter(invitations::accepted_at.is_null())
            .filter(invitations::revoked_at.is_null()),
    )
    .set(invitations::revoked_at.eq(at))
    .execute(conn)
    .map(|n| n == 1)
}
