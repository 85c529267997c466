//! Issuing, ending and renewing attestations: one transaction writes the attestation, its
//! token and its audit row. Shared by the browser pages and the JSON API.

mod counts;
mod ending;
mod renewal;

pub use counts::{activity_since, status_counts};
pub use ending::{end, end_many, revoke};
pub use renewal::{renewable, renewal_of};

pub use crate::db::models::attestation_list::ListFilter;
pub use crate::db::models::attestations::Attestation;
pub use crate::db::models::parties::Party;
pub use crate::db::models::stations::Station;

use crate::applications::ProofEvent;
use crate::db::models::attestations;
use crate::db::models::audit_log::{self, Action, AuditEntry};
use crate::db::models::holder_links;
use crate::db::models::stations;
use crate::db::models::users;
use crate::db::{now, DbConnection};
use crate::domain::attestation::SubjectId;
use crate::domain::AttestationStatus;
use crate::domain::{AttestationId, PartyId, UserId};
use crate::domain::{AttestationKind, NewAttestation, PartyStatus, VerificationCode};
use crate::error::AppError;
use crate::mail::notify;
use crate::secrets::Secrets;
use crate::status_lists::Slot;
use crate::tokens::claims::{end_of_day, start_of_day, IssuerClaim, SubjectClaim};
use crate::tokens::{verify, Claims, KeyRing, KeyStore};

/// Who issues, and with what.
pub struct Issuer<'a> {
    pub party: &'a Party,
    /// The party's station: the token's audience, emailed of each proof.
    pub station: &'a Station,
    pub user_id: &'a UserId,
    /// The portal's public URL without the trailing slash (the `iss` claim).
    pub portal: &'a str,
    pub secrets: &'a Secrets,
    pub ring: &'a KeyRing,
}

/// Why an attestation was not issued.
#[derive(Debug, thiserror::Error)]
pub enum IssueError {
    #[error("only an approved party can issue")]
    NotApproved,
    #[error("this party cannot issue this kind of proof")]
    KindNotAllowed,
    #[error("the proof to renew is no longer in force")]
    NotRenewable,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
}

/// True when `party` may issue `kind` now.
pub fn may_issue(party: &Party, kind: AttestationKind) -> Result<(), IssueError> {
    if party.status != PartyStatus::Approved {
        return Err(IssueError::NotApproved);
    }
    let party_kind = party.kind;
    if !AttestationKind::allowed_for(party_kind).contains(&kind) {
        return Err(IssueError::KindNotAllowed);
    }
    Ok(())
}

/// What issuing takes from the running portal.
pub struct Portal<'a> {
    /// The public URL without the trailing slash.
    pub url: String,
    pub secrets: &'a Secrets,
    pub keys: &'a KeyStore,
    pub status_lists: &'a crate::status_lists::Allocator,
}

/// Prepares `new` for `party` — from the browser by `user_id`, through the API (`None`)
/// under the party's first user: the one way a single proof is issued, stored afterwards by
/// `Issuance::store` (in a group commit). Reads the station once.
pub fn prepare(
    conn: &mut DbConnection,
    portal: &Portal,
    party: &Party,
    user_id: Option<&UserId>,
    new: &NewAttestation,
) -> Result<Issuance, AppError> {
    let user_id = match user_id {
        Some(id) => id.clone(),
        None => first_user(conn, &party.id)?,
    };
    let ring = portal.keys.ring(conn)?;
    let station = stations::find_by_id(conn, &party.station_id)?;
    let issuer = Issuer {
        party,
        station: &station,
        user_id: &user_id,
        portal: &portal.url,
        secrets: portal.secrets,
        ring: &ring,
    };
    let slot = portal
        .status_lists
        .slots(conn, portal.secrets, 1, now())?
        .pop();
    Ok(Issuance::prepare(&issuer, new, slot.as_ref())?)
}

/// The user an API action is recorded under: the party's first user.
pub fn first_user(conn: &mut DbConnection, party_id: &PartyId) -> Result<UserId, AppError> {
    users::first_of_party(conn, party_id)?
        .map(|u| u.id)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("party {party_id} has no user")))
}

/// A proof signed and ready to be stored, with what storing it needs.
pub struct Issuance {
    row: Attestation,
    /// The applicant's page, when the proof names an applicant email.
    holder: Option<crate::applicants::holders::NewHolder>,
    party: Party,
    station: Station,
    portal: String,
}

impl Issuance {
    /// Checks that `by` may issue `new` and signs it, its status at `slot` (nothing is
    /// written).
    pub fn prepare(
        by: &Issuer,
        new: &NewAttestation,
        slot: Option<&Slot>,
    ) -> Result<Self, IssueError> {
        may_issue(by.party, new.kind)?;
        let row = signed_row(by, new, now(), slot)?;
        Ok(Self {
            holder: crate::applicants::holders::new_holder(
                by.secrets,
                by.portal,
                &row,
                row.issued_at,
            ),
            row,
            party: by.party.clone(),
            station: by.station.clone(),
            portal: by.portal.to_owned(),
        })
    }

    /// Stores the proof, its audit row and the station's email in one transaction (ending
    /// the proof it replaces); returns the stored row.
    pub fn store(&self, conn: &mut DbConnection) -> Result<Attestation, IssueError> {
        crate::db::write(conn, |conn| self.store_in(conn))
    }

