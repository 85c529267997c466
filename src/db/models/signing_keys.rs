//! The list of signing keys (the private halves are files in the data directory).

use crate::db::schema::signing_keys;
use crate::db::DbConnection;
use diesel::prelude::*;

/// A signing key row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = signing_keys)]
pub struct SigningKeyRow {
    pub kid: String,
    pub public_x: String,
    pub created_at: chrono::NaiveDateTime,
    pub retired_at: Option<chrono::NaiveDateTime>,
}

/// Inserts a key.
pub fn insert(conn: &mut DbConnection, row: &SigningKeyRow) -> QueryResult<()> {
    diesel::insert_into(signing_keys::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// Every key, newest first.
pub fn list_newest_first(conn: &mut DbConnection) -> QueryResult<Vec<SigningKeyRow>> {
    signing_keys::table
        .order((signing_keys::created_at.desc(), signing_keys::kid))
        .select(SigningKeyRow::as_select())
        .load(conn)
}

/// Retires every active key except `kid`.
pub fn retire_all_but(conn: &mut DbConnection, kid: &str) -> QueryResult<usize> {
    diesel::update(
        signing_keys::table
            .filter(signing_keys::kid.ne(kid))
            .filter(signing_keys::retired_at.is_null()),
    )
    .set(signing_keys::retired_at.eq(crate::db::now()))
    .execute(conn)
}
