//! A station's decisions about a proof it checked, told to the issuer.

use super::{enqueue, with_reason};
use crate::db::models::attestations::Attestation;
use crate::db::models::parties::Party;
use crate::db::DbConnection;

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