    /// `store` inside a transaction the caller holds (the group commit's).
    pub fn store_in(&self, conn: &mut DbConnection) -> Result<Attestation, IssueError> {
        let row = &self.row;
        if let Some(old) = &row.replaces_id {
            if !attestations::supersede(conn, &self.party.id, old)? {
                return Err(IssueError::NotRenewable);
            }
        }
        attestations::insert(conn, row)?;
        audit_log::insert(
            conn,
            &AuditEntry::new(
                Action::AttestationIssued,
                Some(&row.issued_by),
                Some(&row.id),
            )
            .detail(row.kind.as_str()),
        )?;
        if let Some(old) = &row.replaces_id {
            crate::applications::proof_changed(conn, &self.portal, old, ProofEvent::Renewed)?;
        }
        if let Some(holder) = &self.holder {
            holder_links::insert_many(conn, std::slice::from_ref(&holder.link))?;
        }
        let holder_url = self.holder.as_ref().map(|h| h.url.as_str());
        notify::attestation_issued(
            conn,
            &self.portal,
            &self.station,
            &self.party,
            row,
            holder_url,
        )?;
        Ok(row.clone())
    }
}

/// The row of `new` issued at `issued_at`, its status published at `slot` (none: the
/// token names no status list), with its signed token and a fresh code; not stored
/// (`Issuance` stores one, bulk issuing and `attest dev seed` many at once).
pub fn signed_row(
    by: &Issuer,
    new: &NewAttestation,
    issued_at: chrono::NaiveDateTime,
    slot: Option<&Slot>,
) -> Result<Attestation, IssueError> {
    let party_kind = by.party.kind;
    let (kid, key) = by
        .ring
        .signer()
        .ok_or_else(|| anyhow::anyhow!("no signing key"))?;
    let id = AttestationId::generate();
    let facts = serde_json::to_value(&new.facts).map_err(anyhow::Error::from)?;
    let claims = Claims {
        iss: by.portal.to_owned(),
        jti: id.to_string(),
        iat: issued_at.and_utc().timestamp(),
        nbf: start_of_day(new.valid_from),
        exp: end_of_day(new.valid_until),
        aud: by.station.code.clone(),
        kind: new.kind,
        issuer: IssuerClaim {
            name: by.party.legal_name.clone(),
            kind: party_kind,
            identifier: by.party.display_identifier(),
        },
        subject: SubjectClaim {
            name: new.subject_name.clone(),
            id_number: new.subject_id.masked(),
        },
        valid_from: new.valid_from,
        valid_until: new.valid_until,
        responsibility_accepted: true,
        facts: facts.clone(),
        status: slot.map(|s| s.claim(by.portal)),
    };
    let token = verify::sign(&claims, kid, key).map_err(anyhow::Error::from)?;
    Ok(Attestation {
        id,
        party_id: by.party.id.clone(),
        station_id: by.party.station_id.clone(),
        kind: new.kind,
        code: VerificationCode::generate().as_str().to_owned(),
        subject_name: new.subject_name.clone(),
        subject_id_masked: new.subject_id.masked(),
        subject_id_hmac: match &new.subject_id {
            SubjectId::Typed(id) => by.secrets.id_number_hash(id),
            SubjectId::Stored { hmac, .. } => hmac.clone(),
        },
        facts: facts.to_string(),
        valid_from: new.valid_from,
        valid_until: new.valid_until,
        applicant_email: new.applicant_email.clone(),
        responsibility_accepted: true,
        issued_at,
        issued_by: by.user_id.clone(),
        kid: kid.to_owned(),
        token,
        status: AttestationStatus::Active,
        revoked_at: None,
        revoked_by: None,
        revoke_reason: None,
        suspect_at: None,
        suspect_by: None,
        suspect_reason: None,
        revoke_reason_code: None,
        ended_on: None,
        replaces_id: new.replaces.clone(),
        status_list_id: slot.map(|s| s.list_id.clone()),
        status_idx: slot.map(|s| s.idx as i32),
    })
}

/// The party's attestation `id` (another party's is 404).
pub fn attestation(
    conn: &mut DbConnection,
    party_id: &PartyId,
    id: &AttestationId,
) -> Result<Attestation, AppError> {
    Ok(attestations::find_for_party(conn, party_id, id)?)
}

/// A page of the party's attestations, newest first, `limit` at most.
pub fn attestations_of(
    conn: &mut DbConnection,
    party_id: &PartyId,
    filter: &ListFilter,
    limit: i64,
) -> Result<Vec<Attestation>, AppError> {
    Ok(crate::db::models::attestation_list::list_for_party(
        conn, party_id, filter, limit,
    )?)
}

impl From<IssueError> for AppError {
    fn from(e: IssueError) -> Self {
        match e {
            IssueError::NotApproved => AppError::Refused("error.party.not_approved"),
            IssueError::KindNotAllowed => AppError::Refused("error.party.kind_not_allowed"),
            IssueError::NotRenewable => AppError::Conflict,
            IssueError::Database(e) => e.into(),
            IssueError::Internal(e) => AppError::Internal(e),
        }
    }
}
