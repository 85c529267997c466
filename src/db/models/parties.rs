//! Assisting parties and their approval.

use crate::db::schema::{parties, stations};
use crate::db::DbConnection;
use crate::domain::{IdentifierType, PartyKind, PartyStatus};
use crate::domain::{PartyId, StationId, UserId};
use diesel::prelude::*;

/// A party row. For an organisation `identifier` is its credit code; for an individual
/// lessor it is `hmac:` and a keyed hash of the ID number (unique, but not the number), the
/// masked number is in `identifier_masked` and the number itself, encrypted, in
/// `identifier_sealed`.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = parties)]
pub struct Party {
    pub id: PartyId,
    pub kind: PartyKind,
    pub legal_name: String,
    pub identifier: String,
    pub address: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub station_id: StationId,
    pub status: PartyStatus,
    pub status_reason: Option<String>,
    pub decided_by: Option<UserId>,
    pub decided_at: Option<chrono::NaiveDateTime>,
    pub created_at: chrono::NaiveDateTime,
    pub identifier_masked: Option<String>,
    pub identifier_sealed: Option<String>,
    /// `id` or `uscc` as the party declared it (`IdentifierType`); `None` only for a party
    /// registered before the declaration, until the start-up settles it.
    pub identifier_type: Option<IdentifierType>,
    /// Whether the party gets the daily digest of its proofs running out.
    pub reminders_enabled: bool,
}

impl Party {
    /// The identifier as shown: the credit code, or the masked ID number.
    pub fn display_identifier(&self) -> String {
        self.identifier_masked
            .clone()
            .unwrap_or_else(|| crate::domain::identifier::display_identifier(&self.identifier))
    }
}

/// A party with the code and name of its station, for lists.
#[derive(Debug, Clone, Queryable)]
pub struct PartyWithStation {
    pub party: Party,
    pub station_code: String,
    pub station_name: String,
}

/// Inserts a party.
pub fn insert(conn: &mut DbConnection, party: &Party) -> QueryResult<()> {
    diesel::insert_into(parties::table)
        .values(party)
        .execute(conn)
        .map(drop)
}

/// The id of the party registered with `identifier` (as stored), if any.
pub fn find_by_identifier(
    conn: &mut DbConnection,
    identifier: &str,
) -> QueryResult<Option<PartyId>> {
    parties::table
        .filter(parties::identifier.eq(identifier))
        .select(parties::id)
        .first(conn)
        .optional()
}

/// The party with `id`.
pub fn find_by_id(conn: &mut DbConnection, id: &PartyId) -> QueryResult<Party> {
    parties::table
        .find(id)
        .select(Party::as_select())
        .first(conn)
}

/// The party with `id` if it belongs to `station_id` (or any station when `None`, for
/// admins); another station's party is "not found".
pub fn find_in_scope(
    conn: &mut DbConnection,
    id: &PartyId,
    station_id: Option<&StationId>,
) -> QueryResult<PartyWithStation> {
    let mut query = parties::table
        .inner_join(stations::table)
        .filter(parties::id.eq(id))
        .select((Party::as_select(), stations::code, stations::name))
        .into_boxed();
    if let Some(station_id) = station_id {
        query = query.filter(parties::station_id.eq(station_id.to_owned()));
    }
    query.first(conn)
}

/// Parties with `status`, oldest first, of one station or of every station (`None`).
pub fn list_by_status(
    conn: &mut DbConnection,
    station_id: Option<&StationId>,
    status: PartyStatus,
    limit: i64,
) -> QueryResult<Vec<PartyWithStation>> {
    let mut query = parties::table
        .inner_join(stations::table)
        .filter(parties::status.eq(status.as_str()))
        .select((Party::as_select(), stations::code, stations::name))
        .order((parties::created_at, parties::id))
        .limit(limit)
        .into_boxed();
    if let Some(station_id) = station_id {
        query = query.filter(parties::station_id.eq(station_id.to_owned()));
    }
    query.load(conn)
}

