//! What a party's home counts: its proofs by status, and its activity per day.

use crate::db::DbConnection;
use crate::domain::{ListStatus, PartyId};
use crate::error::AppError;

/// When the party's proofs were issued, ended and verified since `since`.
pub fn activity_since(
    conn: &mut DbConnection,
    party_id: &PartyId,
    since: chrono::NaiveDateTime,
) -> Result<[Vec<chrono::NaiveDateTime>; 3], AppError> {
    Ok(crate::db::models::jurisdiction::party_activity_since(
        conn, party_id, since,
    )?)
}

/// How many of the party's proofs are of each status of the lists' filter on `today`.
pub fn status_counts(
    conn: &mut DbConnection,
    party_id: &PartyId,
    today: chrono::NaiveDate,
) -> Result<Vec<(ListStatus, i64)>, AppError> {
    Ok(crate::db::models::attestation_list::count_by_status(
        conn,
        Some(party_id),
        None,
        &ListStatus::CHOICES,
        today,
    )?)
}
