//! Issued attestations. The subject's ID number is kept only masked and as a keyed hash.

use super::daily_counts::{self, Counts};
use crate::db::schema::attestations;
use crate::db::DbConnection;
use crate::domain::ending::{EndReason, Ending};
use crate::domain::{AttestationId, PartyId, StationId, UserId};
use crate::domain::{AttestationKind, AttestationStatus, ProofStatus};
use diesel::prelude::*;

/// An attestation row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = attestations)]
pub struct Attestation {
    pub id: AttestationId,
    pub party_id: PartyId,
    pub station_id: StationId,
    pub kind: AttestationKind,
    pub code: String,
    pub subject_name: String,
    pub subject_id_masked: String,
    pub subject_id_hmac: String,
    pub facts: String,
    pub valid_from: chrono::NaiveDate,
    pub valid_until: chrono::NaiveDate,
    pub applicant_email: Option<String>,
    pub responsibility_accepted: bool,
    pub issued_at: chrono::NaiveDateTime,
    pub issued_by: UserId,
    pub kid: String,
    pub token: String,
    pub status: AttestationStatus,
    pub revoked_at: Option<chrono::NaiveDateTime>,
    pub revoked_by: Option<UserId>,
    pub revoke_reason: Option<String>,
    pub suspect_at: Option<chrono::NaiveDateTime>,
    pub suspect_by: Option<UserId>,
    pub suspect_reason: Option<String>,
    /// Why its issuer ended it (none for older revocations and a station's).
    pub revoke_reason_code: Option<EndReason>,
    /// The day it ended, which may be before the day it was revoked.
    pub ended_on: Option<chrono::NaiveDate>,
    /// The proof this one renewed.
    pub replaces_id: Option<AttestationId>,
    /// Its status list and index there (none for proofs signed before status lists).
    pub status_list_id: Option<String>,
    pub status_idx: Option<i32>,
}

impl Attestation {
    /// What the proof is on `today` (China time).
    pub fn status_on(&self, today: chrono::NaiveDate) -> ProofStatus {
        ProofStatus::of(self.status, self.valid_from, self.valid_until, today)
    }
}

/// Marks the party's proof `id` as replaced by a renewal; false when it was not active.
pub fn supersede(
    conn: &mut DbConnection,
    party_id: &PartyId,
    id: &AttestationId,
) -> QueryResult<bool> {
    let superseded = diesel::update(
        attestations::table
            .filter(attestations::id.eq(id))
            .filter(attestations::party_id.eq(party_id))
            .filter(attestations::status.eq(AttestationStatus::Active)),
    )
    .set(attestations::status.eq(AttestationStatus::Superseded))
    .execute(conn)?
        == 1;
    if superseded {
        let no_event = Counts::default();
        daily_counts::status_changed(conn, id, crate::db::now(), no_event, -1)?;
    }
    Ok(superseded)
}

/// The proofs stored active whose last day is within `first..=last`, of every party.
pub fn active_ending_between(
    conn: &mut DbConnection,
    first: chrono::NaiveDate,
    last: chrono::NaiveDate,
) -> QueryResult<Vec<Attestation>> {
    attestations::table
        .filter(attestations::status.eq(AttestationStatus::Active))
        .filter(attestations::valid_until.between(first, last))
        .order((attestations::party_id, attestations::valid_until))
        .select(Attestation::as_select())
        .load(conn)
}

/// Claims the applicant's notice that proof `id` runs out: true for the one caller, of
/// every instance, that records it on `today`; false when it was recorded already.
pub fn claim_applicant_reminder(
    conn: &mut DbConnection,
    id: &AttestationId,
    today: chrono::NaiveDate,
) -> QueryResult<bool> {
    diesel::update(
        attestations::table
            .find(id)
            .filter(attestations::applicant_reminded_on.is_null()),
    )
    .set(attestations::applicant_reminded_on.eq(today))
    .execute(conn)
    .map(|n| n == 1)
}

/// The proof that renewed `id`, if one did.
pub fn renewal_of(conn: &mut DbConnection, id: &AttestationId) -> QueryResult<Option<Attestation>> {
    attestations::table
        .filter(attestations::replaces_id.eq(id))
        .select(Attestation::as_select())
        .first(conn)
        .optional()
}

