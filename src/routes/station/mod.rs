//! Station staff: the parties of their jurisdiction waiting for approval.

mod application;
mod applications;
mod change;
mod dashboard;
mod decide;
mod desk;
mod directory;
mod notice;
mod search;
mod settings;

pub use application::{acknowledge_post, application_get, checks_post, close_post, proofs_post};
pub use applications::{application_new_get, application_new_post, applications_get};
pub use change::{change_approve_post, change_reject_post};
pub use dashboard::home_get;
pub use decide::{approve_post, reinstate_post, reject_post, suspend_post};
pub use desk::{
    attestation_get, id_check_post, suspect_clear_post, suspect_post, suspect_revoke_post, use_post,
};
pub use directory::{parties_get, verifications_get};
pub use notice::{notice_get, notice_pdf_get, notice_post};
pub use search::{attestations_get, attestations_post};
pub use settings::{settings_get, settings_post};

use crate::domain::Role;
use crate::error::AppError;
use crate::jurisdiction::{self, Party, PartyWithStation};
use crate::web::page::Page;
use crate::web::session::SessionUser;
use crate::web::AppState;
use actix_web::web;
use askama_web::WebTemplate;

/// The roles that may use the station pages: its staff, and admins for every station.
pub const STAFF: &[Role] = &[Role::Station, Role::StationAdmin, Role::Admin];

/// The station a user's lists are limited to; `None` means every station (admins).
pub fn scope_of(user: &SessionUser) -> Result<Option<crate::domain::StationId>, AppError> {
    match user.role {
        Role::Admin => Ok(None),
        Role::Station | Role::StationAdmin => {
            user.station_id.clone().map(Some).ok_or(AppError::Forbidden)
        }
        Role::Party => Err(AppError::Forbidden),
    }
}

/// A party as the station lists it (identifier masked when personal).
pub struct PartyRow {
    pub party: Party,
    pub identifier: String,
    pub station_code: String,
    pub station_name: String,
    /// The party's pending request to change its identity (only on its own page).
    pub change: Option<jurisdiction::ChangeRequest>,
}

impl From<PartyWithStation> for PartyRow {
    fn from(p: PartyWithStation) -> Self {
        Self {
            identifier: p.party.display_identifier(),
            party: p.party,
            station_code: p.station_code,
            station_name: p.station_name,
            change: None,
        }
    }
}

/// One party, with the approve and reject forms while it is pending, and those of its
/// pending change request.
#[derive(askama::Template, WebTemplate)]
#[template(path = "station/party.html")]
pub struct StationPartyPage {
    pub page: Page,
    pub row: PartyRow,
    pub email: String,
    pub reason: String,
    pub reason_error: Option<&'static str>,
    /// The reason typed to reject the change request, and the error beside it.
    pub change_reason: String,
    pub change_reason_error: Option<&'static str>,
    /// Why the change request could not be approved.
    pub change_error: Option<&'static str>,
}

impl StationPartyPage {
    /// The page as first shown: no reason typed, no error.
    pub fn new(page: Page, row: PartyRow, email: String) -> Self {
        Self {
            page,
            row,
            email,
            reason: String::new(),
            reason_error: None,
            change_reason: String::new(),
            change_reason_error: None,
            change_error: None,
        }
    }
}

/// Loads a party within the user's scope (another station's party is 404).
pub async fn load_in_scope(
    state: &web::Data<AppState>,
    user: &SessionUser,
    id: crate::domain::PartyId,
) -> Result<(PartyRow, String), AppError> {
    let scope = scope_of(user)?;
    let (found, email, change) = state
        .db(move |conn| jurisdiction::party_in_scope(conn, scope.as_ref(), &id))
        .await?;
    let row = PartyRow {
        change,
        ..PartyRow::from(found)
    };
    Ok((row, email))
}

/// `GET /station/parties/{id}`.
pub async fn party_get(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<crate::domain::PartyId>,
) -> Result<StationPartyPage, AppError> {
    let user = page.require(STAFF)?;
    let (row, email) = load_in_scope(&state, user, id.into_inner()).await?;
    Ok(StationPartyPage::new(page, row, email))
}