/// Moves a party from `from` to `to` (approval, rejection, suspension, reinstatement);
/// false when it was no longer in `from` (changed meanwhile by someone else).
pub fn change_status(
    conn: &mut DbConnection,
    id: &PartyId,
    from: PartyStatus,
    to: PartyStatus,
    reason: Option<&str>,
    decided_by: &UserId,
) -> QueryResult<bool> {
    diesel::update(
        parties::table
            .filter(parties::id.eq(id))
            .filter(parties::status.eq(from.as_str())),
    )
    .set((
        parties::status.eq(to.as_str()),
        parties::status_reason.eq(reason),
        parties::decided_by.eq(decided_by),
        parties::decided_at.eq(crate::db::now()),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// Parties without a declared identifier type (registered before it existed).
pub fn list_untyped(conn: &mut DbConnection) -> QueryResult<Vec<Party>> {
    parties::table
        .filter(parties::identifier_type.is_null())
        .select(Party::as_select())
        .load(conn)
}

/// Every party, for the identifier audit.
pub fn list_all(conn: &mut DbConnection) -> QueryResult<Vec<Party>> {
    parties::table
        .order((parties::created_at, parties::id))
        .select(Party::as_select())
        .load(conn)
}

/// A party identifier in its stored form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredIdentifier {
    /// The credit code, or `hmac:` and the keyed hash of the ID number.
    pub identifier: String,
    /// The masked ID number (individuals only).
    pub masked: Option<String>,
    /// The ID number encrypted under the portal secret (individuals only).
    pub sealed: Option<String>,
    pub kind: IdentifierType,
}

/// Sets a party's identifier as stored (the keyed hash for an individual, with its masked
/// and sealed forms) and its declared type.
pub fn set_identifier(
    conn: &mut DbConnection,
    id: &PartyId,
    stored: &StoredIdentifier,
) -> QueryResult<()> {
    diesel::update(parties::table.find(id))
        .set((
            parties::identifier.eq(&stored.identifier),
            parties::identifier_masked.eq(&stored.masked),
            parties::identifier_sealed.eq(&stored.sealed),
            parties::identifier_type.eq(stored.kind),
        ))
        .execute(conn)
        .map(drop)
}

/// Switches the daily expiry digest of party `id` on or off.
pub fn set_reminders(conn: &mut DbConnection, id: &PartyId, on: bool) -> QueryResult<()> {
    diesel::update(parties::table.find(id))
        .set(parties::reminders_enabled.eq(on))
        .execute(conn)
        .map(drop)
}

/// Claims `today`'s expiry digest of party `id`: true for the one caller, of every instance,
/// that moves its last digest day to `today`; false when it was claimed already.
pub fn claim_reminder_day(
    conn: &mut DbConnection,
    id: &PartyId,
    today: chrono::NaiveDate,
) -> QueryResult<bool> {
    diesel::update(
        parties::table.find(id).filter(
            parties::last_reminder_on
                .is_null()
                .or(parties::last_reminder_on.lt(today)),
        ),
    )
    .set(parties::last_reminder_on.eq(today))
    .execute(conn)
    .map(|n| n == 1)
}

/// Sets the address and contact of party `id`.
pub fn set_contact(
    conn: &mut DbConnection,
    id: &PartyId,
    contact: &crate::domain::party::Contact,
) -> QueryResult<()> {
    diesel::update(parties::table.find(id))
        .set((
            parties::address.eq(&contact.address),
            parties::contact_name.eq(&contact.contact_name),
            parties::contact_phone.eq(&contact.contact_phone),
        ))
        .execute(conn)
        .map(drop)
}

/// Sets the kind, legal name and identifier (as stored) of party `id`.
pub fn set_identity(
    conn: &mut DbConnection,
    id: &PartyId,
    kind: PartyKind,
    legal_name: &str,
    stored: &StoredIdentifier,
) -> QueryResult<()> {
    diesel::update(parties::table.find(id))
        .set((parties::kind.eq(kind), parties::legal_name.eq(legal_name)))
        .execute(conn)?;
    set_identifier(conn, id, stored)
}
