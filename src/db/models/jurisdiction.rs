//! What a station sees of its jurisdiction: attestations, counts, parties, verifications.
//! Every query takes the station's id as its scope (`None`: every station, for admins).

use crate::db::models::attestation_list::AttestationWithParty;
use crate::db::models::attestations::Attestation;
use crate::db::models::parties::Party;
use crate::db::models::verifications::Verification;
use crate::db::schema::{attestation_uses, attestations, parties, users, verifications};
use crate::db::DbConnection;
use crate::domain::AttestationStatus;
use crate::domain::{AttestationId, PartyId, StationId, UserId};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

/// The attestation `id` if it is in the scope.
pub fn find_attestation(
    conn: &mut DbConnection,
    scope: Option<&StationId>,
    id: &AttestationId,
) -> QueryResult<AttestationWithParty> {
    let mut query = attestations::table
        .inner_join(parties::table)
        .filter(attestations::id.eq(id.to_owned()))
        .select((Attestation::as_select(), parties::legal_name))
        .into_boxed();
    if let Some(scope) = scope {
        query = query.filter(attestations::station_id.eq(scope.to_owned()));
    }
    query.first(conn)
}

pub use super::daily_counts::Counts;

/// The jurisdiction's counts since `since` (a China-time midnight), from the per-day counts.
pub fn counts_since(
    conn: &mut DbConnection,
    scope: Option<&StationId>,
    since: NaiveDateTime,
) -> QueryResult<Counts> {
    super::daily_counts::since(conn, scope, crate::domain::china_time::local(since).date())
}

/// Flags an attestation of the scope as suspect; false when it was revoked or already so.
pub fn mark_suspect(
    conn: &mut DbConnection,
    scope: Option<&StationId>,
    id: &AttestationId,
    by: &UserId,
    reason: &str,
) -> QueryResult<bool> {
    let mut query = diesel::update(attestations::table)
        .filter(attestations::id.eq(id.to_owned()))
        .filter(attestations::status.eq(AttestationStatus::Active))
        .into_boxed();
    if let Some(scope) = scope {
        query = query.filter(attestations::station_id.eq(scope.to_owned()));
    }
    let at = crate::db::now();
    let flagged = query
        .set((
            attestations::status.eq(AttestationStatus::Suspect),
            attestations::suspect_at.eq(at),
            attestations::suspect_by.eq(by),
            attestations::suspect_reason.eq(reason),
        ))
        .execute(conn)?
        == 1;
    if flagged {
        let suspect = Counts {
            suspect: 1,
            ..Counts::default()
        };
        super::daily_counts::status_changed(conn, id, at, suspect, -1)?;
    }
    Ok(flagged)
}

/// Ends the suspicion on an attestation of the scope: cleared (active again, the flag
/// removed) or confirmed (revoked by the station with `reason`). False when it was not
/// suspect.
pub fn resolve_suspect(
    conn: &mut DbConnection,
    scope: Option<&StationId>,
    id: &AttestationId,
    by: &UserId,
    reason: &str,
    confirmed: bool,
) -> QueryResult<bool> {
    let mut query = diesel::update(attestations::table)
        .filter(attestations::id.eq(id.to_owned()))
        .filter(attestations::status.eq(AttestationStatus::Suspect))
        .into_boxed();
    if let Some(scope) = scope {
        query = query.filter(attestations::station_id.eq(scope.to_owned()));
    }
    let flagged_at: Option<NaiveDateTime> = attestations::table
        .find(id)
        .select(attestations::suspect_at)
        .first(conn)
        .optional()?
        .flatten();
    let at = crate::db::now();
    let (changed, (day_at, event, in_force)) = if confirmed {
        let changed = query
            .set((
                attestations::status.eq(AttestationStatus::Revoked),
                attestations::revoked_at.eq(at),
                attestations::revoked_by.eq(by),
                attestations::revoke_reason.eq(reason),
            ))
            .execute(conn)?;
        let revoked = Counts {
            revoked: 1,
            ..Counts::default()
        };
        (changed, (at, revoked, 0))
    } else {
        let changed = query
            .set((
                attestations::status.eq(AttestationStatus::Active),
                attestations::suspect_at.eq(None::<chrono::NaiveDateTime>),
                attestations::suspect_by.eq(None::<UserId>),
                attestations::suspect_reason.eq(None::<String>),
            ))
            .execute(conn)?;
        // Clearing takes the flag back from the day it was set; the proof is in force again.
        let taken_back = Counts {
            suspect: -1,
            ..Counts::default()
        };
        (changed, (flagged_at.unwrap_or(at), taken_back, 1))
    };
    if changed == 1 {
        super::daily_counts::status_changed(conn, id, day_at, event, in_force)?;
    }
    Ok(changed == 1)
}

