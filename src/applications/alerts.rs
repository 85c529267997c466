//! When a proof of an open application is ended, renewed or flagged suspect: an alert on
//! the application, an email to its station at once, and the officer's acknowledgement.

use super::{Alert, Application};
use crate::db::models::applications as rows;
use crate::db::models::audit_log::{self, Action, AuditEntry};
use crate::db::models::{application_alerts, parties, stations};
use crate::db::DbConnection;
use crate::domain::{ApplicationId, AttestationId, StationId, UserId, VerificationCode};
use crate::error::AppError;
use chrono::NaiveDateTime;

/// Acknowledges the alerts of application `id`.
pub fn acknowledge(
    conn: &mut DbConnection,
    scope: Option<&StationId>,
    id: &ApplicationId,
    by: &UserId,
    at: NaiveDateTime,
) -> Result<(), AppError> {
    crate::db::write(conn, |conn| {
        rows::find_in_scope(conn, scope, id)?;
        let n = application_alerts::acknowledge(conn, id, by, at)?;
        audit_log::insert(
            conn,
            &AuditEntry::new(Action::ApplicationAlertAcknowledged, Some(by), Some(id))
                .detail(&n.to_string()),
        )?;
        Ok(())
    })
}

/// The scope's applications with alerts not yet acknowledged, with the latest alert.
pub fn alerted(
    conn: &mut DbConnection,
    scope: Option<&StationId>,
) -> Result<Vec<(Application, Alert)>, AppError> {
    Ok(application_alerts::alerted(conn, scope)?)
}

/// What happened to a proof that an open application holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProofEvent {
    Ended,
    Renewed,
    Suspect,
}

impl ProofEvent {
    /// The stored value and message key stem (`application.alert.<event>`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ended => "ended",
            Self::Renewed => "renewed",
            Self::Suspect => "suspect",
        }
    }
}

/// Proof `id` was ended, renewed or flagged, in the caller's transaction: every open
/// application holding it gets an alert with the reason given (the text of the ending or
/// the flag; the renewal's code), and its station an email at once (never held for a
/// digest).
pub fn proof_changed(
    conn: &mut DbConnection,
    portal: &str,
    id: &AttestationId,
    event: ProofEvent,
) -> anyhow::Result<()> {
    let holding = rows::open_holding(conn, id)?;
    if holding.is_empty() {
        return Ok(());
    }
    let proof = crate::db::models::attestations::find_by_id(conn, id)?
        .ok_or(diesel::result::Error::NotFound)?;
    let reason = match event {
        ProofEvent::Ended => proof.revoke_reason.clone(),
        ProofEvent::Suspect => proof.suspect_reason.clone(),
        ProofEvent::Renewed => crate::db::models::attestations::renewal_of(conn, id)?
            .map(|r| VerificationCode::from_stored(r.code).display()),
    };
    let party = parties::find_by_id(conn, &proof.party_id)?;
    for app in holding {
        let alert = Alert {
            id: crate::db::new_id(),
            application_id: app.id.clone(),
            attestation_id: proof.id.clone(),
            event: event.as_str().to_owned(),
            reason: reason.clone(),
            at: crate::db::now(),
            acknowledged_at: None,
            acknowledged_by: None,
        };
        application_alerts::insert_alert(conn, &alert)?;
        let station = stations::find_by_id(conn, &app.station_id)?;
        crate::mail::notify::application_alert(
            conn, portal, &station, &app, &party, &proof, &alert,
        )?;
    }
    Ok(())
}
