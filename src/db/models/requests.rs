//! Request links and the requests applicants make through them. A link's token is kept as a
//! keyed hash (to find it) and sealed (to show its party again); a request's full ID number
//! is sealed until the request is decided.

use crate::db::schema::{applicant_requests, request_links};
use crate::db::DbConnection;
use crate::domain::{AttestationId, AttestationKind, PartyId, UserId};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

/// A request link row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = request_links)]
pub struct RequestLink {
    pub id: String,
    pub party_id: PartyId,
    pub kind: AttestationKind,
    pub label: String,
    pub token_hash: String,
    pub token_sealed: String,
    pub max_uses: Option<i32>,
    pub uses: i32,
    pub valid_until: Option<NaiveDate>,
    pub created_by: UserId,
    pub created_at: NaiveDateTime,
    pub paused_at: Option<NaiveDateTime>,
    pub deleted_at: Option<NaiveDateTime>,
}

/// An applicant's request row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = applicant_requests)]
pub struct ApplicantRequest {
    pub id: String,
    /// What the applicant is told and quotes (`SQ-7KQ2-M9XD`).
    pub reference: String,
    pub link_id: String,
    pub party_id: PartyId,
    pub kind: AttestationKind,
    pub subject_name: String,
    pub subject_id_masked: String,
    pub subject_id_hmac: String,
    /// The full number, sealed; `None` once the request is decided.
    pub subject_id_sealed: Option<String>,
    pub email: String,
    pub phone: String,
    /// The facts as typed (a JSON object of strings), corrected by the party.
    pub facts: String,
    pub created_at: NaiveDateTime,
    /// `open`, `accepted` or `rejected`.
    pub state: String,
    pub decided_at: Option<NaiveDateTime>,
    pub decided_by: Option<UserId>,
    pub reject_reason: Option<String>,
    pub attestation_id: Option<AttestationId>,
}

/// Waiting for the party.
pub const OPEN: &str = "open";
/// Issued as a proof.
pub const ACCEPTED: &str = "accepted";
/// Turned down with a reason.
pub const REJECTED: &str = "rejected";

/// Stores a link.
pub fn insert_link(conn: &mut DbConnection, link: &RequestLink) -> QueryResult<()> {
    diesel::insert_into(request_links::table)
        .values(link)
        .execute(conn)
        .map(drop)
}

/// The party's links not deleted, newest first.
pub fn links_of_party(
    conn: &mut DbConnection,
    party_id: &PartyId,
) -> QueryResult<Vec<RequestLink>> {
    request_links::table
        .filter(request_links::party_id.eq(party_id))
        .filter(request_links::deleted_at.is_null())
        .order(request_links::created_at.desc())
        .select(RequestLink::as_select())
        .load(conn)
}

/// The party's link `id` (deleted or not).
pub fn link_of_party(
    conn: &mut DbConnection,
    party_id: &PartyId,
    id: &str,
) -> QueryResult<RequestLink> {
    request_links::table
        .filter(request_links::party_id.eq(party_id))
        .filter(request_links::id.eq(id))
        .select(RequestLink::as_select())
        .first(conn)
}

/// The link of `token_hash`, whatever its state.
pub fn link_by_token(
    conn: &mut DbConnection,
    token_hash: &str,
) -> QueryResult<Option<RequestLink>> {
    request_links::table
        .filter(request_links::token_hash.eq(token_hash))
        .select(RequestLink::as_select())
        .first(conn)
        .optional()
}

/// Pauses (`Some(at)`) or resumes (`None`) the party's link `id`; false when there is none.
pub fn set_paused(
    conn: &mut DbConnection,
    party_id: &PartyId,
    id: &str,
    at: Option<NaiveDateTime>,
) -> QueryResult<bool> {
    diesel::update(
        request_links::table
            .filter(request_links::party_id.eq(party_id))
            .filter(request_links::id.eq(id))
            .filter(request_links::deleted_at.is_null()),
    )
    .set(request_links::paused_at.eq(at))
    .execute(conn)
    .map(|n| n == 1)
}

