//! The one list query of attestations, newest first with a keyset cursor: a party's list and
//! a station's search both read it.

use crate::db::models::attestations::Attestation;
use crate::db::schema::{attestations, parties};
use crate::db::DbConnection;
use crate::domain::{AttestationKind, ListStatus};
use crate::domain::{PartyId, StationId};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

/// What a party's list shows.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    pub kind: Option<AttestationKind>,
    /// A status on `today`.
    pub status: Option<ListStatus>,
    /// The day statuses are read on (China time).
    pub today: NaiveDate,
    /// The last day of validity on or after this day.
    pub ends_from: Option<NaiveDate>,
    /// The last day of validity on or before this day.
    pub ends_to: Option<NaiveDate>,
    /// A subject name (part of it) or a verification code.
    pub search: Option<String>,
    /// Keyset cursor: list what was issued before this (issued_at, id).
    pub before: Option<(chrono::NaiveDateTime, String)>,
}

/// A page of `party_id`'s attestations, newest first, `limit` at most.
pub fn list_for_party(
    conn: &mut DbConnection,
    party_id: &PartyId,
    filter: &ListFilter,
    limit: i64,
) -> QueryResult<Vec<Attestation>> {
    let filter = StationFilter {
        common: filter.clone(),
        party_id: Some(party_id.clone()),
        ..Default::default()
    };
    let rows = list_attestations(conn, None, &filter, limit)?;
    Ok(rows.into_iter().map(|(a, _)| a).collect())
}

/// Filters of the station's attestation list, beyond those of a party's list.
#[derive(Debug, Clone, Default)]
pub struct StationFilter {
    pub common: ListFilter,
    pub party_id: Option<PartyId>,
    /// Issued on or after this time.
    pub from: Option<NaiveDateTime>,
    /// Issued before this time.
    pub until: Option<NaiveDateTime>,
    /// Exact match on the keyed hash of a full ID number.
    pub id_hmac: Option<String>,
}

/// Narrows a boxed query of `attestations` to the proofs of `status` on `today`.
macro_rules! with_status {
    ($query:expr, $status:expr, $today:expr) => {{
        let (stored, bounds) = $status.selects($today);
        let mut query = $query.filter(attestations::status.eq_any(stored));
        if let Some(b) = bounds {
            if let Some(d) = b.from_at_most {
                query = query.filter(attestations::valid_from.le(d));
            }
            if let Some(d) = b.from_after {
                query = query.filter(attestations::valid_from.gt(d));
            }
            if let Some(d) = b.until_at_least {
                query = query.filter(attestations::valid_until.ge(d));
            }
            if let Some(d) = b.until_at_most {
                query = query.filter(attestations::valid_until.le(d));
            }
            if let Some(d) = b.until_after {
                query = query.filter(attestations::valid_until.gt(d));
            }
            if let Some(d) = b.until_before {
                query = query.filter(attestations::valid_until.lt(d));
            }
        }
        query
    }};
}

/// How many of the party's (`party_id`) or the jurisdiction's (`scope`) proofs are of each
/// of `statuses` on `today`.
pub fn count_by_status(
    conn: &mut DbConnection,
    party_id: Option<&PartyId>,
    scope: Option<&StationId>,
    statuses: &[ListStatus],
    today: NaiveDate,
) -> QueryResult<Vec<(ListStatus, i64)>> {
    statuses
        .iter()
        .map(|status| {
            let mut query = attestations::table.into_boxed();
            if let Some(party) = party_id {
                query = query.filter(attestations::party_id.eq(party.clone()));
            }
            if let Some(scope) = scope {
                query = query.filter(attestations::station_id.eq(scope.clone()));
            }
            let n = with_status!(query, status, today)
                .count()
                .get_result(conn)?;
            Ok((*status, n))
        })
        .collect()
}

/// An attestation with its issuer's name.
pub type AttestationWithParty = (Attestation, String);

/// A page of the jurisdiction's attestations, newest first.
pub fn list_attestations(
    conn: &mut DbConnection,
    scope: Option<&StationId>,
    filter: &StationFilter,
    limit: i64,
) -> QueryResult<Vec<AttestationWithParty>> {
    let mut query = attestations::table
        .inner_join(parties::table)
        .select((Attestation::as_select(), parties::legal_name))
        .order((attestations::issued_at.desc(), attestations::id.desc()))
        .limit(limit)
        .into_boxed();
    if let Some(scope) = scope {
        query = query.filter(attestations::station_id.eq(scope.to_owned()));
    }
    let f = &filter.common;
    if let Some(kind) = &f.kind {
        query = query.filter(attestations::kind.eq(*kind));
    }
    if let Some(status) = f.status {
        query = with_status!(query, status, f.today);
    }
    if let Some(d) = f.ends_from {
        query = query.filter(attestations::valid_until.ge(d));
    }
    if let Some(d) = f.ends_to {
        query = query.filter(attestations::valid_until.le(d));
    }
    if let Some(party) = &filter.party_id {
        query = query.filter(attestations::party_id.eq(party.clone()));
    }
    if let Some(from) = filter.from {
        query = query.filter(attestations::issued_at.ge(from));
    }
    if let Some(until) = filter.until {
        query = query.filter(attestations::issued_at.lt(until));
    }
    if let Some(hmac) = &filter.id_hmac {
        query = query.filter(attestations::subject_id_hmac.eq(hmac.clone()));
    } else if let Some(search) = &f.search {
        let code = crate::domain::VerificationCode::parse(search).map(|c| c.as_str().to_owned());
        let pattern = format!("%{}%", search.replace(['%', '_', '\\'], ""));
        query = match code {
            Some(code) => query.filter(
                attestations::code
                    .eq(code)
                    .or(attestations::subject_name.like(pattern)),
            ),
            None => query.filter(attestations::subject_name.like(pattern)),
        };
    }
    if let Some((at, id)) = &f.before {
        query = query.filter(
            attestations::issued_at.lt(*at).or(attestations::issued_at
                .eq(*at)
                .and(attestations::id.lt(id.clone()))),
        );
    }
    query.load(conn)
}
