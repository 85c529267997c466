//! `GET/POST /admin/staff`: staff accounts. An administrator adds staff of any station (or
//! administrators) and disables or enables any of them; a station admin does the same for
//! the officers of their own station only.

use super::mail::EmptyForm;
use crate::accounts::staff::{self, Manager, StaffForm};
use crate::accounts::{Station, User};
use crate::domain::fields::FieldErrors;
use crate::domain::{Role, UserId};
use crate::error::AppError;
use crate::web::csrf::CsrfForm;
use crate::web::page::Page;
use crate::web::{html, paths, AppState};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use askama_web::WebTemplate;

/// Who may open the staff page.
const MANAGERS: &[Role] = &[Role::Admin, Role::StationAdmin];

/// The staff page.
#[derive(askama::Template, WebTemplate)]
#[template(path = "admin/staff.html")]
pub struct StaffPage {
    page: Page,
    manager: Manager,
    staff: Vec<User>,
    stations: Vec<Station>,
    form: StaffForm,
    errors: FieldErrors,
    added: bool,
}

impl StaffPage {
    /// The code of a staff member's station.
    pub fn station_code(&self, id: &Option<crate::domain::StationId>) -> String {
        id.as_ref()
            .and_then(|id| self.stations.iter().find(|s| &s.id == id))
            .map(|s| s.code.clone())
            .unwrap_or_default()
    }

    async fn load(page: Page, state: &AppState) -> Result<Self, AppError> {
        let manager = manager(&page)?;
        let by = manager.clone();
        let (staff, stations) = state
            .db(move |conn| Ok((staff::staff(conn, &by)?, staff::all_stations(conn)?)))
            .await?;
        Ok(Self {
            page,
            manager,
            staff,
            stations,
            form: StaffForm::default(),
            errors: FieldErrors::default(),
            added: false,
        })
    }
}

fn manager(page: &Page) -> Result<Manager, AppError> {
    let user = page.require(MANAGERS)?;
    Ok(Manager {
        user_id: user.user_id.clone(),
        role: user.role,
        station_id: user.station_id.clone(),
    })
}

/// `?added` after a new account.
#[derive(Debug, Default, serde::Deserialize)]
pub struct AddedQuery {
    added: Option<String>,
}

/// `GET /admin/staff`.
pub async fn staff_get(
    page: Page,
    state: web::Data<AppState>,
    query: web::Query<AddedQuery>,
) -> Result<StaffPage, AppError> {
    Ok(StaffPage {
        added: query.added.is_some(),
        ..StaffPage::load(page, &state).await?
    })
}

/// `POST /admin/staff`: adds a staff account and emails its link to set a password.
pub async fn staff_post(
    page: Page,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<StaffForm>,
) -> Result<HttpResponse, AppError> {
    let by = manager(&page)?;
    let (typed, portal, secrets, now) = (
        form.clone(),
        state.config.portal(),
        state.secrets.clone(),
        state.config.clock.now(),
    );
    let outcome = state
        .db(move |conn| staff::add_staff(conn, &secrets, &portal, &by, &typed, now))
        .await?;
    match outcome {
        Ok(_) => Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, format!("{}?added", paths::ADMIN_STAFF)))
            .finish()),
        Err(errors) => {
            let again = StaffPage {
                form,
                errors,
                ..StaffPage::load(page, &state).await?
            };
            html(&again, StatusCode::UNPROCESSABLE_ENTITY)
        }
    }
}

/// `POST /admin/staff/{id}/disable`: no login; sessions and API keys end at once.
pub async fn staff_disable_post(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<UserId>,
    _form: CsrfForm<EmptyForm>,
) -> Result<HttpResponse, AppError> {
    set_disabled(page, state, id.into_inner(), true).await
}

/// `POST /admin/staff/{id}/enable`.
pub async fn staff_enable_post(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<UserId>,
    _form: CsrfForm<EmptyForm>,
) -> Result<HttpResponse, AppError> {
    set_disabled(page, state, id.into_inner(), false).await
}

async fn set_disabled(
    page: Page,
    state: web::Data<AppState>,
    id: UserId,
    disabled: bool,
) -> Result<HttpResponse, AppError> {
    let by = manager(&page)?;
    let now = state.config.clock.now();
    state
        .db(move |conn| staff::set_staff_disabled(conn, &by, &id, disabled, now))
        .await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, paths::ADMIN_STAFF))
        .finish())
}
