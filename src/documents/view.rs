//! A proof as every page, print and PDF shows it: its code as printed, its title, its facts
//! as rows, and where it is verified.

use crate::db::models::attestations::Attestation;
use crate::domain::facts::FactRow;
use crate::domain::{AttestationStatus, Facts, PartyKind, ProofStatus, VerificationCode};
use chrono::NaiveDate;

/// An attestation as its pages show it.
pub struct AttestationView {
    pub row: Attestation,
    pub code: String,
    /// What it is on the day it is shown.
    pub status: ProofStatus,
    pub title_key: &'static str,
    pub facts: Vec<FactRow>,
    /// How long the holder has lived at the address of a proof of residence, on the day.
    pub span: Option<crate::domain::article9::ResidenceSpan>,
    /// `<public url>/verify#<token>`: what the QR code holds.
    pub verify_url: String,
    /// `<public url>/verify`: printed for people who type the code.
    pub verify_page: String,
}

impl AttestationView {
    /// Prepares `row`, issued by a party of `party_kind`, for display on `today`.
    pub fn new(row: Attestation, party_kind: PartyKind, portal: &str, today: NaiveDate) -> Self {
        let kind = row.kind;
        let stored = Facts::stored(kind, &row.facts);
        let facts = stored.as_ref().map(Facts::rows).unwrap_or_default();
        Self {
            span: stored
                .as_ref()
                .and_then(|f| crate::domain::article9::span_of(f, today)),
            code: VerificationCode::from_stored(row.code.clone()).display(),
            status: row.status_on(today),
            title_key: kind.title_key(party_kind),
            facts,
            verify_url: crate::web::paths::verify_url(portal, &row.token),
            verify_page: crate::web::paths::verify_page(portal),
            row,
        }
    }

    /// True while its issuer may still end it (not revoked, flagged or replaced).
    pub fn is_active(&self) -> bool {
        self.row.status == AttestationStatus::Active
    }
}