/// A recorded use of an attestation for an application.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = attestation_uses)]
pub struct AttestationUse {
    pub id: String,
    pub attestation_id: AttestationId,
    pub application_no: String,
    pub recorded_by: UserId,
    pub recorded_at: NaiveDateTime,
}

/// Records a use.
pub fn insert_use(conn: &mut DbConnection, row: &AttestationUse) -> QueryResult<()> {
    diesel::insert_into(attestation_uses::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// The uses of an attestation, newest first.
pub fn uses_of(
    conn: &mut DbConnection,
    attestation_id: &AttestationId,
) -> QueryResult<Vec<AttestationUse>> {
    attestation_uses::table
        .filter(attestation_uses::attestation_id.eq(attestation_id))
        .order(attestation_uses::recorded_at.desc())
        .select(AttestationUse::as_select())
        .load(conn)
}

/// The parties of the scope with how many attestations each issued.
pub fn directory(
    conn: &mut DbConnection,
    scope: Option<&StationId>,
) -> QueryResult<Vec<(Party, i64)>> {
    let mut query = parties::table
        .select(Party::as_select())
        .order((parties::status, parties::legal_name))
        .into_boxed();
    if let Some(scope) = scope {
        query = query.filter(parties::station_id.eq(scope.clone()));
    }
    let list = query.load(conn)?;
    let ids: Vec<PartyId> = list.iter().map(|p| p.id.clone()).collect();
    let counts: Vec<(PartyId, i64)> = attestations::table
        .filter(attestations::party_id.eq_any(&ids))
        .group_by(attestations::party_id)
        .select((attestations::party_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(list
        .into_iter()
        .map(|p| {
            let n = counts
                .iter()
                .find(|(id, _)| *id == p.id)
                .map_or(0, |(_, n)| *n);
            (p, n)
        })
        .collect())
}

/// A line of the verification log: the verification, the officer's email, and what was
/// checked (subject name, masked ID, code) when known.
pub type LogLine = (Verification, String, Option<(String, String, String)>);

/// The verifications made by the staff of the scope, newest first.
pub fn verification_log(
    conn: &mut DbConnection,
    scope: Option<&StationId>,
    day: Option<NaiveDate>,
    limit: i64,
) -> QueryResult<Vec<LogLine>> {
    let mut query = verifications::table
        .inner_join(users::table)
        .left_join(attestations::table)
        .select((
            Verification::as_select(),
            users::email,
            (
                attestations::subject_name,
                attestations::subject_id_masked,
                attestations::code,
            )
                .nullable(),
        ))
        .order(verifications::at.desc())
        .limit(limit)
        .into_boxed();
    if let Some(scope) = scope {
        query = query.filter(users::station_id.eq(scope.to_owned()));
    }
    if let Some(day) = day {
        let start = crate::domain::china_time::day_start(day);
        query = query
            .filter(verifications::at.ge(start))
            .filter(verifications::at.lt(start + chrono::Duration::days(1)));
    }
    query.load(conn)
}

/// The ten parties of the scope with the most proofs issued since `since`, with their count.
pub fn top_parties_since(
    conn: &mut DbConnection,
    scope: Option<&StationId>,
    since: NaiveDateTime,
) -> QueryResult<Vec<(String, i64)>> {
    let mut query = attestations::table
        .inner_join(parties::table)
        .filter(attestations::issued_at.ge(since))
        .group_by((parties::id, parties::legal_name))
        .select((parties::legal_name, diesel::dsl::count_star()))
        .order((diesel::dsl::count_star().desc(), parties::legal_name))
        .limit(10)
        .into_boxed();
    if let Some(scope) = scope {
        query = query.filter(attestations::station_id.eq(scope.to_owned()));
    }
    query.load(conn)
}

/// When the party's proofs were issued, ended and verified since `since`.
pub fn party_activity_since(
    conn: &mut DbConnection,
    party: &PartyId,
    since: NaiveDateTime,
) -> QueryResult<[Vec<NaiveDateTime>; 3]> {
    let issued = attestations::table
        .filter(attestations::party_id.eq(party))
        .filter(attestations::issued_at.ge(since))
        .select(attestations::issued_at)
        .load(conn)?;
    let ended = attestations::table
        .filter(attestations::party_id.eq(party))
        .filter(attestations::revoked_at.ge(since))
        .select(attestations::revoked_at.assume_not_null())
        .load(conn)?;
    let verified = verifications::table
        .inner_join(attestations::table)
        .filter(attestations::party_id.eq(party))
        .filter(verifications::at.ge(since))
        .select(verifications::at)
        .load(conn)?;
    Ok([issued, ended, verified])
}
