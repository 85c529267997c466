//! Creating stations, users and parties: shared by the operator CLI and the sign-up page so
//! that both apply the same rules. Each function runs in one transaction with its audit row.

mod api_keys;
pub mod details;
pub mod passwords;
mod people;
pub mod second_factor;
pub mod staff;
pub use people::People;
pub mod team;
pub use api_keys::{api_keys, authenticate_api_key, create_api_key, revoke_api_key, ApiKey};

use crate::db::models::audit_log::{self, Action, AuditEntry};
pub use crate::db::models::parties::Party;
pub use crate::db::models::stations::Station;
use crate::domain::{PartyId, StationId, UserId};

use crate::db::models::users;
pub use crate::db::models::users::User;
use crate::db::models::{parties, stations};
use crate::db::{now, DbConnection};
use crate::domain::{PartyDetails, PartyRole, PartyStatus, Role};

/// Why an account could not be created.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("a station with code {0} already exists")]
    StationCodeTaken(String),
    #[error("the email address {0} already has an account")]
    EmailTaken(String),
    #[error("a party with this identifier is already registered")]
    IdentifierTaken { party_id: PartyId },
    #[error("the party is not approved by its station")]
    NotApproved,
    #[error("there is no station with code {0}")]
    UnknownStation(String),
    #[error("a {0} account needs --station CODE")]
    StationRequired(&'static str),
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// A new station.
pub struct NewStation<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub email: &'a str,
}

/// Creates a station.
pub fn create_station(conn: &mut DbConnection, new: &NewStation) -> Result<Station, AccountError> {
    crate::db::write(conn, |conn| {
        if stations::find_by_code(conn, new.code)?.is_some() {
            return Err(AccountError::StationCodeTaken(new.code.to_owned()));
        }
        let station = Station {
            id: StationId::generate(),
            code: new.code.to_owned(),
            name: new.name.to_owned(),
            email: new.email.to_owned(),
            created_at: now(),
            notify_mode: "immediate".to_owned(),
            digest_hour: 8,
            last_digest_on: None,
            disabled_at: None,
        };
        stations::insert(conn, &station)?;
        audit_log::insert(
            conn,
            &AuditEntry::new(Action::StationCreated, None, Some(&station.id)),
        )?;
        Ok(station)
    })
}

/// Creates an admin or a station staff account (`station_code` required for staff).
pub fn create_staff(
    conn: &mut DbConnection,
    role: Role,
    email: &str,
    password_hash: &str,
    station_code: Option<&str>,
) -> Result<User, AccountError> {
    crate::db::write(conn, |conn| {
        let station_id = match (role, station_code) {
            (role, None) if role.is_station_staff() => {
                return Err(AccountError::StationRequired("station"))
            }
            (_, Some(code)) => Some(
                stations::find_by_code(conn, code)?
                    .ok_or_else(|| AccountError::UnknownStation(code.to_owned()))?
                    .id,
            ),
            (_, None) => None,
        };
        let station_id = if role.is_station_staff() {
            station_id
        } else {
            None
        };
        insert_user(conn, role, email, password_hash, station_id, None)
    })
}

/// Stores a new account; a party's user comes with the party and its role there.
pub(crate) fn insert_user(
    conn: &mut DbConnection,
    role: Role,
    email: &str,
    password_hash: &str,
    station_id: Option<StationId>,
    party: Option<(PartyId, PartyRole)>,
) -> Result<User, AccountError> {
    let (party_id, party_role) = party.unzip();
    if users::email_taken(conn, email)? {
        return Err(AccountError::EmailTaken(email.to_owned()));
    }
    let user = User {
        id: UserId::generate(),
        email: email.to_owned(),
        password_hash: password_hash.to_owned(),
        role,
        station_id,
        party_id,
        created_at: now(),
        disabled_at: None,
        last_login_at: None,
        party_role,
        totp_secret_sealed: None,
        totp_enabled_at: None,
        totp_last_step: None,
    };
    users::insert(conn, &user)?;
    audit_log::insert(
        conn,
        &AuditEntry::new(Action::UserCreated, None, Some(&user.id)).detail(role.as_str()),
    )?;
    Ok(user)
}

/// A new party with its first user.
pub struct NewParty<'a> {
    pub details: &'a PartyDetails,
    pub station_code: &'a str,
    pub email: &'a str,
    pub password_hash: &'a str,
    /// `Pending` for self-registration, `Approved` when an operator adds it.
    pub status: PartyStatus,
    pub client_ip: Option<&'a str>,
    /// The portal's URL, to notify the station of a self-registration (None: no email).
    pub notify_portal: Option<&'a str>,
    /// Seals an individual lessor's ID number.
    pub secrets: &'a crate::secrets::Secrets,
}

