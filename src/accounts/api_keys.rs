//! A party's API keys: created (approved parties only) and shown once, stored as a keyed
//! hash, checked on each API request, listed and revoked — each change audited.

pub use crate::db::models::api_keys::ApiKey;

use super::{AccountError, Party};
use crate::db::models::audit_log::{self, Action, AuditEntry};
use crate::db::models::{api_keys, parties};
use crate::db::{new_id, now, DbConnection};
use crate::domain::PartyStatus;
use crate::domain::{PartyId, UserId};

/// Creates an API key for `party_id` (an approved party only); returns the row and the
/// key, which is shown once and stored only as a keyed hash.
pub fn create_api_key(
    conn: &mut DbConnection,
    secrets: &crate::secrets::Secrets,
    party_id: &PartyId,
    name: &str,
    created_by: Option<&UserId>,
) -> Result<(api_keys::ApiKey, String), AccountError> {
    let key = format!("att_{}", crate::secrets::random_token());
    let row = api_keys::ApiKey {
        id: new_id(),
        party_id: party_id.to_owned(),
        name: name.to_owned(),
        prefix: key[..12].to_owned(),
        key_hash: secrets.keyed_hash("api_key", &key),
        created_at: now(),
        created_by: created_by.cloned(),
        last_used_at: None,
        revoked_at: None,
    };
    crate::db::write(conn, |conn| {
        if parties::find_by_id(conn, party_id)?.status != PartyStatus::Approved {
            return Err(AccountError::NotApproved);
        }
        api_keys::insert(conn, &row)?;
        audit_log::insert(
            conn,
            &AuditEntry::new(Action::ApiKeyCreated, created_by, Some(&row.id)),
        )?;
        Ok::<_, AccountError>(())
    })?;
    Ok((row, key))
}

/// The party of an active API key, noting its use.
pub fn authenticate_api_key(
    conn: &mut DbConnection,
    secrets: &crate::secrets::Secrets,
    key: &str,
) -> diesel::QueryResult<Option<Party>> {
    let Some(row) = api_keys::find_active_by_hash(conn, &secrets.keyed_hash("api_key", key))?
    else {
        return Ok(None);
    };
    // When a key was last used, to the minute: not a write per request.
    let now = crate::db::now();
    if row
        .last_used_at
        .is_none_or(|t| now - t > chrono::Duration::minutes(1))
    {
        crate::db::write(conn, |conn| api_keys::touch(conn, &row.id))?;
    }
    parties::find_by_id(conn, &row.party_id).map(Some)
}

/// The party's API keys.
pub fn api_keys(
    conn: &mut DbConnection,
    party_id: &PartyId,
) -> Result<Vec<ApiKey>, crate::error::AppError> {
    Ok(api_keys::list_for_party(conn, party_id)?)
}

/// Revokes the party's API key `id` (audited); false when the party has no such key.
pub fn revoke_api_key(
    conn: &mut DbConnection,
    party_id: &PartyId,
    user_id: &UserId,
    id: &str,
) -> Result<bool, crate::error::AppError> {
    crate::db::write(conn, |conn| {
        let revoked = api_keys::revoke(conn, party_id, id)?;
        if revoked {
            audit_log::insert(
                conn,
                &AuditEntry::new(Action::ApiKeyRevoked, Some(user_id), Some(id)),
            )?;
        }
        Ok(revoked)
    })
}
