//! A party's team: its owners invite colleagues by email, change their roles and remove
//! them; a party always keeps at least one owner who may log in. A removed colleague is
//! disabled, so what they did stays attributed to them.

use super::passwords::{self, NewPassword};
use super::{insert_user, AccountError, User};
use crate::db::models::audit_log::{self, Action, AuditEntry};
use crate::db::models::invitations;
pub use crate::db::models::invitations::Invitation;
use crate::db::models::users;
use crate::db::DbConnection;
use crate::domain::fields::{self, FieldErrors};
use crate::domain::{PartyId, PartyRole, Role, UserId};
use crate::error::AppError;
use crate::secrets::{random_token, Secrets};
use chrono::{Duration, NaiveDateTime};

/// How long an invitation works.
pub const INVITATION_DAYS: i64 = 7;
/// Purpose of the keyed hash of an invitation token.
const INVITATION_TOKEN: &str = "invitation";

/// The party's users and its open invitations at `now`.
pub fn team(
    conn: &mut DbConnection,
    party_id: &PartyId,
    now: NaiveDateTime,
) -> Result<(Vec<User>, Vec<Invitation>), AppError> {
    Ok((
        users::of_party(conn, party_id)?,
        invitations::open_for_party(conn, party_id, now)?,
    ))
}

/// Who acts on the team: an owner of the party, and where links point.
pub struct Owner<'a> {
    pub party_id: &'a PartyId,
    pub user_id: &'a UserId,
    pub portal: &'a str,
}

/// Invites `email` to the party as `role`: an emailed link valid `INVITATION_DAYS`. The
/// errors beside the fields when the email is not one or already has an account.
pub fn invite(
    conn: &mut DbConnection,
    secrets: &Secrets,
    by: &Owner,
    email: &str,
    role: &str,
    now: NaiveDateTime,
) -> Result<Result<(), FieldErrors>, AppError> {
    let mut errors = FieldErrors::default();
    let email = errors.check("email", fields::email(email));
    let role = errors.check("party_role", PartyRole::parse(role).ok_or("error.choose"));
    let (Some(email), Some(role)) = (email, role) else {
        return Ok(Err(errors));
    };
    if users::email_taken(conn, &email)? {
        errors.add("email", "error.team.email_taken");
        return Ok(Err(errors));
    }
    let token = random_token();
    let invitation = Invitation {
        id: crate::db::new_id(),
        token_hash: secrets.keyed_hash(INVITATION_TOKEN, &token),
        party_id: by.party_id.clone(),
        email: email.clone(),
        party_role: role,
        invited_by: by.user_id.clone(),
        created_at: now,
        expires_at: now + Duration::days(INVITATION_DAYS),
        accepted_at: None,
        revoked_at: None,
    };
    let link = format!(
        "{}{}",
        by.portal,
        crate::paths::at(crate::paths::INVITATION, &token)
    );
    crate::db::write(conn, |conn| {
        invitations::insert(conn, &invitation)?;
        audit_log::insert(
            conn,
            &AuditEntry::new(Action::UserInvited, Some(by.user_id), Some(&email))
                .detail(role.as_str()),
        )?;
        let party = crate::db::models::parties::find_by_id(conn, by.party_id)?;
        crate::mail::account::invitation(conn, &email, &party.legal_name, &link, INVITATION_DAYS)?;
        Ok::<_, AppError>(())
    })?;
    Ok(Ok(()))
}

/// Revokes the party's open invitation `id`; 404 when there is none.
pub fn revoke_invitation(
    conn: &mut DbConnection,
    by: &Owner,
    id: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    crate::db::write(conn, |conn| {
        if !invitations::revoke(conn, by.party_id, id, now)? {
            return Err(AppError::NotFound);
        }
        audit_log::insert(
            conn,
            &AuditEntry::new(Action::InvitationRevoked, Some(by.user_id), Some(id)),
        )?;
        Ok(())
    })
}

