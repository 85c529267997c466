//! Stations and their staff managed in the browser. An administrator adds, disables and
//! enables stations and staff of any station; a station admin adds and disables the
//! officers of their own station only. A new staff member is emailed a link to set a
//! password (valid `STAFF_LINK_DAYS`); until then no password opens the account.

use super::{insert_user, passwords, AccountError, NewStation, Station, User};
use crate::db::models::audit_log::{self, Action, AuditEntry};
use crate::db::models::{stations, users};
use crate::db::DbConnection;
use crate::domain::fields::{self, FieldErrors, Limit, Text};
use crate::domain::{Role, StationId, UserId};
use crate::error::AppError;
use crate::secrets::Secrets;
use chrono::{Duration, NaiveDateTime};
use serde::Deserialize;

/// How long the link to set a first password works.
pub const STAFF_LINK_DAYS: i64 = 7;

/// Who manages staff: an administrator (every station) or a station admin (their own).
#[derive(Debug, Clone)]
pub struct Manager {
    pub user_id: UserId,
    pub role: Role,
    pub station_id: Option<StationId>,
}

impl Manager {
    /// The roles this manager may give.
    pub fn grantable(&self) -> &'static [Role] {
        match self.role {
            Role::Admin => &[Role::Station, Role::StationAdmin, Role::Admin],
            _ => &[Role::Station],
        }
    }

    /// The station this manager is limited to (`None`: every station).
    pub fn scope(&self) -> Option<&StationId> {
        match self.role {
            Role::Admin => None,
            _ => self.station_id.as_ref(),
        }
    }

    /// Whether this manager may disable or enable `user` (never themself).
    pub fn may_manage(&self, user: &User) -> bool {
        user.id != self.user_id
            && match self.role {
                Role::Admin => user.role.is_staff(),
                _ => user.role == Role::Station && user.station_id.as_ref() == self.scope(),
            }
    }
}

/// The staff this manager sees: every staff account for an administrator, the station's
/// own for a station admin.
pub fn staff(conn: &mut DbConnection, by: &Manager) -> Result<Vec<User>, AppError> {
    let mut all = match by.scope() {
        None => users::list_staff(conn)?,
        Some(station) => users::list(conn, Some(station), None)?,
    };
    all.retain(|u| u.role.is_staff());
    Ok(all)
}

/// The add-staff form as typed (the station is chosen by administrators only).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct StaffForm {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub station: String,
}

/// Adds a staff account as `form` says and emails its link to set a password; the errors
/// beside the fields when one is not acceptable.
pub fn add_staff(
    conn: &mut DbConnection,
    secrets: &Secrets,
    portal: &str,
    by: &Manager,
    form: &StaffForm,
    now: NaiveDateTime,
) -> Result<Result<User, FieldErrors>, AppError> {
    let mut errors = FieldErrors::default();
    let email = errors.check("email", fields::email(&form.email));
    let role = Role::parse(form.role.trim()).filter(|r| by.grantable().contains(r));
    if role.is_none() {
        errors.add("role", "error.choose");
    }
    let station = match (by.scope(), role) {
        (Some(own), _) => Some(stations::find_by_id(conn, own)?),
        (None, Some(r)) if r.is_station_staff() => {
            let found = stations::find_by_code(conn, form.station.trim())?;
            if found.is_none() {
                errors.add("station", "error.choose");
            }
            found
        }
        (None, _) => None,
    };
    let (Some(email), Some(role)) = (email, role) else {
        return Ok(Err(errors));
    };
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    crate::db::write(conn, |conn| {
        let station_id = station.as_ref().map(|s| s.id.clone());
        let user = match insert_user(
            conn,
            role,
            &email,
            crate::password::NOT_SET,
            station_id,
            None,
        ) {
            Ok(user) => user,
            Err(AccountError::EmailTaken(_)) => {
                errors.add("email", "error.team.email_taken");
                return Ok(Err(errors));
            }
            Err(other) => return Err(AppError::from(anyhow::Error::from(other))),
        };
        let valid = Duration::days(STAFF_LINK_DAYS);
        let link = passwords::new_link(conn, secrets, portal, &user.id, now, valid)?;
        audit_log::insert(
            conn,
            &AuditEntry::new(Action::UserInvited, Some(&by.user_id), Some(&email))
                .detail(role.as_str()),
        )?;
        let place = station.as_ref().map_or("", |s| s.name.as_str());
        crate::mail::account::staff_invitation(conn, &email, role, place, &link, STAFF_LINK_DAYS)?;
        Ok(Ok(user))
    })
}

/// Disables (`true`) or enables staff member `id`; not found when out of `by`'s reach.
pub fn set_staff_disabled(
    conn: &mut DbConnection,
    by: &Manager,
    id: &UserId,
    disabled: bool,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let user = users::find_by_id(conn, id)?
        .filter(|u| by.may_manage(u))
        .ok_or(AppError::NotFound)?;
    passwords::set_disabled(conn, &user, disabled, Some(&by.user_id), now)
}

/// The add-station form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct StationForm {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: String,
}

/// Adds a station as `form` says; the errors beside the fields when one is not acceptable
/// or the code is taken.
pub fn add_station(
    conn: &mut DbConnection,
    form: &StationForm,
) -> Result<Result<Station, FieldErrors>, AppError> {
    let mut errors = FieldErrors::default();
    let code = errors.check("code", fields::station_code(&form.code));
    let name = errors.check("name", Text::required(&form.name, Limit::Chars100));
    let email = errors.check("email", fields::email_list(&form.email));
    let (Some(code), Some(name), Some(email)) = (code, name, email) else {
        return Ok(Err(errors));
    };
    let new = NewStation {
        code: &code,
        name: &name,
        email: &email,
    };
    match super::create_station(conn, &new) {
        Ok(station) => Ok(Ok(station)),
        Err(AccountError::StationCodeTaken(_)) => {
            errors.add("code", "error.station_code_taken");
            Ok(Err(errors))
        }
        Err(other) => Err(AppError::from(anyhow::Error::from(other))),
    }
}

/// Every station, disabled ones too, for the administrator.
pub fn all_stations(conn: &mut DbConnection) -> Result<Vec<Station>, AppError> {
    Ok(stations::list_all(conn)?)
}

/// Disables (`true`) or enables station `id` by administrator `by`: its staff cannot log in
/// and their sessions stop working while it is disabled. Not found when there is none.
pub fn set_station_disabled(
    conn: &mut DbConnection,
    by: &UserId,
    id: &StationId,
    disabled: bool,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    crate::db::write(conn, |conn| {
        if !stations::set_disabled(conn, id, disabled.then_some(now))? {
            return Err(AppError::NotFound);
        }
        let action = if disabled {
            Action::StationDisabled
        } else {
            Action::StationEnabled
        };
        audit_log::insert(conn, &AuditEntry::new(action, Some(by), Some(id)))?;
        Ok(())
    })
}
