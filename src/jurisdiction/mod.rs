//! What station staff do in their jurisdiction: its parties, proofs, verifications and
//! settings. Every function takes the station's id as its scope (`None`: every station, for
//! admins); routes call these and never the tables.

mod decisions;
pub mod desk;

pub use decisions::{decide, decide_change, Decision};
pub use desk::{check_id_number, desk_view, mark_suspect, record_use, resolve_suspect, DeskView};

pub use crate::db::models::attestation_list::{AttestationWithParty, ListFilter, StationFilter};
pub use crate::db::models::jurisdiction::{Counts, LogLine};
pub use crate::db::models::parties::{Party, PartyWithStation};
pub use crate::db::models::stations::Station;

use crate::db::models::audit_log::{self, Action, AuditEntry};
pub use crate::db::models::change_requests::ChangeRequest;
use crate::db::models::{
    attestation_list, change_requests, daily_counts, jurisdiction, parties, stations, users,
};
use crate::db::DbConnection;
use crate::domain::PartyStatus;
use crate::domain::{ListStatus, ProofStatus};
use crate::domain::{PartyId, StationId, UserId};
use crate::error::AppError;
use chrono::{Duration, NaiveDateTime};

/// A party of the jurisdiction with the email of its first user and its pending change
/// request.
pub fn party_in_scope(
    conn: &mut DbConnection,
    scope: Option<&StationId>,
    id: &PartyId,
) -> Result<(PartyWithStation, String, Option<ChangeRequest>), AppError> {
    let found = parties::find_in_scope(conn, id, scope)?;
    let email = users::first_of_party(conn, id)?
        .map(|u| u.email)
        .unwrap_or_default();
    Ok((found, email, change_requests::pending_of(conn, id)?))
}

/// Every party of the jurisdiction with its number of proofs.
pub fn directory(
    conn: &mut DbConnection,
    scope: Option<&StationId>,
) -> Result<Vec<(Party, i64)>, AppError> {
    Ok(jurisdiction::directory(conn, scope)?)
}

/// The latest verifications of the jurisdiction's proofs.
pub fn verification_log(
    conn: &mut DbConnection,
    scope: Option<&StationId>,
    limit: i64,
) -> Result<Vec<LogLine>, AppError> {
    Ok(jurisdiction::verification_log(conn, scope, None, limit)?)
}

/// The station's home: today's and the week's counts, and the parties waiting.
pub struct Dashboard {
    pub today: Counts,
    pub week: Counts,
    pub pending: Vec<PartyWithStation>,
    /// Parties asking to change their identity: id, name now, name asked.
    pub changes: Vec<(PartyId, String, String)>,
    /// Proofs of the jurisdiction expiring and expired on `today`.
    pub ending: Vec<(ListStatus, i64)>,
    /// The counts of each day of the chart (several rows a day for every station).
    pub per_day: Vec<(chrono::NaiveDate, Counts)>,
    /// When applications were accepted, and one-time notices given, in the chart's days.
    pub accepted: Vec<NaiveDateTime>,
    pub notices: Vec<NaiveDateTime>,
    /// The ten parties with the most proofs this month.
    pub top_parties: Vec<(String, i64)>,
    /// Open applications whose proofs changed, not yet acknowledged.
    pub alerted: Vec<(crate::applications::Application, crate::applications::Alert)>,
}

/// The dashboard of the day that starts at `midnight` (China time), its chart from the
/// day `first`.
pub fn dashboard(
    conn: &mut DbConnection,
    scope: Option<&StationId>,
    midnight: NaiveDateTime,
    first: chrono::NaiveDate,
) -> Result<Dashboard, AppError> {
    use chrono::Datelike;
    let today = crate::domain::china_time::local(midnight).date();
    let chart_start = crate::domain::china_time::day_start(first);
    let month_start = crate::domain::china_time::day_start(today.with_day(1).unwrap_or(today));
    let (accepted, notices) = crate::applications::desk_times_since(conn, scope, chart_start)?;
    // Expiring is a bounded range of proofs; expired ones add up from the per-day counts.
    let expiring = [ListStatus::Is(ProofStatus::Expiring)];
    let mut ending = attestation_list::count_by_status(conn, None, scope, &expiring, today)?;
    let expired = daily_counts::expired_before(conn, scope, today)?;
    ending.push((ListStatus::Is(ProofStatus::Expired), expired));
    Ok(Dashboard {
        ending,
        today: jurisdiction::counts_since(conn, scope, midnight)?,
        week: jurisdiction::counts_since(conn, scope, midnight - Duration::days(6))?,
        pending: parties::list_by_status(conn, scope, PartyStatus::Pending, 200)?,
        changes: change_requests::pending_in_scope(conn, scope)?,
        per_day: daily_counts::per_day(conn, scope, first)?,
        accepted,
        notices,
        top_parties: jurisdiction::top_parties_since(conn, scope, month_start)?,
        alerted: crate::applications::alerted(conn, scope)?,
    })
}

/// Records in the audit log that `user_id` searched by a full ID number (under its masked
/// form): done on the primary before the results are read.
pub fn audit_id_search(
    conn: &mut DbConnection,
    user_id: &UserId,
    id_masked: &str,
) -> Result<(), AppError> {
    let entry = AuditEntry::new(Action::IdNumberSearched, Some(user_id), Some(id_masked));
    Ok(crate::db::write(conn, |conn| {
        audit_log::insert(conn, &entry)
    })?)
}

/// A page of the jurisdiction's proofs and its parties (for the filter), by reading only
/// (a standby will do; a search by a full ID number is audited first: `audit_id_search`).
pub fn search(
    conn: &mut DbConnection,
    scope: Option<&StationId>,
    filter: &StationFilter,
    limit: i64,
) -> Result<(Vec<AttestationWithParty>, Vec<Party>), AppError> {
    let items = attestation_list::list_attestations(conn, scope, filter, limit)?;
    let parties = jurisdiction::directory(conn, scope)?
        .into_iter()
        .map(|(p, _)| p)
        .collect();
    Ok((items, parties))
}

/// The station `id`.
pub fn station(conn: &mut DbConnection, id: &StationId) -> Result<Station, AppError> {
    Ok(stations::find_by_id(conn, id)?)
}

/// Sets how the station is emailed: each proof at once, or a digest at `hour`.
pub fn set_notify_mode(
    conn: &mut DbConnection,
    id: &StationId,
    mode: &str,
    hour: i32,
) -> Result<(), AppError> {
    crate::db::write(conn, |conn| {
        Ok(stations::set_notify_mode(conn, id, mode, hour)?)
    })
}
