//! The daily expiry reminders, written by the mail worker once `REMINDER_HOUR` has come
//! (China time): to each party that wants them, one digest of its proofs that end within
//! `EXPIRING_DAYS` and of those that ended yesterday, each with its renew link; to each
//! applicant with an email, one notice when their proof enters its last `EXPIRING_DAYS`.
//!
//! Several instances may run this on one database. Each digest and each notice is claimed
//! by a conditional update in the transaction that queues it, so it is queued once.

use crate::db::models::attestations::{self, Attestation};
use crate::db::models::{parties, users};
use crate::db::DbConnection;
use crate::domain::{PartyId, PartyStatus, ProofStatus, EXPIRING_DAYS, REMINDER_HOUR};
use crate::mail::notify;
use chrono::{Duration, NaiveDate, NaiveDateTime, Timelike};
use std::collections::BTreeMap;

/// What one run queued.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Queued {
    pub digests: usize,
    pub applicant_notices: usize,
}

/// The day whose reminders are due at `now` (UTC), if `REMINDER_HOUR` has come in China.
pub fn due_day(now: NaiveDateTime) -> Option<NaiveDate> {
    let china = crate::domain::china_time::local(now);
    (china.hour() >= REMINDER_HOUR).then(|| china.date())
}

/// Queues the reminders of `today` not queued yet (by this or another instance).
pub fn write_due(
    conn: &mut DbConnection,
    portal: &str,
    today: NaiveDate,
) -> anyhow::Result<Queued> {
    let yesterday = today - Duration::days(1);
    let rows = attestations::active_ending_between(
        conn,
        yesterday,
        today + Duration::days(EXPIRING_DAYS),
    )?;
    let mut queued = Queued::default();
    let mut by_party: BTreeMap<PartyId, Vec<Attestation>> = BTreeMap::new();
    for row in rows {
        match row.status_on(today) {
            ProofStatus::Expiring | ProofStatus::Expired => {
                by_party.entry(row.party_id.clone()).or_default().push(row)
            }
            _ => {}
        }
    }
    for (party_id, rows) in by_party {
        let sent = crate::db::write(conn, |conn| {
            let party = parties::find_by_id(conn, &party_id)?;
            if party.status != PartyStatus::Approved {
                return Ok(0);
            }
            let applicants = rows
                .iter()
                .filter(|r| r.status_on(today) == ProofStatus::Expiring)
                .filter_map(|r| r.applicant_email.as_deref().map(|to| (r, to)));
            let mut notices = 0;
            for (row, to) in applicants {
                if attestations::claim_applicant_reminder(conn, &row.id, today)? {
                    notify::expiring_applicant(conn, portal, &party, row, to)?;
                    notices += 1;
                }
            }
            if party.reminders_enabled && parties::claim_reminder_day(conn, &party_id, today)? {
                let to = users::emails_of_party(conn, &party_id)?;
                notify::expiry_digest(conn, portal, &party, &to, &rows, today)?;
                queued.digests += 1;
            }
            Ok::<_, anyhow::Error>(notices)
        })?;
        queued.applicant_notices += sent;
    }
    Ok(queued)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_days_reminders_are_due_from_eight_in_china_which_is_midnight_utc() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let utc = |h: u32, m: u32| day.and_hms_opt(h, m, 0).unwrap();
        // 23:59 UTC on 30 November is 07:59 on 1 December in China: not yet.
        assert_eq!(due_day(utc(0, 0) - Duration::minutes(1)), None);
        assert_eq!(due_day(utc(0, 0)), Some(day));
        // 15:59 UTC is 23:59 in China, still 1 December; 16:00 UTC is 2 December 00:00.
        assert_eq!(due_day(utc(15, 59)), Some(day));
        assert_eq!(due_day(utc(16, 0)), None);
    }
}
