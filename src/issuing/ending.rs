//! Ending proofs: one, from its page or the API, or many at once from the list, for a
//! reason of their kind; each audited, the station emailed (once for the lot).

use super::{first_user, Attestation, IssueError, Party};
use crate::applications::ProofEvent;
use crate::db::models::attestations;
use crate::db::models::audit_log::{self, Action, AuditEntry};
use crate::db::models::stations;
use crate::db::DbConnection;
use crate::domain::ending::{EndForm, Ending};
use crate::domain::fields::FieldErrors;
use crate::domain::{AttestationId, AttestationKind, AttestationStatus, UserId};
use crate::error::AppError;
use crate::mail::notify;

/// Revokes an active attestation of `party` with its audit row and notifications; false
/// when there was no such active attestation.
pub fn revoke(
    conn: &mut DbConnection,
    portal: &str,
    party: &Party,
    id: &AttestationId,
    user_id: &UserId,
    ending: &Ending,
) -> Result<bool, IssueError> {
    crate::db::write(conn, |conn| {
        let Some(row) = end_one(conn, portal, party, id, user_id, ending)? else {
            return Ok(false);
        };
        let station = stations::find_by_id(conn, &row.station_id)?;
        notify::attestation_revoked(conn, portal, &station, party, &row)?;
        Ok(true)
    })
}

/// Ends the party's proof `id` with its audit row (no email); none when it was not in force.
fn end_one(
    conn: &mut DbConnection,
    portal: &str,
    party: &Party,
    id: &AttestationId,
    user_id: &UserId,
    ending: &Ending,
) -> Result<Option<Attestation>, IssueError> {
    if !attestations::revoke(conn, &party.id, id, user_id, ending)? {
        return Ok(None);
    }
    audit_log::insert(
        conn,
        &AuditEntry::new(Action::AttestationRevoked, Some(user_id), Some(id))
            .detail(&ending.summary()),
    )?;
    crate::applications::proof_changed(conn, portal, id, ProofEvent::Ended)?;
    Ok(Some(attestations::find_for_party(conn, &party.id, id)?))
}

/// Ends the party's proofs `ids` for the one reason typed in `form`, on `today`, by
/// `user_id`, in one transaction with one email to the station for the lot. The form's
/// errors when it is wrong (a reason that does not suit every kind selected, a day before
/// the latest start); 404 when one is not the party's; else how many ended (those no longer
/// in force are left as they are).
pub fn end_many(
    conn: &mut DbConnection,
    portal: &str,
    party: &Party,
    ids: &[AttestationId],
    user_id: &UserId,
    form: &EndForm,
    today: chrono::NaiveDate,
) -> Result<Result<usize, FieldErrors>, AppError> {
    let mut rows = Vec::with_capacity(ids.len());
    for id in ids {
        rows.push(attestations::find_for_party(conn, &party.id, id)?);
    }
    rows.retain(|r| {
        matches!(
            r.status,
            AttestationStatus::Active | AttestationStatus::Suspect
        )
    });
    let mut errors = FieldErrors::default();
    let Some(latest_start) = rows.iter().map(|r| r.valid_from).max() else {
        errors.add("ids", "error.end.none_selected");
        return Ok(Err(errors));
    };
    let kinds: Vec<AttestationKind> = rows.iter().map(|r| r.kind).collect();
    let Some(ending) = form.validate(&kinds, latest_start, today, &mut errors) else {
        return Ok(Err(errors));
    };
    let ended = crate::db::write(conn, |conn| {
        let mut ended = Vec::new();
        for row in &rows {
            ended.extend(end_one(conn, portal, party, &row.id, user_id, &ending)?);
        }
        let station = stations::find_by_id(conn, &party.station_id)?;
        notify::batch(conn, portal, &station, party, &ended, notify::Batch::Ended)?;
        for row in &ended {
            notify::applicant_ended(conn, portal, party, row)?;
        }
        Ok::<_, IssueError>(ended.len())
    })?;
    Ok(Ok(ended))
}

/// Ends the party's attestation `id` with the reason typed in `form`, on `today`, by
/// `user_id` (through the API, `None`: recorded under the party's first user). The form's
/// errors when it is wrong; 404 when the proof is not the party's, 409 when it is no longer
/// in force; else the proof, ended.
pub fn end(
    conn: &mut DbConnection,
    portal: &str,
    party: &Party,
    id: &AttestationId,
    user_id: Option<&UserId>,
    form: &EndForm,
    today: chrono::NaiveDate,
) -> Result<Result<Attestation, FieldErrors>, AppError> {
    let row = attestations::find_for_party(conn, &party.id, id)?;
    let mut errors = FieldErrors::default();
    let Some(ending) = form.validate(&[row.kind], row.valid_from, today, &mut errors) else {
        return Ok(Err(errors));
    };
    let user = match user_id {
        Some(user) => user.clone(),
        None => first_user(conn, &party.id)?,
    };
    if !revoke(conn, portal, party, &row.id, &user, &ending)? {
        return Err(AppError::Conflict);
    }
    Ok(Ok(attestations::find_for_party(conn, &party.id, id)?))
}
