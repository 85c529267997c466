//! Bulk batches and their rows.

use crate::db::models::attestations::Attestation;
use crate::db::schema::{attestations, bulk_batches, bulk_rows};
use crate::db::DbConnection;
use crate::domain::{AttestationId, BatchId, PartyId, UserId};
use crate::domain::{AttestationKind, BatchState};
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A batch.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = bulk_batches)]
pub struct Batch {
    pub id: BatchId,
    pub party_id: PartyId,
    pub kind: AttestationKind,
    pub file_name: String,
    pub encoding: String,
    pub created_by: UserId,
    pub created_at: NaiveDateTime,
    pub state: BatchState,
    pub row_count: i32,
    pub issued_count: i32,
    pub lease_until: Option<NaiveDateTime>,
    pub finished_at: Option<NaiveDateTime>,
}

/// A row of a batch as uploaded (or fixed).
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = bulk_rows)]
pub struct BatchRow {
    pub batch_id: BatchId,
    pub line: i32,
    pub subject_name: String,
    pub subject_id_hmac: Option<String>,
    /// The cells as typed, sealed; empty once the batch is done.
    pub cells: String,
    /// JSON list of the row's errors; `[]` when it can be issued.
    pub errors: String,
    pub attestation_id: Option<AttestationId>,
    /// In a renewal batch: the proof the row renews (its person is taken from there).
    pub replaces_id: Option<AttestationId>,
}

/// `encoding` of a batch renewing proofs picked from the list (no file was read).
pub const RENEWAL: &str = "renewal";

impl Batch {
    /// True for a batch renewing proofs picked from the list.
    pub fn is_renewal(&self) -> bool {
        self.encoding == RENEWAL
    }
}

/// `errors` of a row that can be issued.
pub const NO_ERRORS: &str = "[]";

/// Stores a batch and its rows.
pub fn insert(conn: &mut DbConnection, batch: &Batch, rows: &[BatchRow]) -> QueryResult<()> {
    diesel::insert_into(bulk_batches::table)
        .values(batch)
        .execute(conn)?;
    for chunk in rows.chunks(1000) {
        let query = diesel::insert_into(bulk_rows::table).values(chunk);
        match conn {
            DbConnection::Sqlite(c) => query.execute(c)?,
            DbConnection::Postgres(c) => query.execute(c)?,
        };
    }
    Ok(())
}

/// Batch `id` of `party_id`.
pub fn find(conn: &mut DbConnection, party_id: &PartyId, id: &BatchId) -> QueryResult<Batch> {
    bulk_batches::table
        .filter(bulk_batches::id.eq(id))
        .filter(bulk_batches::party_id.eq(party_id))
        .select(Batch::as_select())
        .first(conn)
}

/// The party's latest batches.
pub fn list_for_party(conn: &mut DbConnection, party_id: &PartyId) -> QueryResult<Vec<Batch>> {
    bulk_batches::table
        .filter(bulk_batches::party_id.eq(party_id))
        .order(bulk_batches::created_at.desc())
        .limit(20)
        .select(Batch::as_select())
        .load(conn)
}

/// How many rows of batch `id` can be issued, and how many cannot.
pub fn counts(conn: &mut DbConnection, id: &BatchId) -> QueryResult<(i64, i64)> {
    let valid = bulk_rows::table
        .filter(bulk_rows::batch_id.eq(id))
        .filter(bulk_rows::errors.eq(NO_ERRORS))
        .count()
        .get_result(conn)?;
    let invalid = bulk_rows::table
        .filter(bulk_rows::batch_id.eq(id))
        .filter(bulk_rows::errors.ne(NO_ERRORS))
        .count()
        .get_result(conn)?;
    Ok((valid, invalid))
}

/// The rows of batch `id` that cannot be issued, in file order (at most `limit`).
pub fn rows_in_error(
    conn: &mut DbConnection,
    id: &BatchId,
    limit: i64,
) -> QueryResult<Vec<BatchRow>> {
    bulk_rows::table
        .filter(bulk_rows::batch_id.eq(id))
        .filter(bulk_rows::errors.ne(NO_ERRORS))
        .order(bulk_rows::line)
        .limit(limit)
        .select(BatchRow::as_select())
        .load(conn)
}

/// The next `limit` rows of batch `id` that can be issued and are not yet.
pub fn rows_to_issue(
    conn: &mut DbConnection,
    id: &BatchId,
    limit: i64,
) -> QueryResult<Vec<BatchRow>> {
    bulk_rows::table
        .filter(bulk_rows::batch_id.eq(id))
        .filter(bulk_rows::errors.eq(NO_ERRORS))
        .filter(bulk_rows::attestation_id.is_null())
        .order(bulk_rows::line)
        .limit(limit)
        .select(BatchRow::as_select())
        .load(conn)
}

/// Row `line` of batch `id`.
pub fn find_row(conn: &mut DbConnection, id: &BatchId, line: i32) -> QueryResult<BatchRow> {
    bulk_rows::table
        .find((id, line))
        .select(BatchRow::as_select())
        .first(conn)
}

