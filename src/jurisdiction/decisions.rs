//! A station's decisions on its parties: approve, reject, suspend, reinstate — each audited,
//! and the party emailed.

use crate::db::models::audit_log::{self, Action, AuditEntry};
use crate::db::models::{change_requests, parties, users};
use crate::db::DbConnection;
use crate::domain::party::ChangeStatus;
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

/// Approves (the party's kind, legal name and identifier become the requested ones) or
/// rejects with `reason` the pending change request of `party_id`, in one transaction with
/// its audit entry and the email to the party. `Ok(false)` when the requested identifier has
/// meanwhile become another party's (nothing changes; the request stays pending); nothing
/// happens when no request is pending.
pub fn decide_change(
    conn: &mut DbConnection,
    portal: &str,
    party_id: &PartyId,
    approve: bool,
    reason: Option<&str>,
    user_id: &UserId,
    now: chrono::NaiveDateTime,
) -> Result<bool, AppError> {
    let to = if approve {
        ChangeStatus::Approved
    } else {
        ChangeStatus::Rejected
    };
    crate::db::write(conn, |conn| {
        let before = parties::find_by_id(conn, party_id)?;
        let Some(pending) = change_requests::pending_of(conn, party_id)? else {
            return Ok(true);
        };
        let stored = pending.stored_identifier();
        let holder = parties::find_by_identifier(conn, &stored.identifier)?;
        if approve && holder.is_some_and(|holder| &holder != party_id) {
            return Ok(false);
        }
        let Some(mut request) =
            change_requests::decide_pending(conn, party_id, to, reason, user_id, now)?
        else {
            return Ok(true);
        };
        if approve {
            parties::set_identity(conn, party_id, request.kind, &request.legal_name, &stored)?;
        }
        request.status = to;
        request.reason = reason.map(str::to_owned);
        let action = if approve {
            Action::PartyChangeApproved
        } else {
            Action::PartyChangeRejected
        };
        let entry = AuditEntry::new(action, Some(user_id), Some(party_id));
        audit_log::insert(conn, &entry.detail(reason.unwrap_or(&request.id)))?;
        if let Some(to) = users::first_of_party(conn, party_id)? {
            crate::mail::notify::party_change_decided(conn, portal, &to.email, &before, &request)?;
        }
        Ok(true)
    })
}
