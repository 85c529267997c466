//! The holder's page of a proof: a link (`/my/{token}`, 256 random bits, only a keyed hash
//! stored) sent to the applicant email of each proof, valid until 30 days after the proof's
//! last day unless its party revokes it. It shows the proof, its documents and every
//! verification of it; its holder may ask to be emailed at each (one email an hour at most).

use crate::db::models::attestations::{self, Attestation};
use crate::db::models::audit_log::{self, Action, AuditEntry};
use crate::db::models::holder_links::{self, HolderLink};
use crate::db::models::parties::{self, Party};
use crate::db::DbConnection;
use crate::domain::applicant::HOLDER_DAYS_AFTER_END;
use crate::domain::{china_time, AttestationId, PartyId, UserId};
use crate::error::AppError;
use crate::secrets::{random_token, Secrets};
use chrono::{Duration, NaiveDateTime};

/// A verification as the holder sees it: when, the result, the station (none: the public).
pub use crate::db::models::holder_links::Check;

/// Purpose of the keyed hash of a holder's token.
const HOLDER_TOKEN: &str = "holder";
/// Verifications a holder's page lists at most.
pub const CHECKS_SHOWN: i64 = 200;

/// A holder link to store with its proof, and the URL that is emailed (once).
#[derive(Debug, Clone)]
pub struct NewHolder {
    pub link: HolderLink,
    pub url: String,
}

/// The holder link of `row` if it names an applicant email, made at `now`.
pub fn new_holder(
    secrets: &Secrets,
    portal: &str,
    row: &Attestation,
    now: NaiveDateTime,
) -> Option<NewHolder> {
    let email = row.applicant_email.clone()?;
    let token = random_token();
    let last_day = row.valid_until + Duration::days(HOLDER_DAYS_AFTER_END + 1);
    Some(NewHolder {
        link: HolderLink {
            id: crate::db::new_id(),
            attestation_id: row.id.clone(),
            token_hash: secrets.keyed_hash(HOLDER_TOKEN, &token),
            email,
            created_at: now,
            expires_at: china_time::day_start(last_day),
            revoked_at: None,
            notify_verifications: false,
            seen_until: now,
            last_mailed_at: None,
        },
        url: format!("{portal}{}", crate::paths::at(crate::paths::MY, &token)),
    })
}

/// What the holder's page shows.
pub struct Holding {
    pub link: HolderLink,
    pub proof: Attestation,
    pub party: Party,
    /// Newest first.
    pub checks: Vec<Check>,
}

fn link_of(
    conn: &mut DbConnection,
    secrets: &Secrets,
    token: &str,
    now: NaiveDateTime,
) -> Result<HolderLink, AppError> {
    holder_links::find_open(conn, &secrets.keyed_hash(HOLDER_TOKEN, token), now)?
        .ok_or(AppError::NotFound)
}

/// The holding of `token` at `now`; 404 when the link is unknown, revoked or run out.
pub fn holding(
    conn: &mut DbConnection,
    secrets: &Secrets,
    token: &str,
    now: NaiveDateTime,
) -> Result<Holding, AppError> {
    let link = link_of(conn, secrets, token, now)?;
    let proof = attestations::find_by_id(conn, &link.attestation_id)?.ok_or(AppError::NotFound)?;
    let party = parties::find_by_id(conn, &proof.party_id)?;
    let checks = holder_links::checks_of(conn, &proof.id, None, CHECKS_SHOWN)?;
    Ok(Holding {
        link,
        proof,
        party,
        checks,
    })
}

/// Turns the holder's verification emails on or off.
pub fn set_notify(
    conn: &mut DbConnection,
    secrets: &Secrets,
    token: &str,
    on: bool,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let link = link_of(conn, secrets, token, now)?;
    crate::db::write(conn, |conn| {
        Ok::<_, AppError>(holder_links::set_notify(conn, &link.id, on, now)?)
    })
}

/// Whether the party's proof `id` has a holder link that opens.
pub fn has_link(conn: &mut DbConnection, id: &AttestationId) -> Result<bool, AppError> {
    Ok(!holder_links::of_attestation(conn, id)?.is_empty())
}

/// Revokes the holder links of the party's proof `id` (404 for another party's), audited.
pub fn revoke(
    conn: &mut DbConnection,
    party_id: &PartyId,
    id: &AttestationId,
    user_id: &UserId,
    now: NaiveDateTime,
) -> Result<usize, AppError> {
    attestations::find_for_party(conn, party_id, id)?;
    crate::db::write(conn, |conn| {
        let n = holder_links::revoke_for(conn, id, now)?;
        audit_log::insert(
            conn,
            &AuditEntry::new(Action::HolderLinkRevoked, Some(user_id), Some(id.as_ref())),
        )?;
        Ok(n)
    })
}

/// Emails each holder who asked for it the verifications not yet told, at most once an
/// hour per proof; with several instances each is claimed by a conditional update in the
/// transaction that queues it. Returns how many were emailed.
pub fn tell_checks(conn: &mut DbConnection, now: NaiveDateTime) -> Result<usize, AppError> {
    let mut told = 0;
    for link in holder_links::due_for_notice(conn, now)? {
        let checks =
            holder_links::checks_of(conn, &link.attestation_id, Some(link.seen_until), 50)?;
        let Some((newest, _, _)) = checks.first().cloned() else {
            continue;
        };
        let Some(proof) = attestations::find_by_id(conn, &link.attestation_id)? else {
            continue;
        };
        let party = parties::find_by_id(conn, &proof.party_id)?;
        told += crate::db::write(conn, |conn| {
            if !holder_links::mark_told(conn, &link, newest, now)? {
                return Ok::<_, AppError>(0);
            }
            crate::mail::notify::holder_checks(conn, &link.email, &party, &proof, &checks)?;
            Ok(1)
        })?;
    }
    Ok(told)
}