/// The first other row of batch `id` with the same ID number (by keyed hash).
pub fn line_with_id(
    conn: &mut DbConnection,
    id: &BatchId,
    id_hmac: &str,
    other_than: i32,
) -> QueryResult<Option<i32>> {
    bulk_rows::table
        .filter(bulk_rows::batch_id.eq(id))
        .filter(bulk_rows::subject_id_hmac.eq(id_hmac))
        .filter(bulk_rows::line.ne(other_than))
        .order(bulk_rows::line)
        .select(bulk_rows::line)
        .first(conn)
        .optional()
}

/// Replaces a row of a draft batch with its fixed version.
pub fn update_row(conn: &mut DbConnection, row: &BatchRow) -> QueryResult<usize> {
    diesel::update(bulk_rows::table.find((&row.batch_id, row.line)))
        .filter(bulk_rows::attestation_id.is_null())
        .set((
            bulk_rows::subject_name.eq(&row.subject_name),
            bulk_rows::subject_id_hmac.eq(&row.subject_id_hmac),
            bulk_rows::cells.eq(&row.cells),
            bulk_rows::errors.eq(&row.errors),
        ))
        .execute(conn)
}

/// Records that row `line` became attestation `attestation_id`.
pub fn set_issued(
    conn: &mut DbConnection,
    id: &BatchId,
    line: i32,
    attestation_id: &AttestationId,
) -> QueryResult<usize> {
    diesel::update(bulk_rows::table.find((id, line)))
        .set(bulk_rows::attestation_id.eq(attestation_id))
        .execute(conn)
}

/// Marks a row that turned invalid at issue time (a start date now in the past).
pub fn set_errors(
    conn: &mut DbConnection,
    id: &BatchId,
    line: i32,
    errors: &str,
) -> QueryResult<usize> {
    diesel::update(bulk_rows::table.find((id, line)))
        .set(bulk_rows::errors.eq(errors))
        .execute(conn)
}

/// Takes batch `id` for issuing until `lease_until`: a draft, or one whose issuer stopped
/// (lease expired). False when someone else holds it or it is done.
pub fn claim(
    conn: &mut DbConnection,
    id: &BatchId,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
) -> QueryResult<bool> {
    let taken = diesel::update(bulk_batches::table.find(id))
        .filter(
            bulk_batches::state
                .eq(BatchState::Draft)
                .or(bulk_batches::state
                    .eq(BatchState::Issuing)
                    .and(bulk_batches::lease_until.lt(now))),
        )
        .set((
            bulk_batches::state.eq(BatchState::Issuing),
            bulk_batches::lease_until.eq(lease_until),
        ))
        .execute(conn)?;
    Ok(taken == 1)
}

/// Adds `issued` to the batch's count and extends its lease.
pub fn progress(
    conn: &mut DbConnection,
    id: &BatchId,
    issued: i32,
    lease_until: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(bulk_batches::table.find(id))
        .set((
            bulk_batches::issued_count.eq(bulk_batches::issued_count + issued),
            bulk_batches::lease_until.eq(lease_until),
        ))
        .execute(conn)
}

/// Marks the batch done and forgets the cells (the full ID numbers) of its rows.
pub fn finish(conn: &mut DbConnection, id: &BatchId, at: NaiveDateTime) -> QueryResult<()> {
    diesel::update(bulk_batches::table.find(id))
        .set((
            bulk_batches::state.eq(BatchState::Done),
            bulk_batches::finished_at.eq(at),
            bulk_batches::lease_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    diesel::update(bulk_rows::table.filter(bulk_rows::batch_id.eq(id)))
        .set(bulk_rows::cells.eq(""))
        .execute(conn)?;
    Ok(())
}

/// Deletes every draft older than `before` (the sealed cells of its rows with it).
pub fn delete_stale_drafts(conn: &mut DbConnection, before: NaiveDateTime) -> QueryResult<usize> {
    let stale: Vec<String> = bulk_batches::table
        .filter(bulk_batches::state.eq(BatchState::Draft))
        .filter(bulk_batches::created_at.lt(before))
        .select(bulk_batches::id)
        .load(conn)?;
    diesel::delete(bulk_rows::table.filter(bulk_rows::batch_id.eq_any(&stale))).execute(conn)?;
    diesel::delete(bulk_batches::table.filter(bulk_batches::id.eq_any(&stale))).execute(conn)
}

/// The attestations issued from batch `id`, in file order, with their line.
pub fn issued(conn: &mut DbConnection, id: &BatchId) -> QueryResult<Vec<(i32, Attestation)>> {
    bulk_rows::table
        .inner_join(attestations::table)
        .filter(bulk_rows::batch_id.eq(id))
        .order(bulk_rows::line)
        .select((bulk_rows::line, Attestation::as_select()))
        .load(conn)
}
