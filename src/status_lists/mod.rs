//! Token status lists (draft-ietf-oauth-status-list-19): where each new proof's status is
//! published, and the signed list served at `/statuslists/{id}`.
//!
//! A proof's index is fixed when it is signed: instances reserve blocks of ordinals of a
//! list in the database and map each ordinal to an index by a keyed permutation
//! (`domain::status_list::index_of`), so indices are unpredictable and never shared. The
//! list is built from the database in one pass when a status in it changed or its `ttl`
//! ran out, and the signed bytes are stored, so every instance serves the same ones.

use crate::db::models::status_lists::{self, StatusListRow};
use crate::db::DbConnection;
use crate::domain::status_list::{index_of, StatusList, TokenStatus, BITS, LIST_SIZE};
use crate::error::AppError;
use crate::secrets::Secrets;
use crate::tokens::claims::{StatusClaim, StatusListEntry};
use crate::tokens::status_list::{ListClaims, ListPayload};
use crate::tokens::KeyStore;
use crate::web::paths::{status_list_uri as uri, STATUS_LISTS};
use chrono::NaiveDateTime;
use std::sync::Mutex;

/// How long a built list may be relied on at all: `exp` is this long after `iat`. An
/// offline desk sees the list's age long before that (`ttl`).
pub const MAX_AGE_SECS: i64 = 24 * 3600;

/// Ordinals reserved from the database at a time.
const BLOCK: u32 = 64;

/// A proof's place in a status list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub list_id: String,
    pub idx: u32,
}

impl Slot {
    /// The `status` claim of the proof in this slot.
    pub fn claim(&self, portal: &str) -> StatusClaim {
        StatusClaim {
            status_list: StatusListEntry {
                idx: self.idx,
                uri: uri(portal, &self.list_id),
            },
        }
    }
}

/// Hands out slots: a block of ordinals of one list at a time, reserved in the database.
#[derive(Debug, Default)]
pub struct Allocator {
    block: Mutex<Option<Block>>,
}

#[derive(Debug)]
struct Block {
    list_id: String,
    key: [u8; 32],
    next: u32,
    end: u32,
}

impl Block {
    fn take(&mut self, out: &mut Vec<Slot>, count: usize) {
        while out.len() < count && self.next < self.end {
            out.push(Slot {
                list_id: self.list_id.clone(),
                idx: index_of(&self.key, self.next),
            });
            self.next += 1;
        }
    }
}

impl Allocator {
    /// `count` new slots. `conn` must not be inside a transaction: a reservation is
    /// committed at once, so that a rolled-back caller cannot give its ordinals out twice.
    pub fn slots(
        &self,
        conn: &mut DbConnection,
        secrets: &Secrets,
        count: usize,
        at: NaiveDateTime,
    ) -> diesel::QueryResult<Vec<Slot>> {
        let mut out = Vec::with_capacity(count);
        if let Some(block) = self.lock().as_mut() {
            block.take(&mut out, count);
        }
        let mut refused = 0;
        while out.len() < count {
            let want = (count - out.len()) as u32;
            let (list_id, next, end) =
                match status_lists::reserve(conn, want.max(BLOCK), LIST_SIZE, at) {
                    Ok(reserved) => reserved,
                    // Another instance reserved from the same row first: try again.
                    Err(diesel::result::Error::RollbackTransaction) if refused < 10 => {
                        refused += 1;
                        continue;
                    }
                    Err(e) => return Err(e),
                };
            let mut block = Block {
                key: order_key(secrets, &list_id),
                list_id,
                next,
                end,
            };
            block.take(&mut out, count);
            if block.next < block.end {
                *self.lock() = Some(block);
            }
        }
        Ok(out)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Block>> {
        self.block
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The key of list `id`'s order of indices: derived from the portal's secret, so that the
/// order cannot be predicted from outside.
fn order_key(secrets: &Secrets, list_id: &str) -> [u8; 32] {
    let mut key = [0u8; 32];
    // A keyed hash is 64 hex digits.
    let _ = hex::decode_to_slice(secrets.keyed_hash("status_list_order", list_id), &mut key);
    key
}

/// A signed list as served.
pub struct Served {
    pub token: String,
    /// The strong validator of `token`.
    pub etag: String,
}

/// The signed list `id` at `now` (`None`: no such list): the stored build while it is current (no change since
/// and younger than `ttl`), else a new one, stored for every instance.
pub fn served(
    conn: &mut DbConnection,
    portal: &str,
    keys: &KeyStore,
    id: &str,
    now: NaiveDateTime,
    ttl: i64,
) -> Result<Option<Served>, AppError> {
    for _ in 0..3 {
        let Some(row) = status_lists::find(conn, id)? else {
            return Ok(None);
        };
        let current =
            row.built_version == row.version && now < row.built_at + chrono::Duration::seconds(ttl);
        if let (true, Some(token)) = (current, &row.token) {
            return Ok(Some(Served::of(token.clone())));
        }
        let token = build(conn, portal, keys, &row, now, ttl)?;
        if crate::db::write(conn, |c| {
            status_lists::store_built(c, &row, row.version, now, &token)
        })? {
            return Ok(Some(Served::of(token)));
        }
    }
    Err(AppError::Unavailable(anyhow::anyhow!(
        "status list {id} rebuilt by others three times"
    )))
}

impl Served {
    fn of(token: String) -> Self {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(token.as_bytes());
        Self {
            etag: format!("\"{}\"", hex::encode(&digest[..16])),
            token,
        }
    }
}

/// Builds and signs list `row` from the database at `now`.
fn build(
    conn: &mut DbConnection,
    portal: &str,
    keys: &KeyStore,
    row: &StatusListRow,
    now: NaiveDateTime,
    ttl: i64,
) -> Result<String, AppError> {
    let mut list = StatusList::new(BITS, LIST_SIZE);
    for (idx, status) in status_lists::entries_not_active(conn, &row.id)? {
        if let Some(idx) = idx {
            list.set(idx as u32, TokenStatus::of(status) as u8);
        }
    }
    let iat = now.and_utc().timestamp();
    let claims = ListClaims {
        sub: uri(portal, &row.id),
        iss: portal.to_owned(),
        iat,
        exp: iat + MAX_AGE_SECS,
        ttl,
        status_list: ListPayload {
            bits: BITS,
            lst: list.encode(),
            aggregation_uri: Some(format!("{portal}{STATUS_LISTS}")),
        },
    };
    let ring = keys.ring(conn)?;
    let (kid, key) = ring
        .signer()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no signing key")))?;
    crate::tokens::status_list::sign(&claims, kid, key).map_err(|e| AppError::Internal(e.into()))
}

/// The URI of every list at `portal` (the draft's Status List Aggregation).
pub fn all(conn: &mut DbConnection, portal: &str) -> Result<Vec<String>, AppError> {
    Ok(status_lists::ids(conn)?
        .iter()
        .map(|id| uri(portal, id))
        .collect())
}
