//! The one-time notice (一次性告知书) of what an application misses: stored with its items,
//! audited, and emailed to the applicant.

use super::{view, Notice};
use crate::db::models::audit_log::{self, Action, AuditEntry};
use crate::db::models::{application_notices, stations};
use crate::db::DbConnection;
use crate::domain::{ApplicationId, StationId, UserId};
use crate::error::AppError;
use chrono::{NaiveDate, NaiveDateTime};

/// Gives the one-time notice of what application `id` misses on `today`: stored, audited
/// and emailed to the applicant where a proof names an email. `None` when nothing is
/// missing.
pub fn give_notice(
    conn: &mut DbConnection,
    scope: Option<&StationId>,
    id: &ApplicationId,
    by: &UserId,
    (today, at): (NaiveDate, NaiveDateTime),
) -> Result<Option<Notice>, AppError> {
    crate::db::write(conn, |conn| {
        let view = view(conn, scope, id, today)?;
        let items = view.checklist.notice_items();
        if items.is_empty() {
            return Ok(None);
        }
        let notice = Notice {
            id: crate::db::new_id(),
            application_id: id.clone(),
            station_id: view.app.station_id.clone(),
            issued_at: at,
            issued_by: by.clone(),
            items: serde_json::to_string(&items).map_err(anyhow::Error::from)?,
        };
        application_notices::insert_notice(conn, &notice)?;
        audit_log::insert(
            conn,
            &AuditEntry::new(Action::ApplicationNoticeGiven, Some(by), Some(id))
                .detail(&items.len().to_string()),
        )?;
        let station = stations::find_by_id(conn, &view.app.station_id)?;
        for email in view.applicant_emails() {
            crate::mail::notify::notice_given(conn, &email, &station, &view.app, &items)?;
        }
        Ok(Some(notice))
    })
}
