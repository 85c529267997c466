//! Police stations (派出所).

use crate::db::schema::stations;
use crate::db::DbConnection;
use diesel::prelude::*;

/// A station row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = stations)]
pub struct Station {
    pub id: String,
    pub code: String,
    pub name: String,
    pub email: String,
    pub created_at: chrono::NaiveDateTime,
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
pub fn find_by_id(conn: &mut DbConnection, id: &str) -> QueryResult<Station> {
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
