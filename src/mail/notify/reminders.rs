//! Expiry reminders: the party's daily digest and the applicant's notice.

use super::{about, attestation_facts, enqueue, BATCH_NAMES};
use crate::db::models::attestations::Attestation;
use crate::db::models::parties::Party;
use crate::db::DbConnection;
use crate::domain::{ProofStatus, VerificationCode};
use crate::mail::compose::{MailFact, Notification};
use crate::web::paths;

/// The party's digest of `rows` on `today`: those running out, then those that ended
/// yesterday, each linking to its renewal; one email to every user of the party.
pub fn expiry_digest(
    conn: &mut DbConnection,
    portal: &str,
    party: &Party,
    recipients: &[String],
    rows: &[Attestation],
    today: chrono::NaiveDate,
) -> anyhow::Result<()> {
    let mut facts: Vec<MailFact> = rows
        .iter()
        .take(BATCH_NAMES)
        .map(|row| {
            let label = if row.status_on(today) == ProofStatus::Expired {
                "mail.fact.ended_yesterday"
            } else {
                "mail.fact.ends_soon"
            };
            MailFact::linked(
                label,
                format!(
                    "{} · {} · {}",
                    about(row),
                    VerificationCode::from_stored(row.code.clone()).display(),
                    row.valid_until
                ),
                format!("{portal}{}", paths::at(paths::ATTESTATION_RENEW, &row.id)),
            )
        })
        .collect();
    if rows.len() > BATCH_NAMES {
        facts.push(MailFact::plain(
            "mail.fact.more",
            (rows.len() - BATCH_NAMES).to_string(),
        ));
    }
    facts.push(MailFact::linked(
        "mail.fact.reminder_settings",
        format!("{portal}{}", paths::PARTY_SETTINGS),
        format!("{portal}{}", paths::PARTY_SETTINGS),
    ));
    let n = Notification {
        headline_key: "mail.expiry_digest",
        subject_detail: format!("{} · {today} · {}", party.legal_name, rows.len()),
        facts,
        link: Some(format!(
            "{portal}{}?status={}",
            paths::ATTESTATIONS,
            ProofStatus::Expiring.as_str()
        )),
    };
    enqueue(conn, "expiry_digest", &recipients.join(","), None, &n)
}

/// The applicant of `row` is told that it runs out, and whom to ask for a new one.
pub fn expiring_applicant(
    conn: &mut DbConnection,
    portal: &str,
    party: &Party,
    row: &Attestation,
    applicant: &str,
) -> anyhow::Result<()> {
    let mut facts = attestation_facts(row, party);
    facts.push(MailFact::plain(
        "mail.fact.ask",
        format!(
            "{} {}（{}，{}）",
            party.contact_name, party.contact_phone, party.legal_name, party.address
        ),
    ));
    let n = Notification {
        headline_key: "mail.expiring_applicant",
        subject_detail: about(row),
        facts,
        link: Some(paths::verify_url(portal, &row.token)),
    };
    enqueue(conn, "expiring_applicant", applicant, None, &n)
}
