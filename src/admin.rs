//! What the portal's administrators see and do: station addresses, the audit log and the mail
//! queue.

pub use crate::db::models::audit_log::AuditEntry;
pub use crate::db::models::outbox::OutboxRow;

use crate::db::models::{audit_log, outbox, stations};
use crate::db::DbConnection;
use crate::domain::StationId;
use crate::error::AppError;
use chrono::NaiveDate;

/// The audit log filtered by action and day, newest first.
pub fn audit(
    conn: &mut DbConnection,
    action: Option<&str>,
    day: Option<NaiveDate>,
) -> Result<Vec<AuditEntry>, AppError> {
    Ok(audit_log::list_filtered(conn, action, day, 200)?)
}

/// Sets the address a station is emailed at; false when there is no such station.
pub fn set_station_email(
    conn: &mut DbConnection,
    id: &StationId,
    email: &str,
) -> Result<bool, AppError> {
    crate::db::write(conn, |conn| Ok(stations::set_email(conn, id, email)?))
}

/// The emails that failed, and those waiting or being sent.
pub fn mail_queue(conn: &mut DbConnection) -> Result<(Vec<OutboxRow>, Vec<OutboxRow>), AppError> {
    Ok((
        outbox::list_by_status(conn, &[outbox::FAILED], 200)?,
        outbox::list_by_status(conn, &[outbox::PENDING, outbox::SENDING], 200)?,
    ))
}

/// Requeues the failed email `id`; false when there is none.
pub fn retry_mail(conn: &mut DbConnection, id: &str) -> Result<bool, AppError> {
    crate::db::write(conn, |conn| Ok(outbox::requeue_failed(conn, Some(id))? > 0))
}

/// How many emails wait, and how many failed (for the metrics).
pub fn mail_counts(conn: &mut DbConnection) -> Result<(i64, i64), AppError> {
    Ok((
        outbox::count_by_status(conn, outbox::PENDING)?,
        outbox::count_by_status(conn, outbox::FAILED)?,
    ))
}
