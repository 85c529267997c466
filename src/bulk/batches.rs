//! What the bulk pages read of a party's batches, and the claim that starts issuing one.

pub use crate::db::models::bulk::{Batch, BatchRow};

use crate::db::models::attestations::Attestation;
use crate::db::models::bulk;
use crate::db::DbConnection;
use crate::domain::{BatchId, PartyId};
use crate::error::AppError;
use chrono::Duration;

/// The proofs issued from a batch, each with its line in the file.
pub type Issued = Vec<(i32, Attestation)>;

/// The party's batch `id` (another party's is 404).
pub fn batch(conn: &mut DbConnection, party_id: &PartyId, id: &BatchId) -> Result<Batch, AppError> {
    Ok(bulk::find(conn, party_id, id)?)
}

/// The party's batches, newest first.
pub fn batches(conn: &mut DbConnection, party_id: &PartyId) -> Result<Vec<Batch>, AppError> {
    Ok(bulk::list_for_party(conn, party_id)?)
}

/// How many rows of the batch can be issued and how many cannot, and the first `shown` of
/// those in error.
pub fn summary(
    conn: &mut DbConnection,
    id: &BatchId,
    shown: i64,
) -> Result<((i64, i64), Vec<BatchRow>), AppError> {
    Ok((
        bulk::counts(conn, id)?,
        bulk::rows_in_error(conn, id, shown)?,
    ))
}

/// The proofs issued from the batch, with their lines, in file order.
pub fn issued(conn: &mut DbConnection, id: &BatchId) -> Result<Issued, AppError> {
    Ok(bulk::issued(conn, id)?)
}

/// The proofs issued from the batch and every row in error (the results file).
pub fn results(conn: &mut DbConnection, id: &BatchId) -> Result<(Issued, Vec<BatchRow>), AppError> {
    Ok((
        bulk::issued(conn, id)?,
        bulk::rows_in_error(conn, id, i64::MAX)?,
    ))
}

/// Row `line` of the batch `id` (404 when there is none).
pub fn row(conn: &mut DbConnection, id: &BatchId, line: i32) -> Result<BatchRow, AppError> {
    Ok(bulk::find_row(conn, id, line)?)
}

/// Takes the lease on the batch to issue it; false when another instance holds it or it is
/// done.
pub fn claim(conn: &mut DbConnection, id: &BatchId) -> Result<bool, AppError> {
    let now = crate::db::now();
    crate::db::write(conn, |conn| {
        Ok(bulk::claim(
            conn,
            id,
            now,
            now + Duration::seconds(super::LEASE_SECS),
        )?)
    })
}
