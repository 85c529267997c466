//! The applicant's side: request links a party hands out, the requests applicants make
//! through them (the party's queue: accept into a proof, or reject with a reason), and the
//! holder's page of each proof with an applicant email (`holders`).

pub mod holders;
mod links;

pub use links::{change_link, create_link, link, links, open_link, LinkChange, LinkView, NoLink};

use crate::db::models::audit_log::{self, Action, AuditEntry};
use crate::db::models::requests::{self, OPEN};
pub use crate::db::models::requests::{ApplicantRequest, RequestLink};
use crate::db::{new_id, DbConnection};
use crate::domain::applicant::{LinkClosed, NewRequest, REQUEST_DAYS};
use crate::domain::attestation::SubjectId;
use crate::domain::facts_form::FactsForm;
use crate::domain::fields::{FieldErrors, Limit, Text};
use crate::domain::{IdNumber, PartyId, UserId, VerificationCode};
use crate::error::AppError;
use crate::issuing::Party;
use crate::mail::notify;
use crate::secrets::Secrets;
use chrono::NaiveDateTime;

/// Purpose of the seal of a request's full ID number.
const REQUEST_ID: &str = "request_id_number";

/// Stores `new`, asked through `link` of `party`, and emails the applicant its reference;
/// the link's use is counted in the same transaction (a link used up meanwhile refuses).
pub fn submit(
    conn: &mut DbConnection,
    secrets: &Secrets,
    link: &RequestLink,
    party: &Party,
    new: &NewRequest,
    now: NaiveDateTime,
) -> Result<Result<ApplicantRequest, NoLink>, AppError> {
    let facts = serde_json::to_string(&new.facts.0).map_err(anyhow::Error::from)?;
    let code = VerificationCode::generate();
    let request = ApplicantRequest {
        id: new_id(),
        reference: format!("SQ-{}", &code.display()[..9]),
        link_id: link.id.clone(),
        party_id: party.id.clone(),
        kind: link.kind,
        subject_name: new.subject_name.clone(),
        subject_id_masked: new.subject_id.masked(),
        subject_id_hmac: secrets.id_number_hash(&new.subject_id),
        subject_id_sealed: Some(secrets.seal(REQUEST_ID, new.subject_id.expose())),
        email: new.email.clone(),
        phone: new.phone.clone(),
        facts,
        created_at: now,
        state: OPEN.to_owned(),
        decided_at: None,
        decided_by: None,
        reject_reason: None,
        attestation_id: None,
    };
    crate::db::write(conn, |conn| {
        if !requests::use_link(conn, &link.id)? {
            return Ok(Err(NoLink::Closed(LinkClosed::UsedUp)));
        }
        requests::insert(conn, &request)?;
        audit_log::insert(
            conn,
            &AuditEntry::new::<str>(Action::RequestReceived, None, Some(&request.id))
                .detail(request.kind.as_str()),
        )?;
        notify::request_received(conn, party, &request)?;
        Ok::<_, AppError>(Ok(request.clone()))
    })
}

/// The party's open requests, newest first.
pub fn queue(
    conn: &mut DbConnection,
    party_id: &PartyId,
    limit: i64,
) -> Result<Vec<ApplicantRequest>, AppError> {
    Ok(requests::of_party(conn, party_id, OPEN, limit)?)
}

/// How many requests wait for the party.
pub fn waiting(conn: &mut DbConnection, party_id: &PartyId) -> Result<i64, AppError> {
    Ok(requests::count_open(conn, party_id)?)
}

/// The party's open request `id` with its person (the full ID number unsealed, never
/// shown): 404 for another party's or a decided one.
pub fn open_request(
    conn: &mut DbConnection,
    secrets: &Secrets,
    party_id: &PartyId,
    id: &str,
) -> Result<(ApplicantRequest, (String, SubjectId)), AppError> {
    let request = requests::of_party_by_id(conn, party_id, id)?;
    if request.state != OPEN {
        return Err(AppError::NotFound);
    }
    let number = request
        .subject_id_sealed
        .as_deref()
        .and_then(|sealed| secrets.open(REQUEST_ID, sealed))
        .and_then(|n| IdNumber::parse(&n).ok())
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("request {id} cannot be unsealed")))?;
    let subject = (request.subject_name.clone(), SubjectId::Typed(number));
    Ok((request, subject))
}

/// The facts of `request` as the issuing form takes them.
pub fn facts_of(request: &ApplicantRequest) -> FactsForm {
    serde_json::from_str(&request.facts).unwrap_or_default()
}

/// Marks `request` accepted as proof `attestation` by its issuer, inside the caller's
/// transaction (the issuance's); 409 when it was decided meanwhile.
pub fn mark_accepted(
    conn: &mut DbConnection,
    request: &ApplicantRequest,
    attestation: &crate::issuing::Attestation,
) -> Result<(), AppError> {
    let (user_id, now) = (&attestation.issued_by, attestation.issued_at);
    let outcome = (Some(&attestation.id), None);
    if !requests::decide(conn, &request.id, requests::ACCEPTED, user_id, now, outcome)? {
        return Err(AppError::Conflict);
    }
    audit_log::insert(
        conn,
        &AuditEntry::new(Action::RequestAccepted, Some(user_id), Some(&request.id))
            .detail(attestation.id.as_str()),
    )?;
    Ok(())
}

/// Rejects the party's open request `id` for `reason` (required); the applicant is
/// emailed it. The form's errors when the reason is missing or too long.
pub fn reject(
    conn: &mut DbConnection,
    party: &Party,
    id: &str,
    user_id: &UserId,
    reason: &str,
    now: NaiveDateTime,
) -> Result<Result<(), FieldErrors>, AppError> {
    let mut errors = FieldErrors::default();
    let Some(reason) = errors.check("reason", Text::required(reason, Limit::Chars200)) else {
        return Ok(Err(errors));
    };
    let request = requests::of_party_by_id(conn, &party.id, id)?;
    crate::db::write(conn, |conn| {
        let outcome = (None, Some(reason.as_str()));
        if !requests::decide(conn, id, requests::REJECTED, user_id, now, outcome)? {
            return Err(AppError::Conflict);
        }
        audit_log::insert(
            conn,
            &AuditEntry::new(Action::RequestRejected, Some(user_id), Some(id)),
        )?;
        notify::request_rejected(conn, party, &request, &reason)?;
        Ok(())
    })?;
    Ok(Ok(()))
}

/// Deletes every request made more than `REQUEST_DAYS` before `now` (an open one has
/// expired; a decided one is no longer needed); returns how many. On SQLite the write-ahead
/// log is then emptied, so the deleted rows (zeroed: `secure_delete`) are gone from the
/// files too.
pub fn delete_expired(conn: &mut DbConnection, now: NaiveDateTime) -> Result<usize, AppError> {
    let before = now - chrono::Duration::days(REQUEST_DAYS);
    let deleted = crate::db::write(conn, |conn| {
        Ok::<_, AppError>(requests::delete_made_before(conn, before)?)
    })?;
    if deleted > 0 {
        if let DbConnection::Sqlite(c) = conn {
            use diesel::connection::SimpleConnection;
            // Readers may hold the log for a moment: the next purge empties it then.
            let _ = c.batch_execute("PRAGMA wal_checkpoint(TRUNCATE)");
        }
    }
    Ok(deleted)
}
