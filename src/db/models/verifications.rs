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
    insert_many(conn, std::slice::from_ref(row)).map(drop)
}

/// Whether the verification `id` is recorded.
pub fn exists(conn: &mut DbConnection, id: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(verifications::table.find(id))).get_result(conn)
}

/// Inserts many rows in one statement (up to 4,000: the bind-parameter limits).
/// A verification of a proof of ours (not an ID card check at the desk) counts on its
/// station's day (`daily_counts`).
pub fn insert_many(conn: &mut DbConnection, rows: &[Verification]) -> QueryResult<usize> {
    let query = diesel::insert_into(verifications::table).values(rows);
    let inserted = match conn {
        DbConnection::Sqlite(c) => query.execute(c),
        DbConnection::Postgres(c) => query.execute(c),
    }?;
    let verified = super::daily_counts::Counts {
        verified: 1,
        ..Default::default()
    };
    let events = rows.iter().filter(|r| r.method != ID_CARD).filter_map(|r| {
        Some((
            r.station_id.as_ref()?,
            super::daily_counts::day_of(r.at),
            verified,
        ))
    });
    super::daily_counts::add_all(conn, events)?;
    Ok(inserted)
}

/// The method of an ID card check at the desk (not a verification of a proof).
pub const ID_CARD: &str = "id_card";

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
