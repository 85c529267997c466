//! The notifications of each event, written to the outbox in the caller's transaction.

mod applicants;
mod desk;
mod parties;
mod reminders;

pub use applicants::{applicant_ended, holder_checks, request_received, request_rejected};

pub use desk::{application_alert, desk_decision, notice_given, DeskDecision};
pub use parties::{
    party_change_decided, party_change_requested, party_contact_changed, party_registered,
    party_status,
};
pub use reminders::{expiring_applicant, expiry_digest};

use super::compose::{MailFact, Notification};
use crate::db::models::attestations::Attestation;
use crate::db::models::outbox::{self, OutboxRow, HELD, PENDING};
use crate::db::models::parties::Party;
use crate::db::models::stations::Station;
use crate::db::{new_id, now, DbConnection};
use crate::domain::VerificationCode;

/// Writes `notification` for `recipients`. A station in digest mode gets it in its digest.
pub fn enqueue(
    conn: &mut DbConnection,
    event: &str,
    recipients: &str,
    digest_of: Option<&Station>,
    notification: &Notification,
) -> anyhow::Result<()> {
    enqueue_with(conn, event, recipients, digest_of, notification, None)
}

/// `enqueue`, the email carrying the PDF of `attachment_of` when given.
fn enqueue_with(
    conn: &mut DbConnection,
    event: &str,
    recipients: &str,
    digest_of: Option<&Station>,
    notification: &Notification,
    attachment_of: Option<&crate::domain::AttestationId>,
) -> anyhow::Result<()> {
    let email = notification.render()?;
    let held = digest_of.filter(|s| s.notify_mode == "digest");
    let at = now();
    outbox::insert(
        conn,
        &OutboxRow {
            id: new_id(),
            created_at: at,
            event: event.to_owned(),
            station_id: held.map(|s| s.id.clone()),
            recipients: recipients.to_owned(),
            subject: email.subject,
            body_text: email.text,
            body_html: email.html,
            status: if held.is_some() { HELD } else { PENDING }.to_owned(),
            attempts: 0,
            next_attempt_at: at,
            last_error: None,
            sent_at: None,
            attachment_of: attachment_of.cloned(),
        },
    )?;
    Ok(())
}

fn title_key(row: &Attestation, party: &Party) -> &'static str {
    let kind = row.kind;
    kind.title_key(party.kind)
}

pub(super) fn attestation_facts(row: &Attestation, party: &Party) -> Vec<MailFact> {
    vec![
        MailFact::keyed("mail.fact.kind", title_key(row, party)),
        MailFact::plain(
            "mail.fact.subject",
            format!("{}（{}）", row.subject_name, row.subject_id_masked),
        ),
        MailFact::plain("mail.fact.issuer", party.legal_name.clone()),
        MailFact::plain(
            "mail.fact.code",
            VerificationCode::from_stored(row.code.clone()).display(),
        ),
        MailFact::plain(
            "mail.fact.validity",
            format!("{} – {}", row.valid_from, row.valid_until),
        ),
    ]
}

pub(super) fn about(row: &Attestation) -> String {
    format!("{}（{}）", row.subject_name, row.subject_id_masked)
}

/// An attestation was issued: its station, and the applicant when an email was given.
pub fn attestation_issued(
    conn: &mut DbConnection,
    portal: &str,
    station: &Station,
    party: &Party,
    row: &Attestation,
    holder_url: Option<&str>,
) -> anyhow::Result<()> {
    let to_station = Notification {
        headline_key: "mail.issued",
        subject_detail: about(row),
        facts: attestation_facts(row, party),
        link: Some(format!("{portal}{}", crate::paths::STATION_ATTESTATIONS)),
    };
    enqueue(
        conn,
        "attestation_issued",
        &station.email,
        Some(station),
        &to_station,
    )?;
    applicant_issued(conn, party, row, holder_url)
}

/// The applicant of `row` (when it names one) is sent the link of their page, `holder_url`,
/// with the proof's PDF; a renewal says it renews.
pub fn applicant_issued(
    conn: &mut DbConnection,
    party: &Party,
    row: &Attestation,
    holder_url: Option<&str>,
) -> anyhow::Result<()> {
    let (Some(applicant), Some(url)) = (&row.applicant_email, holder_url) else {
        return Ok(());
    };
    let mut facts = attestation_facts(row, party);
    facts.push(MailFact::plain("mail.fact.holder_page", url));
    let to_applicant = Notification {
        headline_key: if row.replaces_id.is_some() {
            "mail.renewed_applicant"
        } else {
            "mail.issued_applicant"
        },
        subject_detail: about(row),
        facts,
        link: Some(url.to_owned()),
    };
    enqueue_with(
        conn,
        HOLDER_LINK_EVENT,
        applicant,
        None,
        &to_applicant,
        Some(&row.id),
    )
}