/// Inserts an attestation.
pub fn insert(conn: &mut DbConnection, row: &Attestation) -> QueryResult<()> {
    insert_many(conn, std::slice::from_ref(row)).map(drop)
}

/// Inserts many rows in one statement (up to 1,000: the bind-parameter limits).
/// Each counts as issued on its day (`daily_counts`).
pub fn insert_many(conn: &mut DbConnection, rows: &[Attestation]) -> QueryResult<usize> {
    let query = diesel::insert_into(attestations::table).values(rows);
    let inserted = match conn {
        DbConnection::Sqlite(c) => query.execute(c),
        DbConnection::Postgres(c) => query.execute(c),
    }?;
    let events = rows.iter().flat_map(|r| {
        let issued = Counts {
            issued: 1,
            ..Counts::default()
        };
        let ending = Counts {
            ending_in_force: daily_counts::in_force(r.status),
            ..Counts::default()
        };
        [
            (&r.station_id, daily_counts::day_of(r.issued_at), issued),
            (&r.station_id, r.valid_until, ending),
        ]
    });
    daily_counts::add_all(conn, events)?;
    Ok(inserted)
}

/// The attestation `id` of `party_id` (another party's is not found).
pub fn find_for_party(
    conn: &mut DbConnection,
    party_id: &PartyId,
    id: &AttestationId,
) -> QueryResult<Attestation> {
    attestations::table
        .filter(attestations::id.eq(id))
        .filter(attestations::party_id.eq(party_id))
        .select(Attestation::as_select())
        .first(conn)
}

/// The attestation `id`, whoever issued it.
pub fn find_by_id(conn: &mut DbConnection, id: &AttestationId) -> QueryResult<Option<Attestation>> {
    attestations::table
        .find(id)
        .select(Attestation::as_select())
        .first(conn)
        .optional()
}

/// The attestation with verification code `code`.
pub fn find_by_code(conn: &mut DbConnection, code: &str) -> QueryResult<Option<Attestation>> {
    attestations::table
        .filter(attestations::code.eq(code))
        .select(Attestation::as_select())
        .first(conn)
        .optional()
}

/// Revokes an active attestation of `party_id`; false when it was not active.
pub fn revoke(
    conn: &mut DbConnection,
    party_id: &PartyId,
    id: &AttestationId,
    by: &UserId,
    ending: &Ending,
) -> QueryResult<bool> {
    let before: Option<AttestationStatus> = attestations::table
        .find(id)
        .select(attestations::status)
        .first(conn)
        .optional()?;
    let at = crate::db::now();
    let revoked = diesel::update(
        attestations::table
            .filter(attestations::id.eq(id))
            .filter(attestations::party_id.eq(party_id))
            .filter(
                attestations::status
                    .eq_any([AttestationStatus::Active, AttestationStatus::Suspect]),
            ),
    )
    .set((
        attestations::status.eq(AttestationStatus::Revoked),
        attestations::revoked_at.eq(at),
        attestations::revoked_by.eq(by),
        attestations::revoke_reason.eq(ending.text.as_deref()),
        attestations::revoke_reason_code.eq(ending.reason),
        attestations::ended_on.eq(ending.ended_on),
    ))
    .execute(conn)?
        == 1;
    if let (true, Some(before)) = (revoked, before) {
        let one = Counts {
            revoked: 1,
            ..Counts::default()
        };
        daily_counts::status_changed(conn, id, at, one, -daily_counts::in_force(before))?;
    }
    Ok(revoked)
}

/// The id, party and token of every attestation of `party_ids` (for the identifier audit).
pub fn tokens_of_parties(
    conn: &mut DbConnection,
    party_ids: &[PartyId],
) -> QueryResult<Vec<(AttestationId, PartyId, String)>> {
    let mut all = Vec::new();
    // In slices: SQLite allows at most 32,766 bound values per statement.
    for ids in party_ids.chunks(10_000) {
        all.extend(
            attestations::table
                .filter(attestations::party_id.eq_any(ids))
                .select((
                    attestations::id,
                    attestations::party_id,
                    attestations::token,
                ))
                .load::<(AttestationId, PartyId, String)>(conn)?,
        );
    }
    Ok(all)
}
