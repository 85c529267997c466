//! `/party/team`: an owner's colleagues (role, last login), open invitations, inviting,
//! changing a role, removing; owners only.

use crate::accounts::team::{self, Invitation, Owner};
use crate::accounts::User;
use crate::domain::fields::FieldErrors;
use crate::domain::{PartyRole, UserId};
use crate::error::AppError;
use crate::web::csrf::CsrfForm;
use crate::web::page::Page;
use crate::web::party::PartyContext;
use crate::web::{html, paths, AppState};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use askama_web::WebTemplate;
use serde::Deserialize;

/// The team page.
#[derive(askama::Template, WebTemplate)]
#[template(path = "party/team.html")]
pub struct TeamPage {
    page: Page,
    members: Vec<User>,
    invitations: Vec<Invitation>,
    /// The invitation form as typed, and what is wrong with it.
    invite: InviteForm,
    errors: FieldErrors,
    /// What is wrong with a role change or a removal.
    alert: Option<&'static str>,
    roles: [PartyRole; 2],
}

impl TeamPage {
    fn has_role(&self, user: &User, role: &PartyRole) -> bool {
        user.party_role == Some(*role)
    }
}

/// The invitation form.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    party_role: String,
}

async fn team_page(
    page: Page,
    ctx: &PartyContext,
    state: &web::Data<AppState>,
    invite: InviteForm,
    errors: FieldErrors,
    alert: Option<&'static str>,
) -> Result<TeamPage, AppError> {
    ctx.require_owner()?;
    let (party_id, now) = (ctx.party.id.clone(), state.config.clock.now());
    let (members, invitations) = state
        .db(move |conn| team::team(conn, &party_id, now))
        .await?;
    Ok(TeamPage {
        page,
        members,
        invitations,
        invite,
        errors,
        alert,
        roles: PartyRole::ALL,
    })
}

fn back() -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, paths::TEAM))
        .finish()
}

/// Runs `f` as the owner `ctx` on the team.
async fn as_owner<T, F>(
    ctx: &PartyContext,
    state: &web::Data<AppState>,
    f: F,
) -> Result<T, AppError>
where
    F: FnOnce(&mut crate::db::DbConnection, &Owner, chrono::NaiveDateTime) -> Result<T, AppError>
        + Send
        + 'static,
    T: Send + 'static,
{
    ctx.require_owner()?;
    let (party_id, user_id) = (ctx.party.id.clone(), ctx.user.user_id.clone());
    let (portal, now) = (state.config.portal(), state.config.clock.now());
    state
        .db(move |conn| {
            let owner = Owner {
                party_id: &party_id,
                user_id: &user_id,
                portal: &portal,
            };
            f(conn, &owner, now)
        })
        .await
}

/// `GET /party/team`.
pub async fn team_get(
    page: Page,
    ctx: PartyContext,
    state: web::Data<AppState>,
) -> Result<TeamPage, AppError> {
    team_page(
        page,
        &ctx,
        &state,
        InviteForm::default(),
        FieldErrors::default(),
        None,
    )
    .await
}

/// `POST /party/team/invite`.
pub async fn invite_post(
    page: Page,
    ctx: PartyContext,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<InviteForm>,
) -> Result<HttpResponse, AppError> {
    let (st, typed) = (state.clone(), form.clone());
    let outcome = as_owner(&ctx, &state, move |conn, owner, now| {
        team::invite(
            conn,
            &st.secrets,
            owner,
            &typed.email,
            &typed.party_role,
            now,
        )
    })
    .await?;
    match outcome {
        Ok(()) => Ok(back()),
        Err(errors) => html(
            &team_page(page, &ctx, &state, form, errors, None).await?,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    }
}

/// The role form of one colleague.
#[derive(Debug, Default, Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    party_role: String,
}

/// The page again with `key` above the list (a change that would leave no owner).
async fn refused(
    page: Page,
    ctx: &PartyContext,
    state: &web::Data<AppState>,
    key: &'static str,
) -> Result<HttpResponse, AppError> {
    let again = team_page(
        page,
        ctx,
        state,
        InviteForm::default(),
        FieldErrors::default(),
        Some(key),
    );
    html(&again.await?, StatusCode::CONFLICT)
}

/// `POST /party/team/{id}/role`.
pub async fn role_post(
    page: Page,
    ctx: PartyContext,
    state: web::Data<AppState>,
    id: web::Path<UserId>,
    CsrfForm(form): CsrfForm<RoleForm>,
) -> Result<HttpResponse, AppError> {
    let role = PartyRole::parse(&form.party_role).ok_or(AppError::BadRequest)?;
    let id = id.into_inner();
    let outcome = as_owner(&ctx, &state, move |conn, owner, _| {
        team::set_role(conn, owner, &id, role)
    })
    .await?;
    match outcome {
        Ok(()) => Ok(back()),
        Err(key) => refused(page, &ctx, &state, key).await,
    }
}

/// `POST /party/team/{id}/remove`.
pub async fn remove_post(
    page: Page,
    ctx: PartyContext,
    state: web::Data<AppState>,
    id: web::Path<UserId>,
    CsrfForm(_): CsrfForm<RoleForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let outcome = as_owner(&ctx, &state, move |conn, owner, now| {
        team::remove(conn, owner, &id, now)
    })
    .await?;
    match outcome {
        Ok(()) => Ok(back()),
        Err(key) => refused(page, &ctx, &state, key).await,
    }
}

/// `POST /party/team/invitations/{id}/revoke`.
pub async fn invitation_revoke_post(
    ctx: PartyContext,
    state: web::Data<AppState>,
    id: web::Path<String>,
    CsrfForm(_): CsrfForm<RoleForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    as_owner(&ctx, &state, move |conn, owner, now| {
        team::revoke_invitation(conn, owner, &id, now)
    })
    .await?;
    Ok(back())
}