/// The event of the email carrying a holder's link: its body is blanked once sent (the
/// link is the key to the page).
pub const HOLDER_LINK_EVENT: &str = "attestation_issued_applicant";

/// People listed by name in a batch email; the rest are counted.
const BATCH_NAMES: usize = 100;

/// What a party did to many proofs at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Batch {
    /// Issued them from a CSV file.
    Issued,
    /// Ended them from the list, for one reason.
    Ended,
    /// Renewed them from the list (each superseding the proof it renews).
    Renewed,
}

impl Batch {
    /// The outbox event and the message key of the email's headline.
    fn event_and_headline(self) -> (&'static str, &'static str) {
        match self {
            Self::Issued => ("batch_issued", "mail.batch_issued"),
            Self::Ended => ("batch_ended", "mail.batch_ended"),
            Self::Renewed => ("batch_renewed", "mail.batch_renewed"),
        }
    }
}

/// One email to `station` about the `rows` of `party` of one `batch`: their names and codes,
/// and why they ended when they did.
pub fn batch(
    conn: &mut DbConnection,
    portal: &str,
    station: &Station,
    party: &Party,
    rows: &[Attestation],
    batch: Batch,
) -> anyhow::Result<()> {
    let (event, headline_key) = batch.event_and_headline();
    let Some(first) = rows.first() else {
        return Ok(());
    };
    let mut facts = vec![
        MailFact::keyed("mail.fact.kind", title_key(first, party)),
        MailFact::plain("mail.fact.issuer", party.legal_name.clone()),
        MailFact::plain("mail.fact.count", rows.len().to_string()),
    ];
    facts.extend(ending_facts(first));
    facts.extend(rows.iter().take(BATCH_NAMES).map(|row| {
        MailFact::plain(
            "mail.fact.subject",
            format!(
                "{} · {}",
                about(row),
                VerificationCode::from_stored(row.code.clone()).display()
            ),
        )
    }));
    if rows.len() > BATCH_NAMES {
        facts.push(MailFact::plain(
            "mail.fact.more",
            (rows.len() - BATCH_NAMES).to_string(),
        ));
    }
    let n = Notification {
        headline_key,
        subject_detail: format!("{} · {}", party.legal_name, rows.len()),
        facts,
        link: Some(format!("{portal}{}", crate::paths::STATION_ATTESTATIONS)),
    };
    enqueue(conn, event, &station.email, Some(station), &n)
}

/// The notification `headline_key` about `row`, with its facts, `reason` and `link`.
pub(super) fn with_reason(
    headline_key: &'static str,
    row: &Attestation,
    party: &Party,
    reason: &str,
    link: String,
) -> Notification {
    let mut facts = attestation_facts(row, party);
    facts.push(MailFact::plain("mail.fact.reason", reason));
    Notification {
        headline_key,
        subject_detail: about(row),
        facts,
        link: Some(link),
    }
}

/// Why and since when `row` ended, as told in emails.
pub(super) fn ending_facts(row: &Attestation) -> Vec<MailFact> {
    let mut facts = Vec::new();
    if let Some(code) = row.revoke_reason_code {
        facts.push(MailFact::keyed("mail.fact.reason", &code.label_key()));
    }
    if let Some(text) = &row.revoke_reason {
        facts.push(MailFact::plain("mail.fact.reason_detail", text.clone()));
    }
    if let Some(day) = row.ended_on {
        facts.push(MailFact::plain("mail.fact.ended_on", day.to_string()));
    }
    facts
}

/// An attestation was revoked: its station, and the applicant when an email was given.
pub fn attestation_revoked(
    conn: &mut DbConnection,
    portal: &str,
    station: &Station,
    party: &Party,
    row: &Attestation,
) -> anyhow::Result<()> {
    let mut facts = attestation_facts(row, party);
    facts.extend(ending_facts(row));
    let n = Notification {
        headline_key: "mail.revoked",
        subject_detail: about(row),
        facts,
        link: Some(crate::web::paths::verify_page(portal)),
    };
    enqueue(
        conn,
        "attestation_revoked",
        &station.email,
        Some(station),
        &n,
    )?;
    applicant_ended(conn, portal, party, row)
}
