//! A station's decisions about a proof it checked, told to the issuer.

use super::{about, attestation_facts, enqueue, with_reason};
use crate::db::models::application_alerts::Alert;
use crate::db::models::applications::Application;
use crate::db::models::attestations::Attestation;
use crate::db::models::parties::Party;
use crate::db::models::stations::Station;
use crate::db::DbConnection;
use crate::documents::notice::line;
use crate::domain::article9::NoticeItem;
use crate::i18n::Lang;
use crate::mail::compose::{MailFact, Notification};

/// What a station decided about a proof of its jurisdiction, told to the issuer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeskDecision {
    /// Flagged as suspect (Article 18).
    Suspect,
    /// The flag cleared: the proof is in force again.
    SuspectCleared,
    /// The suspicion confirmed: the station revoked the proof on the issuer's behalf.
    RevokedByStation,
}

impl DeskDecision {
    /// The outbox event, and the message key of the email's headline (`mail.<event>`).
    pub fn event(self) -> &'static str {
        match self {
            Self::Suspect => "attestation_suspect",
            Self::SuspectCleared => "attestation_suspect_cleared",
            Self::RevokedByStation => "attestation_revoked_by_station",
        }
    }

    fn headline(self) -> &'static str {
        match self {
            Self::Suspect => "mail.attestation_suspect",
            Self::SuspectCleared => "mail.attestation_suspect_cleared",
            Self::RevokedByStation => "mail.attestation_revoked_by_station",
        }
    }
}

/// The station's `decision` on `row`, with its reason, emailed to the issuer.
pub fn desk_decision(
    conn: &mut DbConnection,
    portal: &str,
    decision: DeskDecision,
    party_email: &str,
    party: &Party,
    row: &Attestation,
    reason: &str,
) -> anyhow::Result<()> {
    let link = format!(
        "{portal}{}",
        crate::paths::at(crate::paths::ATTESTATION, &row.id)
    );
    let n = with_reason(decision.headline(), row, party, reason, link);
    enqueue(conn, decision.event(), party_email, None, &n)
}

/// A proof of open application `app` was ended, renewed or flagged: its station is told at
/// once (never held for a digest), with the reason and a link to the application.
pub fn application_alert(
    conn: &mut DbConnection,
    portal: &str,
    station: &Station,
    app: &Application,
    party: &Party,
    row: &Attestation,
    alert: &Alert,
) -> anyhow::Result<()> {
    let mut facts = vec![
        MailFact::plain("mail.fact.application_no", app.application_no.clone()),
        MailFact::keyed(
            "mail.fact.change",
            &format!("application.alert.{}", alert.event),
        ),
    ];
    if let Some(reason) = &alert.reason {
        facts.push(MailFact::plain("mail.fact.reason_detail", reason.clone()));
    }
    facts.extend(attestation_facts(row, party));
    facts.extend(
        super::ending_facts(row)
            .into_iter()
            .filter(|f| f.label_key != "mail.fact.reason_detail"),
    );
    let n = Notification {
        headline_key: "mail.application_alert",
        subject_detail: format!("{} · {}", app.application_no, about(row)),
        facts,
        link: Some(format!(
            "{portal}{}",
            crate::paths::at(crate::paths::STATION_APPLICATION, &app.id)
        )),
    };
    enqueue(conn, "application_alert", &station.email, None, &n)
}

/// The one-time notice of what application `app` misses, emailed to the applicant.
pub fn notice_given(
    conn: &mut DbConnection,
    to: &str,
    station: &Station,
    app: &Application,
    items: &[NoticeItem],
) -> anyhow::Result<()> {
    let mut facts = vec![
        MailFact::plain(
            "notice.station",
            format!("{}（{}）", station.name, station.code),
        ),
        MailFact::plain("field.application_no", app.application_no.clone()),
        MailFact::plain("field.officer_no", app.officer_no.clone()),
    ];
    facts.extend(items.iter().map(|item| {
        let (zh, en) = (line(Lang::Zh, item), line(Lang::En, item));
        MailFact {
            label_key: "mail.fact.missing",
            zh: format!("{}：{}", zh.title, zh.satisfy),
            en: format!("{}: {}", en.title, en.satisfy),
            link: None,
        }
    }));
    let n = Notification {
        headline_key: "mail.notice_given",
        subject_detail: app.application_no.clone(),
        facts,
        link: None,
    };
    enqueue(conn, "application_notice", to, None, &n)
}
