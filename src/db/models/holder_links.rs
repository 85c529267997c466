//! The holder's page of a proof (`/my/{token}`): only a keyed hash of its token is stored.

use crate::db::schema::{holder_links, stations, users, verifications};
use crate::db::DbConnection;
use crate::domain::AttestationId;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A holder link row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = holder_links)]
pub struct HolderLink {
    pub id: String,
    pub attestation_id: AttestationId,
    pub token_hash: String,
    pub email: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
    /// The holder asked to be emailed at each verification (at most one email an hour).
    pub notify_verifications: bool,
    /// Verifications up to this time were told (or came before the holder asked).
    pub seen_until: NaiveDateTime,
    pub last_mailed_at: Option<NaiveDateTime>,
}

/// Stores links.
pub fn insert_many(conn: &mut DbConnection, links: &[HolderLink]) -> QueryResult<()> {
    for link in links {
        diesel::insert_into(holder_links::table)
            .values(link)
            .execute(conn)?;
    }
    Ok(())
}

/// The link of `token_hash` that still opens at `now`.
pub fn find_open(
    conn: &mut DbConnection,
    token_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<HolderLink>> {
    holder_links::table
        .filter(holder_links::token_hash.eq(token_hash))
        .filter(holder_links::revoked_at.is_null())
        .filter(holder_links::expires_at.gt(now))
        .select(HolderLink::as_select())
        .first(conn)
        .optional()
}

/// The links of attestation `id` not revoked.
pub fn of_attestation(conn: &mut DbConnection, id: &AttestationId) -> QueryResult<Vec<HolderLink>> {
    holder_links::table
        .filter(holder_links::attestation_id.eq(id))
        .filter(holder_links::revoked_at.is_null())
        .select(HolderLink::as_select())
        .load(conn)
}

/// Revokes every link of attestation `id`; returns how many.
pub fn revoke_for(
    conn: &mut DbConnection,
    id: &AttestationId,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        holder_links::table
            .filter(holder_links::attestation_id.eq(id))
            .filter(holder_links::revoked_at.is_null()),
    )
    .set(holder_links::revoked_at.eq(at))
    .execute(conn)
}

/// Turns the verification emails of link `id` on (from `now` on) or off.
pub fn set_notify(
    conn: &mut DbConnection,
    id: &str,
    on: bool,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(holder_links::table.find(id))
        .set((
            holder_links::notify_verifications.eq(on),
            holder_links::seen_until.eq(now),
        ))
        .execute(conn)
        .map(drop)
}

/// The links asking for verification emails that may be emailed at `now` (none in the last
/// hour) and have verifications not yet told.
pub fn due_for_notice(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<Vec<HolderLink>> {
    let hour_ago = now - chrono::Duration::hours(1);
    holder_links::table
        .filter(holder_links::notify_verifications.eq(true))
        .filter(holder_links::revoked_at.is_null())
        .filter(holder_links::expires_at.gt(now))
        .filter(
            holder_links::last_mailed_at
                .is_null()
                .or(holder_links::last_mailed_at.le(hour_ago)),
        )
        .filter(diesel::dsl::exists(
            verifications::table
                .filter(verifications::attestation_id.eq(holder_links::attestation_id.nullable()))
                .filter(verifications::at.gt(holder_links::seen_until)),
        ))
        .select(HolderLink::as_select())
        .load(conn)
}

/// Marks link `link`'s verifications told up to `until` at `now`; false when another
/// worker did meanwhile.
pub fn mark_told(
    conn: &mut DbConnection,
    link: &HolderLink,
    until: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        holder_links::table
            .filter(holder_links::id.eq(&link.id))
            .filter(holder_links::seen_until.eq(link.seen_until)),
    )
    .set((
        holder_links::seen_until.eq(until),
        holder_links::last_mailed_at.eq(now),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// One verification of a proof as its holder sees it: when, the result, and the station
/// of the officer who checked (none for anyone else).
pub type Check = (NaiveDateTime, String, Option<String>);

/// The verifications of attestation `id` after `after`, newest first (ID card checks at the
/// desk are not verifications of the proof).
pub fn checks_of(
    conn: &mut DbConnection,
    id: &AttestationId,
    after: Option<NaiveDateTime>,
    limit: i64,
) -> QueryResult<Vec<Check>> {
    let mut query = verifications::table
        .left_join(users::table.on(users::id.nullable().eq(verifications::user_id)))
        .left_join(stations::table.on(stations::id.nullable().eq(users::station_id)))
        .filter(verifications::attestation_id.eq(id))
        .filter(verifications::method.ne(super::verifications::ID_CARD))
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(verifications::at.gt(after));
    }
    query
        .order(verifications::at.desc())
        .limit(limit)
        .select((
            verifications::at,
            verifications::result,
            stations::name.nullable(),
        ))
        .load(conn)
}
