//! Creating stations, users and parties: shared by the operator CLI and the sign-up page so
//! that both apply the same rules. Each function runs in one transaction with its audit row.

use crate::db::models::api_keys;
use crate::db::models::audit_log::{self, Action, AuditEntry};
use crate::db::models::parties::{self, Party};
use crate::db::models::stations::{self, Station};
use crate::db::models::users::{self, User};
use crate::db::{new_id, now, DbConnection};
use crate::domain::{PartyDetails, PartyStatus, Role};
use diesel::Connection;

/// Why an account could not be created.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("a station with code {0} already exists")]
    StationCodeTaken(String),
    #[error("the email address {0} already has an account")]
    EmailTaken(String),
    #[error("a party with this identifier is already registered")]
    IdentifierTaken,
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
    conn.transaction(|conn| {
        if stations::find_by_code(conn, new.code)?.is_some() {
            return Err(AccountError::StationCodeTaken(new.code.to_owned()));
        }
        let station = Station {
            id: new_id(),
            code: new.code.to_owned(),
            name: new.name.to_owned(),
            email: new.email.to_owned(),
            created_at: now(),
            notify_mode: "immediate".to_owned(),
            digest_hour: 8,
            last_digest_on: None,
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
    conn.transaction(|conn| {
        let station_id = match (role, station_code) {
            (Role::Station, None) => return Err(AccountError::StationRequired("station")),
            (_, Some(code)) => Some(
                stations::find_by_code(conn, code)?
                    .ok_or_else(|| AccountError::UnknownStation(code.to_owned()))?
                    .id,
            ),
            (_, None) => None,
        };
        let station_id = if role == Role::Station {
            station_id
        } else {
            None
        };
        insert_user(conn, role, email, password_hash, station_id, None)
    })
}

fn insert_user(
    conn: &mut DbConnection,
    role: Role,
    email: &str,
    password_hash: &str,
    station_id: Option<String>,
    party_id: Option<String>,
) -> Result<User, AccountError> {
    if users::email_taken(conn, email)? {
        return Err(AccountError::EmailTaken(email.to_owned()));
    }
    let user = User {
        id: new_id(),
        email: email.to_owned(),
        password_hash: password_hash.to_owned(),
        role: role.as_str().to_owned(),
        station_id,
        party_id,
        created_at: now(),
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

/// How a party's identifier is stored: (identifier, masked, sealed). A credit code as it
/// is; an ID number as `hmac:` and its keyed hash (unique per number, not the number), its
/// masked form, and the number encrypted.
pub fn stored_identifier(
    secrets: &crate::secrets::Secrets,
    identifier: &crate::domain::PartyIdentifier,
) -> (String, Option<String>, Option<String>) {
    match identifier {
        crate::domain::PartyIdentifier::Uscc(code) => (code.as_str().to_owned(), None, None),
        crate::domain::PartyIdentifier::IdNumber(number) => (
            format!(
                "hmac:{}",
                secrets.keyed_hash("party_id_number", number.expose())
            ),
            Some(number.masked()),
            Some(secrets.seal("party_id_number", number.expose())),
        ),
    }
}

/// Seals the ID numbers of individual lessors stored in plain text by earlier versions.
pub fn seal_plain_identifiers(
    conn: &mut DbConnection,
    secrets: &crate::secrets::Secrets,
) -> diesel::QueryResult<usize> {
    let mut sealed = 0;
    for party in parties::list_unsealed(conn)? {
        let Ok(number) = crate::domain::IdNumber::parse(&party.identifier) else {
            continue;
        };
        let (identifier, masked, seal) =
            stored_identifier(secrets, &crate::domain::PartyIdentifier::IdNumber(number));
        let (masked, seal) = (masked.unwrap_or_default(), seal.unwrap_or_default());
        parties::set_sealed_identifier(conn, &party.id, &identifier, &masked, &seal)?;
        sealed += 1;
    }
    Ok(sealed)
}

/// Creates a party and its first user.
pub fn create_party(
    conn: &mut DbConnection,
    new: &NewParty,
) -> Result<(Party, User), AccountError> {
    conn.transaction(|conn| {
        let station = stations::find_by_code(conn, new.station_code)?
            .ok_or_else(|| AccountError::UnknownStation(new.station_code.to_owned()))?;
        let station_for_mail = station.clone();
        let d = new.details;
        let (identifier, identifier_masked, identifier_sealed) =
            stored_identifier(new.secrets, &d.identifier);
        if parties::identifier_taken(conn, &identifier)? {
            return Err(AccountError::IdentifierTaken);
        }
        let created_at = now();
        let approved = new.status == PartyStatus::Approved;
        let party = Party {
            id: new_id(),
            kind: d.kind.as_str().to_owned(),
            legal_name: d.legal_name.clone(),
            identifier,
            address: d.address.clone(),
            contact_name: d.contact_name.clone(),
            contact_phone: d.contact_phone.clone(),
            station_id: station.id,
            status: new.status.as_str().to_owned(),
            status_reason: None,
            decided_by: None,
            decided_at: approved.then_some(created_at),
            created_at,
            identifier_masked,
            identifier_sealed,
        };
        parties::insert(conn, &party)?;
        let user = insert_user(
            conn,
            Role::Party,
            new.email,
            new.password_hash,
            None,
            Some(party.id.clone()),
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
        }
        Ok((party, user))
    })
}

/// Creates an API key for `party_id`; returns the row and the key, which is shown once and
/// stored only as a keyed hash.
pub fn create_api_key(
    conn: &mut DbConnection,
    secrets: &crate::secrets::Secrets,
    party_id: &str,
    name: &str,
    created_by: Option<&str>,
) -> Result<(api_keys::ApiKey, String), AccountError> {
    let key = format!("att_{}", crate::secrets::random_token());
    let row = api_keys::ApiKey {
        id: new_id(),
        party_id: party_id.to_owned(),
        name: name.to_owned(),
        prefix: key[..12].to_owned(),
        key_hash: secrets.keyed_hash("api_key", &key),
        created_at: now(),
        created_by: created_by.map(str::to_owned),
        last_used_at: None,
        revoked_at: None,
    };
    conn.transaction(|conn| {
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
        crate::db::one_writer(conn, |conn| api_keys::touch(conn, &row.id))?;
    }
    parties::find_by_id(conn, &row.party_id).map(Some)
}
