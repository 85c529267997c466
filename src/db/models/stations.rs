//! Police stations (派出所).

use crate::db::schema::stations;
use crate::db::DbConnection;
use crate::domain::StationId;
use diesel::prelude::*;

/// A station row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = stations)]
pub struct Station {
    pub id: StationId,
    pub code: String,
    pub name: String,
    pub email: String,
    pub created_at: chrono::NaiveDateTime,
    /// `immediate` or `digest`.
    pub notify_mode: String,
    /// The hour (China time, 0-23) of the daily digest.
    pub digest_hour: i32,
    pub last_digest_on: Option<chrono::NaiveDate>,
    /// When an administrator disabled it: its staff cannot log in, and it is not offered at
    /// registration.
    pub disabled_at: Option<chrono::NaiveDateTime>,
}

/// Inserts a station.
pub fn insert(conn: &mut DbConnection, station: &Station) -> QueryResult<()> {
    diesel::insert_into(stations::table)
        .values(station)
        .execute(conn)
        .map(drop)
}

/// The station with `code`.
pub fn find_by_code(conn: &mut DbConnection, code: &str) -> QueryResult<Option<Station>> {
    stations::table
        .filter(stations::code.eq(code))
        .select(Station::as_select())
        .first(conn)
        .optional()
}

/// The station with `id`.
pub fn find_by_id(conn: &mut DbConnection, id: &StationId) -> QueryResult<Station> {
    stations::table
        .find(id)
        .select(Station::as_select())
        .first(conn)
}

/// Every station, by code (for the jurisdiction list of the sign-up form).
pub fn list_all(conn: &mut DbConnection) -> QueryResult<Vec<Station>> {
    stations::table
        .order(stations::code)
        .select(Station::as_select())
        .load(conn)
}

/// Disables station `id` at `at`, or enables it (`None`); false when there is no such
/// station.
pub fn set_disabled(
    conn: &mut DbConnection,
    id: &StationId,
    at: Option<chrono::NaiveDateTime>,
) -> QueryResult<bool> {
    diesel::update(stations::table.find(id))
        .set(stations::disabled_at.eq(at))
        .execute(conn)
        .map(|n| n == 1)
}

/// Sets how a station is notified.
pub fn set_notify_mode(
    conn: &mut DbConnection,
    id: &StationId,
    mode: &str,
    hour: i32,
) -> QueryResult<()> {
    diesel::update(stations::table.find(id))
        .set((
            stations::notify_mode.eq(mode),
            stations::digest_hour.eq(hour),
        ))
        .execute(conn)
        .map(drop)
}

/// Stations in digest mode whose digest is due at `hour` on `today` (not yet sent today).
pub fn digests_due(
    conn: &mut DbConnection,
    hour: i32,
    today: chrono::NaiveDate,
) -> QueryResult<Vec<Station>> {
    stations::table
        .filter(stations::notify_mode.eq("digest"))
        .filter(stations::digest_hour.le(hour))
        .filter(
            stations::last_digest_on
                .is_null()
                .or(stations::last_digest_on.lt(today)),
        )
        .select(Station::as_select())
        .load(conn)
}

/// Claims `today`'s digest of a station: true for the one caller, of every instance, that
/// moves its last digest day to `today`; false when it was claimed already.
pub fn claim_digest_day(
    conn: &mut DbConnection,
    id: &StationId,
    today: chrono::NaiveDate,
) -> QueryResult<bool> {
    diesel::update(
        stations::table.find(id).filter(
            stations::last_digest_on
                .is_null()
                .or(stations::last_digest_on.lt(today)),
        ),
    )
    .set(stations::last_digest_on.eq(today))
    .execute(conn)
    .map(|n| n == 1)
}

/// Changes a station's notification addresses; false when there is no such station.
pub fn set_email(conn: &mut DbConnection, id: &StationId, email: &str) -> QueryResult<bool> {
    diesel::update(stations::table.find(id))
        .set(stations::email.eq(email))
        .execute(conn)
        .map(|n| n == 1)
}
