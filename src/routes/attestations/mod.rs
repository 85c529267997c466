//! The party's attestations: list, issue, detail, print, revoke.

mod issue;
mod list;
mod renew;
mod revoke;
mod show;

pub use issue::{new_get, new_post, NewPage};
pub use list::{end_post, list_get, renew_many_post, ListPage, ListQuery};
pub use renew::{renew_get, renew_post};
pub use revoke::{revoke_get, revoke_post};
pub use show::{detail_get, pdf_download, pdf_get, pdf_response, print_get, PrintPage};

use crate::error::AppError;
use crate::issuing::{self, Attestation, Party};
use crate::web::AppState;
use actix_web::web;

pub use crate::web::party::PartyContext;

pub use crate::documents::AttestationView;

/// Issues `new` for `party` (by `user_id`; `None`: through the API) and counts it: prepared
/// and signed on a pooled connection, stored by the group commit.
pub async fn issue_as(
    state: &web::Data<AppState>,
    party: Party,
    user_id: Option<crate::domain::UserId>,
    new: crate::domain::NewAttestation,
) -> Result<Attestation, AppError> {
    issue_accepting(state, party, user_id, new, None).await
}

/// As `issue_as`, and when `request` is given, marks it accepted as the new proof in the
/// same transaction (409, nothing stored, when it was decided meanwhile).
pub async fn issue_accepting(
    state: &web::Data<AppState>,
    party: Party,
    user_id: Option<crate::domain::UserId>,
    new: crate::domain::NewAttestation,
    request: Option<crate::applicants::ApplicantRequest>,
) -> Result<Attestation, AppError> {
    let st = state.clone();
    let issuance = state
        .db(move |conn| {
            let portal = st.issuing_portal();
            issuing::prepare(conn, &portal, &party, user_id.as_ref(), &new)
        })
        .await?;
    let row = state
        .group_commit
        .write(move |conn| {
            let row = issuance.store_in(conn)?;
            if let Some(request) = &request {
                crate::applicants::mark_accepted(conn, request, &row)?;
            }
            Ok(row)
        })
        .await?;
    state.metrics.issued(row.kind.as_str());
    Ok(row)
}
