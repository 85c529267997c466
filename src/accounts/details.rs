//! A party's details after registration: an owner changes its address and contact at once
//! (audited; the station is emailed what changed), and asks its station to change its legal
//! name, kind or identifier (the old ones stay in force until the station approves).

use crate::db::models::audit_log::{self, Action, AuditEntry};
pub use crate::db::models::change_requests::ChangeRequest;
use crate::db::models::{change_requests, parties, stations};
use crate::db::DbConnection;
use crate::domain::fields::FieldErrors;
use crate::domain::party::{ChangeStatus, Contact, ContactForm, IdentityForm};
use crate::domain::{PartyId, UserId};
use crate::error::AppError;
use crate::secrets::Secrets;
use chrono::NaiveDateTime;

/// The party's address and contact as stored.
pub fn contact_of(party: &super::Party) -> Contact {
    Contact {
        address: party.address.clone(),
        contact_name: party.contact_name.clone(),
        contact_phone: party.contact_phone.clone(),
    }
}

/// Changes the address and contact of `party_id` to `form` by `by`; the errors beside the
/// fields when one is not acceptable. Unchanged, nothing is written or sent.
pub fn change_contact(
    conn: &mut DbConnection,
    portal: &str,
    party_id: &PartyId,
    by: &UserId,
    form: &ContactForm,
) -> Result<Result<(), FieldErrors>, AppError> {
    let mut errors = FieldErrors::default();
    let Some(new) = form.validate(&mut errors) else {
        return Ok(Err(errors));
    };
    crate::db::write(conn, |conn| {
        let party = parties::find_by_id(conn, party_id)?;
        let old = contact_of(&party);
        if old == new {
            return Ok(Ok(()));
        }
        parties::set_contact(conn, party_id, &new)?;
        let changed: Vec<&str> = [
            ("address", old.address != new.address),
            ("contact_name", old.contact_name != new.contact_name),
            ("contact_phone", old.contact_phone != new.contact_phone),
        ]
        .into_iter()
        .filter_map(|(field, changed)| changed.then_some(field))
        .collect();
        audit_log::insert(
            conn,
            &AuditEntry::new(Action::PartyDetailsChanged, Some(by), Some(party_id))
                .detail(&changed.join(",")),
        )?;
        let station = stations::find_by_id(conn, &party.station_id)?;
        crate::mail::notify::party_contact_changed(conn, portal, &station, &party, &old, &new)?;
        Ok(Ok(()))
    })
}

/// The party's identity as typed on the request form, from the party as stored (an
/// individual's number is not shown again: it must be typed).
pub fn identity_form_of(party: &super::Party) -> IdentityForm {
    IdentityForm {
        kind: party.kind.as_str().to_owned(),
        legal_name: party.legal_name.clone(),
        identifier_type: party
            .identifier_type
            .map(|t| t.as_str().to_owned())
            .unwrap_or_default(),
        identifier: match party.identifier_masked {
            Some(_) => String::new(),
            None => party.identifier.clone(),
        },
    }
}

/// The party's latest change request, if it ever made one.
pub fn latest_change(
    conn: &mut DbConnection,
    party_id: &PartyId,
) -> Result<Option<ChangeRequest>, AppError> {
    Ok(change_requests::latest_of(conn, party_id)?)
}

/// Asks `party_id`'s station to change its kind, legal name and identifier to `form`; a
/// pending request is withdrawn by the new one. The errors beside the fields when one is not
/// acceptable, when nothing would change, or when the identifier is another party's.
pub fn request_change(
    conn: &mut DbConnection,
    portal: &str,
    secrets: &Secrets,
    party_id: &PartyId,
    by: &UserId,
    form: &IdentityForm,
    now: NaiveDateTime,
) -> Result<Result<(), FieldErrors>, AppError> {
    let mut errors = FieldErrors::default();
    let Some(identity) = form.validate(&mut errors) else {
        return Ok(Err(errors));
    };
    let stored = crate::identifiers::stored(secrets, &identity.identifier);
    crate::db::write(conn, |conn| {
        let party = parties::find_by_identifier(conn, &stored.identifier)?;
        let current = parties::find_by_id(conn, party_id)?;
        match party {
            Some(other) if &other != party_id => {
                errors.add("identifier", "error.change.identifier_taken");
                return Ok(Err(errors));
            }
            Some(_)
                if current.kind == identity.kind && current.legal_name == identity.legal_name =>
            {
                errors.add("legal_name", "error.change.nothing");
                return Ok(Err(errors));
            }
            _ => {}
        }
        change_requests::decide_pending(conn, party_id, ChangeStatus::Withdrawn, None, by, now)?;
        let request = ChangeRequest {
            id: crate::db::new_id(),
            party_id: party_id.clone(),
            kind: identity.kind,
            legal_name: identity.legal_name.clone(),
            identifier: stored.identifier.clone(),
            identifier_masked: stored.masked.clone(),
            identifier_sealed: stored.sealed.clone(),
            identifier_type: stored.kind,
            requested_by: by.clone(),
            created_at: now,
            status: ChangeStatus::Pending,
            reason: None,
            decided_by: None,
            decided_at: None,
        };
        change_requests::insert(conn, &request)?;
        audit_log::insert(
            conn,
            &AuditEntry::new(Action::PartyChangeRequested, Some(by), Some(party_id))
                .detail(&request.id),
        )?;
        let station = stations::find_by_id(conn, &current.station_id)?;
        crate::mail::notify::party_change_requested(conn, portal, &station, &current, &request)?;
        Ok(Ok(()))
    })
}
