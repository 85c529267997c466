//! A station's decisions on its parties: approve, reject, suspend, reinstate — each audited,
//! and the party emailed.

use crate::db::models::audit_log::{self, Action, AuditEntry};
use crate::db::models::{parties, users};
use crate::db::DbConnection;
use crate::domain::PartyStatus;
use crate::domain::{PartyId, UserId};
use crate::error::AppError;

/// A change of a party's status.
#[derive(Debug, Clone, Copy)]
pub struct Decision {
    pub from: PartyStatus,
    pub to: PartyStatus,
    action: Action,
    /// Whether the officer must give a reason.
    pub needs_reason: bool,
}

impl Decision {
    pub const APPROVE: Decision = Decision {
        from: PartyStatus::Pending,
        to: PartyStatus::Approved,
        action: Action::PartyApproved,
        needs_reason: false,
    };
    pub const REJECT: Decision = Decision {
        from: PartyStatus::Pending,
        to: PartyStatus::Rejected,
        action: Action::PartyRejected,
        needs_reason: true,
    };
    pub const SUSPEND: Decision = Decision {
        from: PartyStatus::Approved,
        to: PartyStatus::Suspended,
        action: Action::PartySuspended,
        needs_reason: true,
    };
    pub const REINSTATE: Decision = Decision {
        from: PartyStatus::Suspended,
        to: PartyStatus::Approved,
        action: Action::PartyReinstated,
        needs_reason: true,
    };
}

/// Applies `decision` to the party `party_id` when it is in the `from` status (else nothing),
/// in one transaction with its audit entry and the email to the party.
pub fn decide(
    conn: &mut DbConnection,
    portal: &str,
    party_id: &PartyId,
    decision: Decision,
    reason: Option<&str>,
    user_id: &UserId,
) -> Result<(), AppError> {
    crate::db::write(conn, |conn| {
        if !parties::change_status(conn, party_id, decision.from, decision.to, reason, user_id)? {
            return Ok(());
        }
        let entry = AuditEntry::new(decision.action, Some(user_id), Some(party_id));
        let entry = match reason {
            Some(r) => entry.detail(r),
            None => entry,
        };
        audit_log::insert(conn, &entry)?;
        let party = parties::find_by_id(conn, party_id)?;
        if let Some(to) = users::first_of_party(conn, party_id)? {
            crate::mail::notify::party_status(
                conn,
                portal,
                &to.email,
                &party,
                decision.to.as_str(),
                reason,
            )?;
        }
        Ok(())
    })
}
