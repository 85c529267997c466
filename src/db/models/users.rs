//! User accounts of every role.

use crate::db::schema::users;
use crate::db::DbConnection;
use crate::domain::{PartyId, StationId, UserId};
use crate::domain::{PartyRole, Role};
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
    /// When it was disabled; `None` while it may log in.
    pub disabled_at: Option<chrono::NaiveDateTime>,
    pub last_login_at: Option<chrono::NaiveDateTime>,
    /// For a party's user: owner or clerk.
    pub party_role: Option<PartyRole>,
    /// The TOTP secret, sealed; in force once `totp_enabled_at` is set.
    pub totp_secret_sealed: Option<String>,
    pub totp_enabled_at: Option<chrono::NaiveDateTime>,
    /// The time step of the last TOTP code accepted.
    pub totp_last_step: Option<i64>,
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

/// The user with `id`.
pub fn find_by_id(conn: &mut DbConnection, id: &UserId) -> QueryResult<Option<User>> {
    users::table
        .find(id)
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

/// Stores a new password hash for user `id`.
pub fn set_password_hash(conn: &mut DbConnection, id: &UserId, hash: &str) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set(users::password_hash.eq(hash))
        .execute(conn)
        .map(drop)
}

/// Disables user `id` from `at` (`None`: enables it again).
pub fn set_disabled(
    conn: &mut DbConnection,
    id: &UserId,
    at: Option<chrono::NaiveDateTime>,
) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set(users::disabled_at.eq(at))
        .execute(conn)
        .map(drop)
}

/// Records a login of user `id` at `at`.
pub fn set_last_login(
    conn: &mut DbConnection,
    id: &UserId,
    at: chrono::NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set(users::last_login_at.eq(at))
        .execute(conn)
        .map(drop)
}

/// Every user, by email, of one station (`station`) and of one role (`role`) when given.
pub fn list(
    conn: &mut DbConnection,
    station: Option<&StationId>,
    role: Option<Role>,
) -> QueryResult<Vec<User>> {
    let mut query = users::table
        .order(users::email)
        .select(User::as_select())
        .into_boxed();
    if let Some(station) = station {
        query = query.filter(users::station_id.eq(station.clone()));
    }
    if let Some(role) = role {
        query = query.filter(users::role.eq(role));
    }
    query.load(conn)
}

/// The users of a party, owners first, then by email.
pub fn of_party(conn: &mut DbConnection, party_id: &PartyId) -> QueryResult<Vec<User>> {
    users::table
        .filter(users::party_id.eq(party_id))
        .order((users::party_role.desc(), users::email))
        .select(User::as_select())
        .load(conn)
}

/// Sets the role of the party's user `id`.
pub fn set_party_role(conn: &mut DbConnection, id: &UserId, role: PartyRole) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set(users::party_role.eq(role))
        .execute(conn)
        .map(drop)
}

/// The email of each of `ids`.
pub fn emails_of(
    conn: &mut DbConnection,
    ids: &[UserId],
) -> QueryResult<std::collections::HashMap<UserId, String>> {
    let rows: Vec<(UserId, String)> = users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::email))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}
