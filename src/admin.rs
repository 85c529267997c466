//! What the portal's administrators see and do: stations, staff, the audit log and the mail
//! queue.

pub use crate::db::models::audit_log::AuditEntry;
pub use crate::db::models::outbox::OutboxRow;
pub use crate::db::models::stations::Station;
pub use crate::db::models::users::User;

use crate::db::models::{audit_log, outbox, stations, users};
use crate::db::DbConnection;
use crate::domain::StationId;
use crate::error::AppError;
use chrono::NaiveDate;

/// The admin home: every station, every staff account, and the audit log as filtered.
pub struct Overview {
    pub stations: Vec<Station>,
    pub staff: Vec<User>,
    pub audit: Vec<AuditEntry>,
}

/// The admin home, the audit log filtered by action and day.
pub fn overview(
    conn: &mut DbConnection,
    action: Option<&str>,
    day: Option<NaiveDate>,
) -> Result<Overview, AppError> {
    Ok(Overview {
        stations: stations::list_all(conn)?,
        staff: users::list_staff(conn)?,
        audit: audit_log::list_filtered(conn, action, day, 200)?,
    })
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
