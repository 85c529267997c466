//! Applications at a station's desk and the proofs scanned into them.

use crate::db::models::attestations::Attestation;
use crate::db::schema::{application_proofs, applications, attestations, parties, users};
use crate::db::DbConnection;
use crate::domain::article9::{ApplicationKind, DeskChecks};
use crate::domain::{ApplicationId, AttestationId, PartyKind, StationId, UserId};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// An application row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = applications)]
pub struct Application {
    pub id: ApplicationId,
    pub station_id: StationId,
    pub application_no: String,
    pub kind: ApplicationKind,
    pub subject_id_masked: String,
    pub subject_id_hmac: String,
    /// The number of the officer who accepted it (警号), printed on the notice.
    pub officer_no: String,
    pub identity_card_seen: bool,
    pub photograph_taken: bool,
    pub form_signed: bool,
    pub accepted_by: UserId,
    pub accepted_at: NaiveDateTime,
    pub closed_at: Option<NaiveDateTime>,
    pub closed_by: Option<UserId>,
}

impl Application {
    /// What the officer ticked.
    pub fn checks(&self) -> DeskChecks {
        DeskChecks {
            identity_card_seen: self.identity_card_seen,
            photograph_taken: self.photograph_taken,
            form_signed: self.form_signed,
        }
    }
}

/// A proof scanned into an application.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = application_proofs)]
pub struct ApplicationProof {
    pub application_id: ApplicationId,
    pub attestation_id: AttestationId,
    pub added_by: UserId,
    pub added_at: NaiveDateTime,
}

/// Stores an application.
pub fn insert(conn: &mut DbConnection, row: &Application) -> QueryResult<()> {
    diesel::insert_into(applications::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// Whether the station already has an application of that number.
pub fn number_taken(conn: &mut DbConnection, station: &StationId, no: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        applications::table
            .filter(applications::station_id.eq(station))
            .filter(applications::application_no.eq(no)),
    ))
    .get_result(conn)
}

/// The officer number `user` gave last, to prefill the next application.
pub fn last_officer_no(conn: &mut DbConnection, user: &UserId) -> QueryResult<Option<String>> {
    applications::table
        .filter(applications::accepted_by.eq(user))
        .order(applications::accepted_at.desc())
        .select(applications::officer_no)
        .first(conn)
        .optional()
}

/// The application `id` if it is in the scope (`None`: every station).
pub fn find_in_scope(
    conn: &mut DbConnection,
    scope: Option<&StationId>,
    id: &ApplicationId,
) -> QueryResult<Application> {
    let mut query = applications::table
        .find(id.to_owned())
        .select(Application::as_select())
        .into_boxed();
    if let Some(scope) = scope {
        query = query.filter(applications::station_id.eq(scope.to_owned()));
    }
    query.first(conn)
}

/// The scope's applications accepted within `from..to`, newest first (at most 500), with
/// the email of the officer who accepted each.
pub fn list(
    conn: &mut DbConnection,
    scope: Option<&StationId>,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<(Application, String)>> {
    let mut query = applications::table
        .inner_join(users::table.on(users::id.eq(applications::accepted_by)))
        .filter(applications::accepted_at.ge(from))
        .filter(applications::accepted_at.lt(to))
        .order(applications::accepted_at.desc())
        .limit(500)
        .select((Application::as_select(), users::email))
        .into_boxed();
    if let Some(scope) = scope {
        query = query.filter(applications::station_id.eq(scope.to_owned()));
    }
    query.load(conn)
}

/// Stores what the officer ticked.
pub fn set_checks(
    conn: &mut DbConnection,
    id: &ApplicationId,
    checks: DeskChecks,
) -> QueryResult<()> {
    diesel::update(applications::table.find(id))
        .set((
            applications::identity_card_seen.eq(checks.identity_card_seen),
            applications::photograph_taken.eq(checks.photograph_taken),
            applications::form_signed.eq(checks.form_signed),
        ))
        .execute(conn)
        .map(drop)
}

/// Closes an open application (the permit was issued or endorsed); false when it was
/// closed already.
pub fn close(
    conn: &mut DbConnection,
    id: &ApplicationId,
    by: &UserId,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        applications::table
            .find(id)
            .filter(applications::closed_at.is_null()),
    )
    .set((
        applications::closed_at.eq(at),
        applications::closed_by.eq(by),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// Adds a proof to an application; false when it was there already.
pub fn add_proof(conn: &mut DbConnection, row: &ApplicationProof) -> QueryResult<bool> {
    let there: bool = diesel::select(diesel::dsl::exists(
        application_proofs::table
            .filter(application_proofs::application_id.eq(&row.application_id))
            .filter(application_proofs::attestation_id.eq(&row.attestation_id)),
    ))
    .get_result(conn)?;
    if there {
        return Ok(false);
    }
    diesel::insert_into(application_proofs::table)
        .values(row)
        .execute(conn)
        .map(|n| n == 1)
}

/// The proofs of an application in the order they were scanned, with their issuer's kind
/// and name.
pub fn proofs_of(
    conn: &mut DbConnection,
    id: &ApplicationId,
) -> QueryResult<Vec<(Attestation, PartyKind, String)>> {
    application_proofs::table
        .inner_join(attestations::table.inner_join(parties::table))
        .filter(application_proofs::application_id.eq(id))
        .order(application_proofs::added_at)
        .select((Attestation::as_select(), parties::kind, parties::legal_name))
        .load(conn)
}

/// The open applications that hold proof `id`.
pub fn open_holding(conn: &mut DbConnection, id: &AttestationId) -> QueryResult<Vec<Application>> {
    applications::table
        .inner_join(application_proofs::table)
        .filter(application_proofs::attestation_id.eq(id))
        .filter(applications::closed_at.is_null())
        .select(Application::as_select())
        .load(conn)
}
