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

use crate::db::models::attestations::Attestation;
use crate::db::models::parties::{self, Party};
use crate::db::models::stations::{self, Station};
use crate::domain::facts::FactRow;
use crate::domain::AttestationStatus;
use crate::domain::{Facts, PartyKind, Role, VerificationCode};
use crate::error::AppError;
use crate::web::page::Page;
use crate::web::session::SessionUser;
use crate::web::AppState;
use actix_web::web;

/// The logged-in party user, their party and its station.
pub struct PartyContext {
    pub user: SessionUser,
    pub party: Party,
    pub station: Station,
}

impl PartyContext {
    /// Loads the context of a party user; any other role is 403.
    pub async fn load(page: &Page, state: &web::Data<AppState>) -> Result<Self, AppError> {
        let user = page.require(&[Role::Party])?.clone();
        let party_id = user.party_id.clone().ok_or(AppError::Forbidden)?;
        let (party, station) = state
            .db(move |conn| {
                let party = parties::find_by_id(conn, &party_id)?;
                let station = stations::find_by_id(conn, &party.station_id)?;
                Ok((party, station))
            })
            .await?;
        Ok(Self {
            user,
            party,
            station,
        })
    }

    /// The party's kind.
    pub fn party_kind(&self) -> PartyKind {
        self.party.kind
    }
}

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
            verify_url: format!("{portal}/verify#{}", row.token),
            verify_page: format!("{portal}/verify"),
            row,
        }
    }

    /// True while the attestation has not been revoked.
    pub fn is_active(&self) -> bool {
        self.row.status == AttestationStatus::Active
    }
}

/// Signs and stores `new` for `party`, recorded as issued by `user_id`.
pub async fn issue_as(
    state: &web::Data<AppState>,
    party: Party,
    user_id: String,
    new: crate::domain::NewAttestation,
) -> Result<Attestation, AppError> {
    let st = state.clone();
    let limit = state.limiters.limits.applicant_emails_per_hour;
    state
        .db(move |conn| {
            if new.applicant_email.is_some() {
                let since = crate::db::now() - chrono::Duration::hours(1);
                if crate::db::models::attestations::count_with_applicant_email_since(
                    conn, &party.id, since,
                )? >= limit
                {
                    return Err(AppError::TooManyRequests {
                        retry_after_secs: 3600,
                    });
                }
            }
            let ring = st.keys.ring(conn)?;
            let station = stations::find_by_id(conn, &party.station_id)?;
            let issuer = crate::issuing::Issuer {
                party: &party,
                station_code: &station.code,
                user_id: &user_id,
                portal: &st.config.portal(),
                secrets: &st.secrets,
                ring: &ring,
            };
            let row = crate::issuing::issue(conn, &issuer, &new)?;
            st.metrics.issued(row.kind.as_str());
            Ok(row)
        })
        .await
}
