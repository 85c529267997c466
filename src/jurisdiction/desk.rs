//! At the desk: one proof of the jurisdiction and its checks — the ID number on the card,
//! "suspect" (Article 18; the issuer is emailed), and the application it was used for. Each
//! is audited.

pub use crate::db::models::attestations::Attestation;
pub use crate::db::models::jurisdiction::AttestationUse;
pub use crate::db::models::verifications::Verification;

use crate::applications::ProofEvent;
use crate::db::models::audit_log::{self, Action, AuditEntry};
use crate::db::models::{jurisdiction, parties, users, verifications};
use crate::db::DbConnection;
use crate::domain::IdNumber;
use crate::domain::{AttestationId, StationId, UserId};
use crate::error::AppError;
use crate::mail::notify::DeskDecision;
use crate::secrets::Secrets;

/// A proof with its issuer's name, its uses and its verifications.
pub struct DeskView {
    pub a: Attestation,
    pub party_name: String,
    pub uses: Vec<AttestationUse>,
    pub history: Vec<Verification>,
}

/// The proof `id` if it is in the scope (else 404).
pub fn desk_view(
    conn: &mut DbConnection,
    scope: Option<&StationId>,
    id: &AttestationId,
) -> Result<DeskView, AppError> {
    let (a, party_name) = jurisdiction::find_attestation(conn, scope, id)?;
    Ok(DeskView {
        a,
        party_name,
        uses: jurisdiction::uses_of(conn, id)?,
        history: verifications::list_for_attestation(conn, id)?,
    })
}

/// Whether `number` is the proof's subject's, recorded as a verification by ID card and
/// audited (the number itself is never stored).
pub fn check_id_number(
    conn: &mut DbConnection,
    secrets: &Secrets,
    a: &Attestation,
    number: &IdNumber,
    user_id: &UserId,
    client_ip: Option<String>,
) -> Result<bool, AppError> {
    let matches = secrets.id_number_hash(number) == a.subject_id_hmac;
    let result = if matches { "match" } else { "no_match" };
    crate::db::write(conn, |conn| {
        verifications::insert(
            conn,
            &Verification {
                id: crate::db::new_id(),
                at: crate::db::now(),
                attestation_id: Some(a.id.clone()),
                method: verifications::ID_CARD.into(),
                result: result.into(),
                user_id: Some(user_id.to_owned()),
                client_ip,
                station_id: Some(a.station_id.clone()),
            },
        )?;
        audit_log::insert(
            conn,
            &AuditEntry::new(Action::IdNumberChecked, Some(user_id), Some(&a.id)).detail(result),
        )?;
        Ok(matches)
    })
}

/// Flags the proof `id` as suspect (409 when it is not active), audits it and emails the
/// issuer.
pub fn mark_suspect(
    conn: &mut DbConnection,
    portal: &str,
    scope: Option<&StationId>,
    id: &AttestationId,
    user_id: &UserId,
    reason: &str,
) -> Result<(), AppError> {
    crate::db::write(conn, |conn| {
        let (a, _) = jurisdiction::find_attestation(conn, scope, id)?;
        if !jurisdiction::mark_suspect(conn, scope, id, user_id, reason)? {
            return Err(AppError::Conflict);
        }
        audit_log::insert(
            conn,
            &AuditEntry::new(Action::AttestationSuspect, Some(user_id), Some(id)).detail(reason),
        )?;
        crate::applications::proof_changed(conn, portal, id, ProofEvent::Suspect)?;
        tell_issuer(conn, portal, DeskDecision::Suspect, &a, reason)
    })
}

/// Ends the suspicion on the proof `id`: cleared (in force again) or, when `confirmed`,
/// revoked by the station on the issuer's behalf (409 when it is not suspect). Audited;
/// the issuer is emailed the decision and its reason.
pub fn resolve_suspect(
    conn: &mut DbConnection,
    portal: &str,
    scope: Option<&StationId>,
    id: &AttestationId,
    user_id: &UserId,
    reason: &str,
    confirmed: bool,
) -> Result<(), AppError> {
    let (decision, action) = if confirmed {
        (
            DeskDecision::RevokedByStation,
            Action::AttestationRevokedByStation,
        )
    } else {
        (
            DeskDecision::SuspectCleared,
            Action::AttestationSuspectCleared,
        )
    };
    crate::db::write(conn, |conn| {
        if !jurisdiction::resolve_suspect(conn, scope, id, user_id, reason, confirmed)? {
            return Err(AppError::Conflict);
        }
        let (a, _) = jurisdiction::find_attestation(conn, scope, id)?;
        audit_log::insert(
            conn,
            &AuditEntry::new(action, Some(user_id), Some(id)).detail(reason),
        )?;
        if confirmed {
            crate::applications::proof_changed(conn, portal, id, ProofEvent::Ended)?;
        }
        tell_issuer(conn, portal, decision, &a, reason)
    })
}

/// Emails the issuer of `a` the station's `decision`.
fn tell_issuer(
    conn: &mut DbConnection,
    portal: &str,
    decision: DeskDecision,
    a: &Attestation,
    reason: &str,
) -> Result<(), AppError> {
    let party = parties::find_by_id(conn, &a.party_id)?;
    if let Some(to) = users::first_of_party(conn, &party.id)? {
        crate::mail::notify::desk_decision(conn, portal, decision, &to.email, &party, a, reason)?;
    }
    Ok(())
}

/// Records that the proof `id` was used for the application `application_no`.
pub fn record_use(
    conn: &mut DbConnection,
    scope: Option<&StationId>,
    id: &AttestationId,
    user_id: &UserId,
    application_no: &str,
) -> Result<(), AppError> {
    crate::db::write(conn, |conn| {
        jurisdiction::find_attestation(conn, scope, id)?;
        jurisdiction::insert_use(
            conn,
            &AttestationUse {
                id: crate::db::new_id(),
                attestation_id: id.to_owned(),
                application_no: application_no.to_owned(),
                recorded_by: user_id.to_owned(),
                recorded_at: crate::db::now(),
            },
        )?;
        audit_log::insert(
            conn,
            &AuditEntry::new(Action::AttestationUsed, Some(user_id), Some(id))
                .detail(application_no),
        )?;
        Ok(())
    })
}
