//! User accounts of every role.

use crate::db::schema::users;
use crate::db::DbConnection;
use crate::domain::Role;
use crate::domain::{PartyId, StationId, UserId};
use diesel::prelude::*;

/// A user row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub password_hash: String,
    pub role: Role,
    pub station_id: Option<StationId>,
    pub party_id: Option<PartyId>,
    pub created_at: chrono::NaiveDateTime,
}

/// Inserts a user.
pub fn insert(conn: &mut DbConnection, user: &User) -> QueryResult<()> {
    diesel::insert_into(users::table)
        .values(user)
        .execute(conn)
        .map(drop)
}

/// The user with `email` (already lower-cased).
pub fn find_by_email(conn: &mut DbConnection, email: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::email.eq(email))
        .select(User::as_select())
        .first(conn)
        .optional()
}

/// True when `email` already has an account.
pub fn email_taken(conn: &mut DbConnection, email: &str) -> QueryResult<bool> {
    find_by_email(conn, email).map(|u| u.is_some())
}

/// The first user of a party (its contact login).
pub fn first_of_party(conn: &mut DbConnection, party_id: &PartyId) -> QueryResult<Option<User>> {
    users::table
        .filter(users::party_id.eq(party_id))
        .order(users::created_at)
        .select(User::as_select())
        .first(conn)
        .optional()
}

/// The email addresses of every user of a party, oldest account first.
pub fn emails_of_party(conn: &mut DbConnection, party_id: &PartyId) -> QueryResult<Vec<String>> {
    users::table
        .filter(users::party_id.eq(party_id))
        .order(users::created_at)
        .select(users::email)
        .load(conn)
}

/// Every admin and station staff account, by email.
pub fn list_staff(conn: &mut DbConnection) -> QueryResult<Vec<User>> {
    users::table
        .filter(users::role.ne("party"))
        .order(users::email)
        .select(User::as_select())
        .load(conn)
}
