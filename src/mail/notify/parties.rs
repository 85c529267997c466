//! Registrations and the station's decisions on parties.

use super::enqueue;
use crate::db::models::change_requests::ChangeRequest;
use crate::db::models::parties::Party;
use crate::db::models::stations::Station;
use crate::db::DbConnection;
use crate::mail::compose::{MailFact, Notification};

fn party_facts(party: &Party) -> Vec<MailFact> {
    vec![
        MailFact::plain("mail.fact.party", party.legal_name.clone()),
        MailFact::keyed("mail.fact.party_kind", &format!("kind.{}", party.kind)),
        MailFact::plain("mail.fact.identifier", party.display_identifier()),
    ]
}

/// A party registered: its station is asked to review it.
pub fn party_registered(
    conn: &mut DbConnection,
    portal: &str,
    station: &Station,
    party: &Party,
) -> anyhow::Result<()> {
    let n = Notification {
        headline_key: "mail.registered",
        subject_detail: party.legal_name.clone(),
        facts: party_facts(party),
        link: Some(format!(
            "{portal}{}",
            crate::paths::at(crate::paths::STATION_PARTY, &party.id)
        )),
    };
    enqueue(conn, "party_registered", &station.email, Some(station), &n)
}

/// A station decided on a party (approved, rejected, suspended, reinstated): the party is told.
pub fn party_status(
    conn: &mut DbConnection,
    portal: &str,
    party_email: &str,
    party: &Party,
    status: &str,
    reason: Option<&str>,
) -> anyhow::Result<()> {
    let mut facts = party_facts(party);
    facts.push(MailFact::keyed(
        "mail.fact.status",
        &format!("status.{status}"),
    ));
    if let Some(reason) = reason {
        facts.push(MailFact::plain("mail.fact.reason", reason));
    }
    let n = Notification {
        headline_key: "mail.party_status",
        subject_detail: party.legal_name.clone(),
        facts,
        link: Some(format!("{portal}{}", crate::paths::PARTY_HOME)),
    };
    enqueue(conn, "party_status", party_email, None, &n)
}

/// A party changed its address or contact: its station is told what changed, from what.
pub fn party_contact_changed(
    conn: &mut DbConnection,
    portal: &str,
    station: &Station,
    party: &Party,
    old: &crate::domain::party::Contact,
    new: &crate::domain::party::Contact,
) -> anyhow::Result<()> {
    let mut facts = party_facts(party);
    for (label, before, after) in [
        ("mail.fact.address", &old.address, &new.address),
        ("mail.fact.contact", &old.contact_name, &new.contact_name),
        ("mail.fact.phone", &old.contact_phone, &new.contact_phone),
    ] {
        if before != after {
            facts.push(MailFact::plain(label, format!("{before} → {after}")));
        }
    }
    let n = Notification {
        headline_key: "mail.party_contact_changed",
        subject_detail: party.legal_name.clone(),
        facts,
        link: Some(format!(
            "{portal}{}",
            crate::paths::at(crate::paths::STATION_PARTY, &party.id)
        )),
    };
    enqueue(
        conn,
        "party_contact_changed",
        &station.email,
        Some(station),
        &n,
    )
}

/// What a change request changes, old → new, for both emails about it.
fn change_facts(party: &Party, request: &ChangeRequest) -> Vec<MailFact> {
    let mut facts = vec![MailFact::plain(
        "mail.fact.party",
        format!("{} → {}", party.legal_name, request.legal_name),
    )];
    if party.kind != request.kind {
        facts.push(MailFact::keyed(
            "mail.fact.party_kind",
            &format!("kind.{}", request.kind),
        ));
    }
    facts.push(MailFact::plain(
        "mail.fact.identifier",
        format!(
            "{} → {}",
            party.display_identifier(),
            request.display_identifier()
        ),
    ));
    facts
}

/// A party asked to change its legal name, kind or identifier: its station is asked to
/// decide.
pub fn party_change_requested(
    conn: &mut DbConnection,
    portal: &str,
    station: &Station,
    party: &Party,
    request: &ChangeRequest,
) -> anyhow::Result<()> {
    let n = Notification {
        headline_key: "mail.party_change_requested",
        subject_detail: party.legal_name.clone(),
        facts: change_facts(party, request),
        link: Some(format!(
            "{portal}{}",
            crate::paths::at(crate::paths::STATION_PARTY, &party.id)
        )),
    };
    enqueue(
        conn,
        "party_change_requested",
        &station.email,
        Some(station),
        &n,
    )
}

/// The station decided a party's change request (`before` is the party as it was when
/// asked): the party is told, with the reason of a rejection.
pub fn party_change_decided(
    conn: &mut DbConnection,
    portal: &str,
    party_email: &str,
    before: &Party,
    request: &ChangeRequest,
) -> anyhow::Result<()> {
    let mut facts = change_facts(before, request);
    facts.push(MailFact::keyed(
        "mail.fact.status",
        &format!("change_status.{}", request.status.as_str()),
    ));
    if let Some(reason) = &request.reason {
        facts.push(MailFact::plain("mail.fact.reason", reason.clone()));
    }
    let n = Notification {
        headline_key: "mail.party_change_decided",
        subject_detail: request.legal_name.clone(),
        facts,
        link: Some(format!("{portal}{}", crate::paths::PARTY_DETAILS)),
    };
    enqueue(conn, "party_change_decided", party_email, None, &n)
}
