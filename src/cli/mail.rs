//! `attest mail status`, `attest mail retry ID|--failed`.

use super::CliError;
use crate::db::models::outbox;
use crate::db::DbConnection;

/// Lists waiting and failed emails.
pub fn status(conn: &mut DbConnection) -> Result<(), CliError> {
    let rows = outbox::list_by_status(
        conn,
        &[
            outbox::PENDING,
            outbox::SENDING,
            outbox::HELD,
            outbox::FAILED,
        ],
        1000,
    )
    .map_err(anyhow::Error::from)?;
    if rows.is_empty() {
        println!("no email is waiting or failed");
    }
    for row in rows {
        println!(
            "{}  {:<8}  attempts {:<2}  {}  to {}  {}  {}",
            row.id,
            row.status,
            row.attempts,
            row.created_at.format("%Y-%m-%d %H:%M:%S"),
            row.recipients,
            row.event,
            row.last_error.unwrap_or_default()
        );
    }
    Ok(())
}

/// Requeues one failed email, or all of them.
pub fn retry(conn: &mut DbConnection, id: Option<&str>) -> Result<(), CliError> {
    let n = outbox::requeue_failed(conn, id).map_err(anyhow::Error::from)?;
    if n == 0 {
        if let Some(id) = id {
            return Err(CliError {
                message: format!("no failed email with id {id}"),
                code: 1,
            });
        }
    }
    println!("{n} email(s) requeued");
    Ok(())
}
