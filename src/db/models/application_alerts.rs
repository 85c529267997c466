//! What happened to the proofs of open applications (ended, renewed, flagged suspect),
//! until an officer acknowledges it.

use super::applications::Application;
use crate::db::schema::{application_alerts, applications};
use crate::db::DbConnection;
use crate::domain::{ApplicationId, AttestationId, StationId, UserId};
use chrono::NaiveDateTime;
use diesel::prelude::*;

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