/// Creates a party and its first user.
pub fn create_party(
    conn: &mut DbConnection,
    new: &NewParty,
) -> Result<(Party, User), AccountError> {
    crate::db::write(conn, |conn| {
        let station = stations::find_by_code(conn, new.station_code)?
            .filter(|s| s.disabled_at.is_none())
            .ok_or_else(|| AccountError::UnknownStation(new.station_code.to_owned()))?;
        let station_for_mail = station.clone();
        let d = new.details;
        let stored = crate::identifiers::stored(new.secrets, &d.identifier);
        if let Some(party_id) = parties::find_by_identifier(conn, &stored.identifier)? {
            return Err(AccountError::IdentifierTaken { party_id });
        }
        let created_at = now();
        let approved = new.status == PartyStatus::Approved;
        let party = Party {
            id: PartyId::generate(),
            kind: d.kind,
            legal_name: d.legal_name.clone(),
            identifier: stored.identifier,
            address: d.address.clone(),
            contact_name: d.contact_name.clone(),
            contact_phone: d.contact_phone.clone(),
            station_id: station.id,
            status: new.status,
            status_reason: None,
            decided_by: None,
            decided_at: approved.then_some(created_at),
            created_at,
            identifier_masked: stored.masked,
            identifier_sealed: stored.sealed,
            identifier_type: Some(stored.kind),
            reminders_enabled: true,
        };
        parties::insert(conn, &party)?;
        let user = insert_user(
            conn,
            Role::Party,
            new.email,
            new.password_hash,
            None,
            Some((party.id.clone(), PartyRole::Owner)),
        )?;
        let entry = AuditEntry::new(Action::PartyRegistered, Some(&user.id), Some(&party.id))
            .from_ip(new.client_ip);
        let entry = if approved {
            entry.detail("added approved by an operator")
        } else {
            entry
        };
        audit_log::insert(conn, &entry)?;
        if let Some(portal) = new.notify_portal {
            crate::mail::notify::party_registered(conn, portal, &station_for_mail, &party)?;
            crate::mail::account::registered(conn, portal, &user.email)?;
        }
        Ok((party, user))
    })
}

/// Self-registration, answered the same whether or not the email or the identifier is
/// already registered: a new party is created (pending) and its registrant emailed; for a
/// known email or identifier nothing changes and that account is emailed instead. Returns
/// the new user, if one was created.
pub fn register(
    conn: &mut DbConnection,
    new: &NewParty,
    portal: &str,
) -> Result<Option<User>, AccountError> {
    let existing = match create_party(conn, new) {
        Ok((_, user)) => return Ok(Some(user)),
        Err(AccountError::EmailTaken(email)) => Some(email),
        Err(AccountError::IdentifierTaken { party_id }) => {
            users::first_of_party(conn, &party_id)?.map(|u| u.email)
        }
        Err(other) => return Err(other),
    };
    if let Some(email) = existing {
        crate::db::write(conn, |conn| {
            crate::mail::account::already_registered(conn, portal, &email)
                .map_err(AccountError::Internal)
        })?;
    }
    Ok(None)
}

/// A party and its station.
pub fn party_and_station(
    conn: &mut DbConnection,
    party_id: &PartyId,
) -> Result<(Party, Station), crate::error::AppError> {
    let party = parties::find_by_id(conn, party_id)?;
    let station = stations::find_by_id(conn, &party.station_id)?;
    Ok((party, station))
}

/// Switches the party's daily expiry digest on or off (audited).
pub fn set_reminders(
    conn: &mut DbConnection,
    party_id: &PartyId,
    user_id: &UserId,
    on: bool,
) -> Result<(), crate::error::AppError> {
    crate::db::write(conn, |conn| {
        parties::set_reminders(conn, party_id, on)?;
        audit_log::insert(
            conn,
            &AuditEntry::new(Action::PartySettingsChanged, Some(user_id), Some(party_id))
                .detail(if on { "reminders on" } else { "reminders off" }),
        )
    })?;
    Ok(())
}

/// Every station open to registration (not disabled), for the sign-up form.
pub fn stations(conn: &mut DbConnection) -> Result<Vec<Station>, crate::error::AppError> {
    let mut all = stations::list_all(conn)?;
    all.retain(|s| s.disabled_at.is_none());
    Ok(all)
}
