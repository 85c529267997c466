//! The record of every verification: when, how, the answer, and who asked.

use crate::db::schema::verifications;
use crate::db::DbConnection;
use crate::domain::{AttestationId, StationId, UserId};
use diesel::prelude::*;

/// A verification row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = verifications)]
pub struct Verification {
    pub id: String,
    pub at: chrono::NaiveDateTime,
    pub attestation_id: Option<AttestationId>,
    /// `token` or `code`.
    pub method: String,
    pub result: String,
    pub user_id: Option<UserId>,
    pub client_ip: Option<String>,
    /// The station the checked proof is addressed to (for its dashboard), when known.
    pub station_id: Option<StationId>,
}

/// Records a verification.
pub fn insert(conn: &mut DbConnection, row: &Verification) -> QueryResult<()> {
    diesel::insert_into(verifications::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// Whether the verification `id` is recorded.
pub fn exists(conn: &mut DbConnection, id: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(verifications::table.find(id))).get_result(conn)
}

/// Inserts many rows in one statement (up to 4,000: the bind-parameter limits).
pub fn insert_many(conn: &mut DbConnection, rows: &[Verification]) -> QueryResult<usize> {
    let query = diesel::insert_into(verifications::table).values(rows);
    match conn {
        DbConnection::Sqlite(c) => query.execute(c),
        DbConnection::Postgres(c) => query.execute(c),
    }
}

/// The verifications of one attestation, newest first.
pub fn list_for_attestation(
    conn: &mut DbConnection,
    id: &AttestationId,
) -> QueryResult<Vec<Verification>> {
    verifications::table
        .filter(verifications::attestation_id.eq(id))
        .order(verifications::at.desc())
        .select(Verification::as_select())
        .load(conn)
}
