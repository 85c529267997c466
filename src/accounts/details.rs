//! A party's details after registration: an owner changes its address and contact at once
//! (audited; the station is emailed what changed).

use crate::db::models::audit_log::{self, Action, AuditEntry};
use crate::db::models::{parties, stations};
use crate::db::DbConnection;
use crate::domain::fields::FieldErrors;
use crate::domain::party::{Contact, ContactForm};
use crate::domain::{PartyId, UserId};
use crate::error::AppError;

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
