//! Renewing a proof: the person taken from the stored proof, the old one superseded when
//! the renewal is issued (`issue` does that, in its transaction).

use super::{may_issue, Attestation, Party};
use crate::db::models::attestations;
use crate::db::DbConnection;
use crate::domain::attestation::SubjectId;
use crate::domain::{AttestationId, AttestationStatus};
use crate::error::AppError;

/// The party's proof `id` if it may be renewed — stored active (in force, expiring or
/// expired) and of a kind the party may still issue — with the person a renewal is about,
/// as the proof stored them. 404 when it is not the party's, 409 when it ended, is flagged
/// or was renewed already.
pub fn renewable(
    conn: &mut DbConnection,
    party: &Party,
    id: &AttestationId,
) -> Result<(Attestation, (String, SubjectId)), AppError> {
    let old = attestations::find_for_party(conn, &party.id, id)?;
    may_issue(party, old.kind)?;
    if old.status != AttestationStatus::Active {
        return Err(AppError::Conflict);
    }
    let subject = (
        old.subject_name.clone(),
        SubjectId::Stored {
            masked: old.subject_id_masked.clone(),
            hmac: old.subject_id_hmac.clone(),
        },
    );
    Ok((old, subject))
}

/// The proof that renewed `id`, if one did.
pub fn renewal_of(
    conn: &mut DbConnection,
    id: &AttestationId,
) -> Result<Option<Attestation>, AppError> {
    Ok(attestations::renewal_of(conn, id)?)
}
