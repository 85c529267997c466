//! Token status lists: which ordinals are handed out, how often their tokens' statuses
//! changed, and the signed list last built.

use crate::db::schema::{attestations, status_lists};
use crate::db::DbConnection;
use crate::domain::AttestationStatus;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// A status list row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = status_lists)]
pub struct StatusListRow {
    pub id: String,
    pub created_at: NaiveDateTime,
    pub next_n: i32,
    pub version: i64,
    /// -1 before the first build.
    pub built_version: i64,
    /// The creation time before the first build.
    pub built_at: NaiveDateTime,
    pub token: Option<String>,
}

/// Reserves up to `count` ordinals of the first list that is not full (a new list when
/// every one is), at most `size` per list: returns the list and the ordinals `first..end`.
/// Its own transaction, so that what is reserved stays reserved.
pub fn reserve(
    conn: &mut DbConnection,
    count: u32,
    size: u32,
    at: NaiveDateTime,
) -> QueryResult<(String, u32, u32)> {
    crate::db::write(conn, |conn| {
        let open: Option<(String, i32)> = status_lists::table
            .filter(status_lists::next_n.lt(size as i32))
            .order((status_lists::created_at, status_lists::id))
            .select((status_lists::id, status_lists::next_n))
            .first(conn)
            .optional()?;
        let (id, first) = match open {
            Some((id, next)) => (id, next as u32),
            None => {
                let id = uuid::Uuid::new_v4().simple().to_string();
                diesel::insert_into(status_lists::table)
                    .values((
                        status_lists::id.eq(&id),
                        status_lists::created_at.eq(at),
                        status_lists::next_n.eq(0),
                        status_lists::version.eq(0),
                        status_lists::built_at.eq(at),
                    ))
                    .execute(conn)?;
                (id, 0)
            }
        };
        let end = first.saturating_add(count).min(size);
        // Inside the transaction the row cannot move on SQLite (one writer); on PostgreSQL
        // a concurrent reservation is refused by the condition and the caller retries.
        let moved = diesel::update(
            status_lists::table
                .find(&id)
                .filter(status_lists::next_n.eq(first as i32)),
        )
        .set(status_lists::next_n.eq(end as i32))
        .execute(conn)?;
        if moved == 0 {
            return Err(diesel::result::Error::RollbackTransaction);
        }
        Ok((id, first, end))
    })
}

/// Records a change of a status in list `id`: its built token is out of date.
pub fn changed(conn: &mut DbConnection, id: &str) -> QueryResult<()> {
    diesel::update(status_lists::table.find(id))
        .set(status_lists::version.eq(status_lists::version + 1))
        .execute(conn)
        .map(drop)
}

/// The list `id`.
pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<StatusListRow>> {
    status_lists::table
        .find(id)
        .select(StatusListRow::as_select())
        .first(conn)
        .optional()
}

/// Every list's id, oldest first.
pub fn ids(conn: &mut DbConnection) -> QueryResult<Vec<String>> {
    status_lists::table
        .order((status_lists::created_at, status_lists::id))
        .select(status_lists::id)
        .load(conn)
}

/// The index and stored status of every token of list `id` that is not active: what the
/// list says, read in one pass.
pub fn entries_not_active(
    conn: &mut DbConnection,
    id: &str,
) -> QueryResult<Vec<(Option<i32>, AttestationStatus)>> {
    attestations::table
        .filter(attestations::status_list_id.eq(id))
        .filter(attestations::status.ne(AttestationStatus::Active))
        .select((attestations::status_idx, attestations::status))
        .load(conn)
}

/// Stores `token`, built from `version` at `at`, unless another instance stored a build
/// since `previous` was read (then false: read that one).
pub fn store_built(
    conn: &mut DbConnection,
    previous: &StatusListRow,
    version: i64,
    at: NaiveDateTime,
    token: &str,
) -> QueryResult<bool> {
    let stored = diesel::update(
        status_lists::table
            .find(&previous.id)
            .filter(status_lists::built_at.eq(previous.built_at)),
    )
    .set((
        status_lists::built_version.eq(version),
        status_lists::built_at.eq(at),
        status_lists::token.eq(token),
    ))
    .execute(conn)?;
    Ok(stored == 1)
}
