//! Emails to applicants: their request received or rejected, their proof ended, and the
//! verifications of it they asked to hear of.

use super::{about, attestation_facts, ending_facts, enqueue};
use crate::db::models::attestations::Attestation;
use crate::db::models::holder_links::Check;
use crate::db::models::parties::Party;
use crate::db::models::requests::ApplicantRequest;
use crate::db::DbConnection;
use crate::domain::china_time;
use crate::mail::compose::{MailFact, Notification};

fn request_facts(party: &Party, request: &ApplicantRequest) -> Vec<MailFact> {
    vec![
        MailFact::plain("mail.fact.reference", request.reference.clone()),
        MailFact::keyed("mail.fact.kind", request.kind.title_key(party.kind)),
        MailFact::plain(
            "mail.fact.subject",
            format!("{}（{}）", request.subject_name, request.subject_id_masked),
        ),
        MailFact::plain("mail.fact.issuer", party.legal_name.clone()),
    ]
}

/// A request was made: the applicant gets its reference and who will decide.
pub fn request_received(
    conn: &mut DbConnection,
    party: &Party,
    request: &ApplicantRequest,
) -> anyhow::Result<()> {
    let mut facts = request_facts(party, request);
    facts.push(MailFact::keyed("mail.fact.next", "mail.request_next"));
    let n = Notification {
        headline_key: "mail.request_received",
        subject_detail: request.reference.clone(),
        facts,
        link: None,
    };
    enqueue(conn, "request_received", &request.email, None, &n)
}

/// A request was turned down: the applicant gets the party's reason.
pub fn request_rejected(
    conn: &mut DbConnection,
    party: &Party,
    request: &ApplicantRequest,
    reason: &str,
) -> anyhow::Result<()> {
    let mut facts = request_facts(party, request);
    facts.push(MailFact::plain("mail.fact.reason", reason));
    let n = Notification {
        headline_key: "mail.request_rejected",
        subject_detail: request.reference.clone(),
        facts,
        link: None,
    };
    enqueue(conn, "request_rejected", &request.email, None, &n)
}

/// A proof was ended: its applicant, when it names one, is told why and since when.
pub fn applicant_ended(
    conn: &mut DbConnection,
    portal: &str,
    party: &Party,
    row: &Attestation,
) -> anyhow::Result<()> {
    let Some(applicant) = &row.applicant_email else {
        return Ok(());
    };
    let mut facts = attestation_facts(row, party);
    facts.extend(ending_facts(row));
    let n = Notification {
        headline_key: "mail.ended_applicant",
        subject_detail: about(row),
        facts,
        link: Some(crate::web::paths::verify_page(portal)),
    };
    enqueue(conn, "attestation_revoked_applicant", applicant, None, &n)
}

/// The holder of `row` asked to hear of each verification: these `checks` (newest first).
pub fn holder_checks(
    conn: &mut DbConnection,
    to: &str,
    party: &Party,
    row: &Attestation,
    checks: &[Check],
) -> anyhow::Result<()> {
    let mut facts = attestation_facts(row, party);
    for (at, result, station) in checks {
        let zh_who = station
            .clone()
            .unwrap_or_else(|| crate::i18n::Lang::Zh.t("my.public"));
        let en_who = station
            .clone()
            .unwrap_or_else(|| crate::i18n::Lang::En.t("my.public"));
        let when = china_time::minute(*at);
        let label = format!("result.{result}");
        facts.push(MailFact {
            label_key: "mail.fact.checked",
            zh: format!("{when} · {zh_who} · {}", crate::i18n::Lang::Zh.t(&label)),
            en: format!("{when} · {en_who} · {}", crate::i18n::Lang::En.t(&label)),
            link: None,
        });
    }
    let n = Notification {
        headline_key: "mail.checked_applicant",
        subject_detail: about(row),
        facts,
        link: None,
    };
    enqueue(conn, "holder_checked", to, None, &n)
}