/// The open invitation of `token` at `now`, with its party's name.
pub fn invitation(
    conn: &mut DbConnection,
    secrets: &Secrets,
    token: &str,
    now: NaiveDateTime,
) -> Result<Option<(Invitation, String)>, AppError> {
    let hash = secrets.keyed_hash(INVITATION_TOKEN, token);
    let Some(invitation) = invitations::find_open(conn, &hash, now)? else {
        return Ok(None);
    };
    let party = crate::db::models::parties::find_by_id(conn, &invitation.party_id)?;
    Ok(Some((invitation, party.legal_name)))
}

/// Accepts the invitation of `token` with the password chosen: the colleague's account is
/// made. `None` when the link no longer works; the errors beside the fields when the
/// password is not acceptable.
pub fn accept(
    conn: &mut DbConnection,
    secrets: &Secrets,
    token: &str,
    new: &NewPassword,
    now: NaiveDateTime,
) -> Result<Option<Result<User, FieldErrors>>, AppError> {
    let Some((invitation, _)) = invitation(conn, secrets, token, now)? else {
        return Ok(None);
    };
    let mut errors = FieldErrors::default();
    let Some(password) = new.validate(&invitation.email, &mut errors) else {
        return Ok(Some(Err(errors)));
    };
    let hash = crate::password::hash(&password)?;
    let user = crate::db::write(conn, |conn| {
        if !invitations::accept(conn, &invitation.id, now)? {
            return Ok(None);
        }
        let party = Some((invitation.party_id.clone(), invitation.party_role));
        let user = match insert_user(conn, Role::Party, &invitation.email, &hash, None, party) {
            Ok(user) => user,
            Err(AccountError::EmailTaken(_)) => return Ok(None),
            Err(AccountError::Database(e)) => return Err(e.into()),
            Err(other) => return Err(AppError::Internal(other.into())),
        };
        audit_log::insert(
            conn,
            &AuditEntry::new(
                Action::InvitationAccepted,
                Some(&user.id),
                Some(&invitation.id),
            ),
        )?;
        Ok::<_, AppError>(Some(user))
    })?;
    Ok(user.map(Ok))
}

/// The party's user `id` (another party's is 404).
fn member(conn: &mut DbConnection, party_id: &PartyId, id: &UserId) -> Result<User, AppError> {
    users::find_by_id(conn, id)?
        .filter(|u| u.party_id.as_ref() == Some(party_id))
        .ok_or(AppError::NotFound)
}

/// True when `target` is the party's last owner who may log in.
fn last_owner(conn: &mut DbConnection, target: &User) -> Result<bool, AppError> {
    let Some(party_id) = &target.party_id else {
        return Ok(false);
    };
    let owners = users::of_party(conn, party_id)?
        .into_iter()
        .filter(|u| u.party_role == Some(PartyRole::Owner) && u.disabled_at.is_none())
        .count();
    Ok(target.party_role == Some(PartyRole::Owner) && target.disabled_at.is_none() && owners <= 1)
}

/// Gives the party's user `id` the role `role`; `Err(key)` when that would leave the party
/// without an owner.
pub fn set_role(
    conn: &mut DbConnection,
    by: &Owner,
    id: &UserId,
    role: PartyRole,
) -> Result<Result<(), &'static str>, AppError> {
    crate::db::write(conn, |conn| {
        let target = member(conn, by.party_id, id)?;
        if role != PartyRole::Owner && last_owner(conn, &target)? {
            return Ok(Err("error.team.last_owner"));
        }
        users::set_party_role(conn, id, role)?;
        audit_log::insert(
            conn,
            &AuditEntry::new(
                Action::PartyRoleChanged,
                Some(by.user_id),
                Some(&target.email),
            )
            .detail(role.as_str()),
        )?;
        Ok(Ok(()))
    })
}

/// Removes the party's user `id` from the team: disabled (sessions and keys end), what they
/// did stays theirs. `Err(key)` for the last owner.
pub fn remove(
    conn: &mut DbConnection,
    by: &Owner,
    id: &UserId,
    now: NaiveDateTime,
) -> Result<Result<(), &'static str>, AppError> {
    let target = member(conn, by.party_id, id)?;
    if last_owner(conn, &target)? {
        return Ok(Err("error.team.last_owner"));
    }
    passwords::set_disabled(conn, &target, true, Some(by.user_id), now)?;
    Ok(Ok(()))
}
