//! Request links: made, listed, paused, resumed and deleted by their party, and opened by
//! applicants (`/request/{token}`) while they take requests.

use crate::db::models::audit_log::{self, Action, AuditEntry};
use crate::db::models::requests::{self, RequestLink};
use crate::db::{new_id, DbConnection};
use crate::domain::applicant::{link_open, LinkClosed, NewLink};
use crate::domain::{PartyId, UserId};
use crate::error::AppError;
use crate::issuing::Party;
use crate::secrets::{random_token, Secrets};
use chrono::{NaiveDate, NaiveDateTime};

/// Purpose of the keyed hash (and the seal) of a request link's token.
const LINK_TOKEN: &str = "request_link";

/// A request link with the URL it is shown and printed as.
pub struct LinkView {
    pub link: RequestLink,
    /// `<portal>/request/<token>`; empty once deleted.
    pub url: String,
}

/// The URL of a link, from its sealed token.
fn url_of(secrets: &Secrets, portal: &str, link: &RequestLink) -> String {
    secrets
        .open(LINK_TOKEN, &link.token_sealed)
        .map(|token| format!("{portal}{}", crate::paths::at(crate::paths::REQUEST, token)))
        .unwrap_or_default()
}

/// Makes a request link of `party` by `user_id`, as set in `new`.
pub fn create_link(
    conn: &mut DbConnection,
    secrets: &Secrets,
    party_id: &PartyId,
    user_id: &UserId,
    new: &NewLink,
    now: NaiveDateTime,
) -> Result<RequestLink, AppError> {
    let token = random_token();
    let link = RequestLink {
        id: new_id(),
        party_id: party_id.clone(),
        kind: new.kind,
        label: new.label.clone(),
        token_hash: secrets.keyed_hash(LINK_TOKEN, &token),
        token_sealed: secrets.seal(LINK_TOKEN, &token),
        max_uses: new.max_uses,
        uses: 0,
        valid_until: new.valid_until,
        created_by: user_id.clone(),
        created_at: now,
        paused_at: None,
        deleted_at: None,
    };
    crate::db::write(conn, |conn| {
        requests::insert_link(conn, &link)?;
        audit_log::insert(
            conn,
            &AuditEntry::new(Action::RequestLinkCreated, Some(user_id), Some(&link.id))
                .detail(link.kind.as_str()),
        )?;
        Ok::<_, AppError>(())
    })?;
    Ok(link)
}

/// The party's links (not deleted), newest first, with their URLs.
pub fn links(
    conn: &mut DbConnection,
    secrets: &Secrets,
    portal: &str,
    party_id: &PartyId,
) -> Result<Vec<LinkView>, AppError> {
    Ok(requests::links_of_party(conn, party_id)?
        .into_iter()
        .map(|link| LinkView {
            url: url_of(secrets, portal, &link),
            link,
        })
        .collect())
}

/// The party's link `id` with its URL (404 for another party's, or a deleted one).
pub fn link(
    conn: &mut DbConnection,
    secrets: &Secrets,
    portal: &str,
    party_id: &PartyId,
    id: &str,
) -> Result<LinkView, AppError> {
    let link = requests::link_of_party(conn, party_id, id)?;
    if link.deleted_at.is_some() {
        return Err(AppError::NotFound);
    }
    Ok(LinkView {
        url: url_of(secrets, portal, &link),
        link,
    })
}

/// What a party does to one of its links.
#[derive(Debug, Clone, Copy)]
pub enum LinkChange {
    Pause,
    Resume,
    Delete,
}

/// Pauses, resumes or deletes the party's link `id`, audited; 404 when there is none.
pub fn change_link(
    conn: &mut DbConnection,
    party_id: &PartyId,
    user_id: &UserId,
    id: &str,
    change: LinkChange,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    crate::db::write(conn, |conn| {
        let (done, action) = match change {
            LinkChange::Pause => (
                requests::set_paused(conn, party_id, id, Some(now))?,
                Action::RequestLinkPaused,
            ),
            LinkChange::Resume => (
                requests::set_paused(conn, party_id, id, None)?,
                Action::RequestLinkResumed,
            ),
            LinkChange::Delete => (
                requests::delete_link(conn, party_id, id, now)?,
                Action::RequestLinkDeleted,
            ),
        };
        if !done {
            return Err(AppError::NotFound);
        }
        audit_log::insert(conn, &AuditEntry::new(action, Some(user_id), Some(id)))?;
        Ok(())
    })
}

/// Why `/request/{token}` takes no request: no such link, or closed for a reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoLink {
    Unknown,
    Closed(LinkClosed),
}

/// The link of `token` and its party, if it takes requests on `today`.
pub fn open_link(
    conn: &mut DbConnection,
    secrets: &Secrets,
    token: &str,
    today: NaiveDate,
) -> Result<Result<(RequestLink, Party), NoLink>, AppError> {
    let Some(link) = requests::link_by_token(conn, &secrets.keyed_hash(LINK_TOKEN, token))? else {
        return Ok(Err(NoLink::Unknown));
    };
    let party = crate::db::models::parties::find_by_id(conn, &link.party_id)?;
    let state = link_open(
        link.deleted_at.is_some(),
        link.paused_at.is_some(),
        link.valid_until,
        (link.uses, link.max_uses),
        today,
    );
    // A party that may not issue now (suspended) takes no requests either.
    let state = state.and_then(|()| {
        crate::issuing::may_issue(&party, link.kind).map_err(|_| LinkClosed::Paused)
    });
    Ok(match state {
        Ok(()) => Ok((link, party)),
        Err(closed) => Err(NoLink::Closed(closed)),
    })
}
