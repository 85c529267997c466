//! `/station/applications`: the station's applications, filtered by state and date; and
//! `/station/applications/new`, where the desk accepts one (ID number, application number,
//! 申领 or 签注, the officer's number) before scanning its proofs.

use super::{scope_of, STAFF};
use crate::applications::{self, ListedApplication, NewApplication};
use crate::domain::article9::{ApplicationKind, ApplicationState};
use crate::domain::fields::{optional_date, FieldErrors, Limit, Text};
use crate::domain::{china_time, IdNumber};
use crate::error::AppError;
use crate::web::csrf::CsrfForm;
use crate::web::page::Page;
use crate::web::{html, paths, AppState};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use askama_web::WebTemplate;
use chrono::Duration;
use serde::Deserialize;

/// The list's filters.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    state: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    until: String,
}

/// The list.
#[derive(askama::Template, WebTemplate)]
#[template(path = "station/applications.html")]
pub struct ApplicationsPage {
    page: Page,
    query: ListQuery,
    items: Vec<ListedApplication>,
    date_error: bool,
}

/// `GET /station/applications`: by default the last 30 days, every state.
pub async fn applications_get(
    page: Page,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<ApplicationsPage, AppError> {
    let scope = scope_of(page.require(STAFF)?)?;
    let query = query.into_inner();
    let today = state.config.clock.today();
    let (from, until) = (optional_date(&query.from), optional_date(&query.until));
    let date_error = from.is_err() || until.is_err();
    let (from, until) = (from.ok().flatten(), until.ok().flatten());
    let from = china_time::day_start(from.unwrap_or(today - Duration::days(30)));
    let to = china_time::day_start(until.unwrap_or(today) + Duration::days(1));
    let wanted = ApplicationState::parse(&query.state);
    let items = state
        .read(move |conn| applications::list(conn, scope.as_ref(), (from, to), wanted, today))
        .await?;
    Ok(ApplicationsPage {
        page,
        query,
        items,
        date_error,
    })
}

/// The form of a new application, as typed.
#[derive(Debug, Default, Deserialize)]
pub struct NewForm {
    #[serde(default)]
    id_number: String,
    #[serde(default)]
    application_no: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    officer_no: String,
}

/// The new-application form.
#[derive(askama::Template, WebTemplate)]
#[template(path = "station/application_new.html")]
pub struct NewApplicationPage {
    page: Page,
    form: NewForm,
    errors: FieldErrors,
}

/// `GET /station/applications/new`: the officer's number prefilled from their last one.
pub async fn application_new_get(
    page: Page,
    state: web::Data<AppState>,
) -> Result<NewApplicationPage, AppError> {
    let user = page.require(STAFF)?.user_id.clone();
    let officer_no = state
        .read(move |conn| applications::last_officer_no(conn, &user))
        .await?;
    Ok(NewApplicationPage {
        page,
        form: NewForm {
            kind: ApplicationKind::First.as_str().to_owned(),
            officer_no,
            ..NewForm::default()
        },
        errors: FieldErrors::default(),
    })
}

/// Checks the form: the application, or the errors beside its fields.
fn checked(form: &NewForm) -> Result<NewApplication, FieldErrors> {
    let mut errors = FieldErrors::default();
    let id_number = errors.check(
        "id_number",
        IdNumber::parse(&form.id_number).map_err(|_| "error.id_number.checksum"),
    );
    let application_no = errors.check(
        "application_no",
        Text::required(&form.application_no, Limit::Chars50),
    );
    let kind = errors.check(
        "kind",
        ApplicationKind::parse(&form.kind).ok_or("error.required"),
    );
    let officer_no = errors.check(
        "officer_no",
        Text::required(&form.officer_no, Limit::Chars50),
    );
    match (id_number, application_no, kind, officer_no) {
        (Some(id_number), Some(application_no), Some(kind), Some(officer_no)) => {
            Ok(NewApplication {
                application_no,
                kind,
                id_number,
                officer_no,
            })
        }
        _ => Err(errors),
    }
}

/// `POST /station/applications/new`: accepts it and opens it for scanning; or the form
/// again, as typed, with the messages beside the fields.
pub async fn application_new_post(
    page: Page,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<NewForm>,
) -> Result<HttpResponse, AppError> {
    let user = page.require(STAFF)?.clone();
    let station = user.station_id.clone().ok_or(AppError::Forbidden)?;
    let result = match checked(&form) {
        Ok(new) => {
            let (secrets, at) = (state.secrets.clone(), state.config.clock.now());
            state
                .db(move |conn| {
                    applications::accept(conn, &secrets, &station, &user.user_id, at, new)
                })
                .await?
        }
        Err(errors) => Err(errors),
    };
    match result {
        Ok(id) => Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, paths::at(paths::STATION_APPLICATION, &id)))
            .finish()),
        Err(errors) => html(
            &NewApplicationPage { page, form, errors },
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    }
}