/// Deletes the party's link `id` (its token still answers, with a page saying so).
pub fn delete_link(
    conn: &mut DbConnection,
    party_id: &PartyId,
    id: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        request_links::table
            .filter(request_links::party_id.eq(party_id))
            .filter(request_links::id.eq(id))
            .filter(request_links::deleted_at.is_null()),
    )
    .set((
        request_links::deleted_at.eq(at),
        request_links::token_sealed.eq(""),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// Counts a use of link `id` if it has one left; false when it was used up meanwhile.
pub fn use_link(conn: &mut DbConnection, id: &str) -> QueryResult<bool> {
    diesel::update(
        request_links::table
            .filter(request_links::id.eq(id))
            .filter(
                request_links::max_uses
                    .is_null()
                    .or(request_links::max_uses.gt(request_links::uses.nullable())),
            ),
    )
    .set(request_links::uses.eq(request_links::uses + 1))
    .execute(conn)
    .map(|n| n == 1)
}

/// Stores a request.
pub fn insert(conn: &mut DbConnection, request: &ApplicantRequest) -> QueryResult<()> {
    diesel::insert_into(applicant_requests::table)
        .values(request)
        .execute(conn)
        .map(drop)
}

/// The party's requests in `state`, newest first, `limit` at most.
pub fn of_party(
    conn: &mut DbConnection,
    party_id: &PartyId,
    state: &str,
    limit: i64,
) -> QueryResult<Vec<ApplicantRequest>> {
    applicant_requests::table
        .filter(applicant_requests::party_id.eq(party_id))
        .filter(applicant_requests::state.eq(state))
        .order(applicant_requests::created_at.desc())
        .limit(limit)
        .select(ApplicantRequest::as_select())
        .load(conn)
}

/// How many of the party's requests are open.
pub fn count_open(conn: &mut DbConnection, party_id: &PartyId) -> QueryResult<i64> {
    applicant_requests::table
        .filter(applicant_requests::party_id.eq(party_id))
        .filter(applicant_requests::state.eq(OPEN))
        .count()
        .get_result(conn)
}

/// The party's request `id` (another party's is `NotFound`).
pub fn of_party_by_id(
    conn: &mut DbConnection,
    party_id: &PartyId,
    id: &str,
) -> QueryResult<ApplicantRequest> {
    applicant_requests::table
        .filter(applicant_requests::party_id.eq(party_id))
        .filter(applicant_requests::id.eq(id))
        .select(ApplicantRequest::as_select())
        .first(conn)
}

/// Replaces the facts of the open request `id`.
pub fn update_facts(conn: &mut DbConnection, id: &str, facts: &str) -> QueryResult<bool> {
    diesel::update(
        applicant_requests::table
            .filter(applicant_requests::id.eq(id))
            .filter(applicant_requests::state.eq(OPEN)),
    )
    .set(applicant_requests::facts.eq(facts))
    .execute(conn)
    .map(|n| n == 1)
}

/// Decides the open request `id` (accepted with its proof, or rejected with a reason) and
/// forgets its full ID number; false when it was decided meanwhile.
pub fn decide(
    conn: &mut DbConnection,
    id: &str,
    state: &str,
    by: &UserId,
    at: NaiveDateTime,
    outcome: (Option<&AttestationId>, Option<&str>),
) -> QueryResult<bool> {
    diesel::update(
        applicant_requests::table
            .filter(applicant_requests::id.eq(id))
            .filter(applicant_requests::state.eq(OPEN)),
    )
    .set((
        applicant_requests::state.eq(state),
        applicant_requests::decided_at.eq(at),
        applicant_requests::decided_by.eq(by),
        applicant_requests::subject_id_sealed.eq(None::<String>),
        applicant_requests::attestation_id.eq(outcome.0),
        applicant_requests::reject_reason.eq(outcome.1),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// Deletes every request made before `before`, decided or not; returns how many.
pub fn delete_made_before(conn: &mut DbConnection, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(applicant_requests::table.filter(applicant_requests::created_at.lt(before)))
        .execute(conn)
}
