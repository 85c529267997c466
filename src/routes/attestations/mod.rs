//! The party's attestations: list, issue, detail, print, revoke.

mod issue;
mod list;
mod revoke;
mod show;

pub use issue::{new_get, new_post};
pub use list::{list_get, ListPage, ListQuery};
pub use revoke::{revoke_get, revoke_post};
pub use show::{
    detail_get, pdf_get, pdf_response, print_get, printed_proof, qr_data_url, PrintPage,
};

use crate::domain::facts::FactRow;
use crate::domain::AttestationStatus;
use crate::domain::{Facts, PartyKind, VerificationCode};
use crate::error::AppError;
use crate::issuing::{self, Attestation, Party};
use crate::web::AppState;
use actix_web::web;

pub use crate::web::party::PartyContext;

/// An attestation as its pages show it.
pub struct AttestationView {
    pub row: Attestation,
    pub code: String,
    pub title_key: &'static str,
    pub facts: Vec<FactRow>,
    /// `<public url>/verify#<token>`: what the QR code holds.
    pub verify_url: String,
    /// `<public url>/verify`: printed for people who type the code.
    pub verify_page: String,
}

impl AttestationView {
    /// Prepares `row`, issued by a party of `party_kind`, for display.
    pub fn new(row: Attestation, party_kind: PartyKind, portal: &str) -> Self {
        let kind = row.kind;
        let facts = serde_json::from_str(&row.facts)
            .ok()
            .and_then(|v| Facts::from_json(kind, v).ok())
            .map(|f| f.rows())
            .unwrap_or_default();
        Self {
            code: VerificationCode::from_stored(row.code.clone()).display(),
            title_key: kind.title_key(party_kind),
            facts,
            verify_url: crate::web::paths::verify_url(portal, &row.token),
            verify_page: crate::web::paths::verify_page(portal),
            row,
        }
    }

    /// True while the attestation has not been revoked.
    pub fn is_active(&self) -> bool {
        self.row.status == AttestationStatus::Active
    }
}

/// Issues `new` for `party` (by `user_id`; `None`: through the API) and counts it.
pub async fn issue_as(
    state: &web::Data<AppState>,
    party: Party,
    user_id: Option<String>,
    new: crate::domain::NewAttestation,
) -> Result<Attestation, AppError> {
    let st = state.clone();
    let row = state
        .db(move |conn| {
            let portal = st.issuing_portal();
            issuing::issue_for(conn, &portal, &party, user_id.as_deref(), &new)
        })
        .await?;
    state.metrics.issued(row.kind.as_str());
    Ok(row)
}
