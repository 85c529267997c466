//! Applications at a station's desk, the proofs scanned into them, what happened to those
//! proofs while they were open (alerts), and the one-time notices of what was missing.

use crate::db::models::attestations::Attestation;
use crate::db::schema::{
    application_alerts, application_notices, application_proofs, applications, attestations,
    parties, users,
};
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

/// A proof of an open application was ended, renewed or flagged suspect.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = application_alerts)]
pub struct Alert {
    pub id: String,
    pub application_id: ApplicationId,
    pub attestation_id: AttestationId,
    /// `ended`, `renewed` or `suspect`.
    pub event: String,
    /// Why, as its issuer or the station gave it.
    pub reason: Option<String>,
    pub at: NaiveDateTime,
    pub acknowledged_at: Option<NaiveDateTime>,
    pub acknowledged_by: Option<UserId>,
}

/// A one-time notice given to the applicant.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = application_notices)]
pub struct Notice {
    pub id: String,
    pub application_id: ApplicationId,
    pub station_id: StationId,
    pub issued_at: NaiveDateTime,
    pub issued_by: UserId,
    /// The items missing that day, as JSON.
    pub items: String,
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

/// How many proofs each of `ids` holds.
pub fn proof_counts(
    conn: &mut DbConnection,
    ids: &[ApplicationId],
) -> QueryResult<Vec<(ApplicationId, i64)>> {
    application_proofs::table
        .filter(application_proofs::application_id.eq_any(ids))
        .group_by(application_proofs::application_id)
        .select((
            application_proofs::application_id,
            diesel::dsl::count_star(),
        ))
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

/// Stores an alert.
pub fn insert_alert(conn: &mut DbConnection, row: &Alert) -> QueryResult<()> {
    diesel::insert_into(application_alerts::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// The alerts of an application, newest first.
pub fn alerts_of(conn: &mut DbConnection, id: &ApplicationId) -> QueryResult<Vec<Alert>> {
    application_alerts::table
        .filter(application_alerts::application_id.eq(id))
        .order(application_alerts::at.desc())
        .select(Alert::as_select())
        .load(conn)
}

/// Acknowledges every alert of an application; how many were waiting.
pub fn acknowledge(
    conn: &mut DbConnection,
    id: &ApplicationId,
    by: &UserId,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        application_alerts::table
            .filter(application_alerts::application_id.eq(id))
            .filter(application_alerts::acknowledged_at.is_null()),
    )
    .set((
        application_alerts::acknowledged_at.eq(at),
        application_alerts::acknowledged_by.eq(by),
    ))
    .execute(conn)
}

/// The scope's applications with alerts no officer has acknowledged, with the latest one.
pub fn alerted(
    conn: &mut DbConnection,
    scope: Option<&StationId>,
) -> QueryResult<Vec<(Application, Alert)>> {
    let mut query = applications::table
        .inner_join(application_alerts::table)
        .filter(application_alerts::acknowledged_at.is_null())
        .order(application_alerts::at.desc())
        .select((Application::as_select(), Alert::as_select()))
        .into_boxed();
    if let Some(scope) = scope {
        query = query.filter(applications::station_id.eq(scope.to_owned()));
    }
    let mut rows: Vec<(Application, Alert)> = query.load(conn)?;
    let mut seen = std::collections::HashSet::new();
    rows.retain(|(a, _)| seen.insert(a.id.clone()));
    Ok(rows)
}

/// Stores a notice.
pub fn insert_notice(conn: &mut DbConnection, row: &Notice) -> QueryResult<()> {
    diesel::insert_into(application_notices::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// The latest notice of an application.
pub fn latest_notice(conn: &mut DbConnection, id: &ApplicationId) -> QueryResult<Option<Notice>> {
    application_notices::table
        .filter(application_notices::application_id.eq(id))
        .order(application_notices::issued_at.desc())
        .select(Notice::as_select())
        .first(conn)
        .optional()
}

/// When the scope's applications were accepted, and its notices given, since `since`.
pub fn desk_times_since(
    conn: &mut DbConnection,
    scope: Option<&StationId>,
    since: NaiveDateTime,
) -> QueryResult<(Vec<NaiveDateTime>, Vec<NaiveDateTime>)> {
    let mut accepted = applications::table
        .filter(applications::accepted_at.ge(since))
        .select(applications::accepted_at)
        .into_boxed();
    let mut notices = application_notices::table
        .filter(application_notices::issued_at.ge(since))
        .select(application_notices::issued_at)
        .into_boxed();
    if let Some(scope) = scope {
        accepted = accepted.filter(applications::station_id.eq(scope.to_owned()));
        notices = notices.filter(application_notices::station_id.eq(scope.to_owned()));
    }
    Ok((accepted.load(conn)?, notices.load(conn)?))
}
