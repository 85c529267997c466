//! Requests to change a party's legal name, kind or identifier, decided by its station.

use crate::db::models::parties::StoredIdentifier;
use crate::db::schema::{parties, party_change_requests};
use crate::db::DbConnection;
use crate::domain::party::ChangeStatus;
use crate::domain::{IdentifierType, PartyId, PartyKind, UserId};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A change request row; the identifier is in its stored form, as on `parties`.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = party_change_requests)]
pub struct ChangeRequest {
    pub id: String,
    pub party_id: PartyId,
    pub kind: PartyKind,
    pub legal_name: String,
    pub identifier: String,
    pub identifier_masked: Option<String>,
    pub identifier_sealed: Option<String>,
    pub identifier_type: IdentifierType,
    pub requested_by: UserId,
    pub created_at: NaiveDateTime,
    pub status: ChangeStatus,
    pub reason: Option<String>,
    pub decided_by: Option<UserId>,
    pub decided_at: Option<NaiveDateTime>,
}

impl ChangeRequest {
    /// The requested identifier as shown: the credit code, or the masked ID number.
    pub fn display_identifier(&self) -> String {
        self.identifier_masked
            .clone()
            .unwrap_or_else(|| crate::domain::identifier::display_identifier(&self.identifier))
    }

    /// The requested identifier in the form `parties` stores it.
    pub fn stored_identifier(&self) -> StoredIdentifier {
        StoredIdentifier {
            identifier: self.identifier.clone(),
            masked: self.identifier_masked.clone(),
            sealed: self.identifier_sealed.clone(),
            kind: self.identifier_type,
        }
    }
}

/// Stores a request.
pub fn insert(conn: &mut DbConnection, request: &ChangeRequest) -> QueryResult<()> {
    diesel::insert_into(party_change_requests::table)
        .values(request)
        .execute(conn)
        .map(drop)
}

/// The party's pending request, if any.
pub fn pending_of(
    conn: &mut DbConnection,
    party_id: &PartyId,
) -> QueryResult<Option<ChangeRequest>> {
    party_change_requests::table
        .filter(party_change_requests::party_id.eq(party_id))
        .filter(party_change_requests::status.eq(ChangeStatus::Pending))
        .select(ChangeRequest::as_select())
        .first(conn)
        .optional()
}

/// The party's latest request of any status, if any.
pub fn latest_of(
    conn: &mut DbConnection,
    party_id: &PartyId,
) -> QueryResult<Option<ChangeRequest>> {
    party_change_requests::table
        .filter(party_change_requests::party_id.eq(party_id))
        .order((
            party_change_requests::created_at.desc(),
            party_change_requests::id.desc(),
        ))
        .select(ChangeRequest::as_select())
        .first(conn)
        .optional()
}

/// Moves the party's pending request to `to`, with the reason and who decided; the request
/// moved, or `None` when none was pending (decided meanwhile by someone else).
pub fn decide_pending(
    conn: &mut DbConnection,
    party_id: &PartyId,
    to: ChangeStatus,
    reason: Option<&str>,
    by: &UserId,
    at: NaiveDateTime,
) -> QueryResult<Option<ChangeRequest>> {
    let Some(pending) = pending_of(conn, party_id)? else {
        return Ok(None);
    };
    let moved = diesel::update(
        party_change_requests::table
            .find(&pending.id)
            .filter(party_change_requests::status.eq(ChangeStatus::Pending)),
    )
    .set((
        party_change_requests::status.eq(to),
        party_change_requests::reason.eq(reason),
        party_change_requests::decided_by.eq(by),
        party_change_requests::decided_at.eq(at),
    ))
    .execute(conn)?;
    Ok((moved == 1).then_some(pending))
}

/// The ids and names of the pending requests of one station's parties (every station:
/// `None`), oldest first.
pub fn pending_in_scope(
    conn: &mut DbConnection,
    station_id: Option<&crate::domain::StationId>,
) -> QueryResult<Vec<(PartyId, String, String)>> {
    let mut query = party_change_requests::table
        .inner_join(parties::table)
        .filter(party_change_requests::status.eq(ChangeStatus::Pending))
        .order(party_change_requests::created_at)
        .select((
            parties::id,
            parties::legal_name,
            party_change_requests::legal_name,
        ))
        .into_boxed();
    if let Some(station_id) = station_id {
        query = query.filter(parties::station_id.eq(station_id.to_owned()));
    }
    query.load(conn)
}
