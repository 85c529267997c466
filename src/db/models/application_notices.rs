//! The one-time notices (一次性告知书) given at the desk.

use crate::db::schema::{application_notices, applications};
use crate::db::DbConnection;
use crate::domain::{ApplicationId, StationId, UserId};
use chrono::NaiveDateTime;
use diesel::prelude::*;

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
