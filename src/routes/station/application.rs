//! `/station/applications/{id}`: one application at the desk — scan its proofs one after
//! another (QR, URL or code, as on `/verify`), tick what was seen, read the Article 9
//! checklist, give the one-time notice, acknowledge alerts, close it.

use super::{scope_of, STAFF};
use crate::applications::{self, ApplicationView};
use crate::domain::article9::DeskChecks;
use crate::domain::fields::FieldErrors;
use crate::domain::ApplicationId;
use crate::error::AppError;
use crate::verification::VerifyInput;
use crate::web::csrf::CsrfForm;
use crate::web::page::Page;
use crate::web::session::SessionUser;
use crate::web::{html, paths, AppState};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama_web::WebTemplate;
use serde::Deserialize;

/// The page of one application.
#[derive(askama::Template, WebTemplate)]
#[template(path = "station/application.html")]
pub struct ApplicationPage {
    page: Page,
    view: ApplicationView,
    /// What was scanned last, kept when it was refused.
    scan: String,
    pub(super) errors: FieldErrors,
}

impl ApplicationPage {
    /// The alerts no officer has acknowledged yet.
    pub fn open_alerts(&self) -> impl Iterator<Item = &applications::Alert> {
        self.view
            .alerts
            .iter()
            .filter(|a| a.acknowledged_at.is_none())
    }

    /// What satisfied a line of the checklist.
    pub fn satisfied_by(&self, line: &crate::domain::article9::Line) -> String {
        use crate::domain::article9::Satisfied;
        match &line.by {
            None => String::new(),
            Some(Satisfied::Proof(label)) => label.clone(),
            Some(Satisfied::SixMonths(label)) => {
                format!("{}（{label}）", self.page.t("application.by_six_months"))
            }
            Some(Satisfied::Seen) => self.page.t("application.by_officer"),
        }
    }

    /// A proof's verification code as printed.
    pub fn code(&self, p: &applications::ProofRow) -> String {
        crate::domain::VerificationCode::from_stored(p.a.code.clone()).display()
    }

    /// The code and issuer of the proof an alert is about.
    pub fn proof_label(&self, id: &crate::domain::AttestationId) -> String {
        self.view
            .proofs
            .iter()
            .find(|p| &p.a.id == id)
            .map(|p| p.label.clone())
            .unwrap_or_default()
    }
}

/// The officer and the scope of the page.
pub(super) fn officer(
    page: &Page,
) -> Result<(SessionUser, Option<crate::domain::StationId>), AppError> {
    let user = page.require(STAFF)?.clone();
    let scope = scope_of(&user)?;
    Ok((user, scope))
}

pub(super) async fn load(
    page: Page,
    state: &web::Data<AppState>,
    id: ApplicationId,
) -> Result<ApplicationPage, AppError> {
    let (_, scope) = officer(&page)?;
    let today = state.config.clock.today();
    let view = state
        .read(move |conn| applications::view(conn, scope.as_ref(), &id, today))
        .await?;
    Ok(ApplicationPage {
        page,
        view,
        scan: String::new(),
        errors: FieldErrors::default(),
    })
}

pub(super) fn back_to(id: &ApplicationId, anchor: &str) -> HttpResponse {
    let location = format!("{}{anchor}", paths::at(paths::STATION_APPLICATION, id));
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// `GET /station/applications/{id}` (another station's: 404).
pub async fn application_get(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<ApplicationId>,
) -> Result<ApplicationPage, AppError> {
    load(page, &state, id.into_inner()).await
}

/// The scan form.
#[derive(Debug, Default, Deserialize)]
pub struct ScanForm {
    #[serde(default)]
    scan: String,
}

/// `POST …/proofs`: verifies what was scanned (recorded as a verification) and adds the
/// proof when its subject is the applicant; else the page with the reason beside the field.
pub async fn proofs_post(
    page: Page,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<ApplicationId>,
    CsrfForm(form): CsrfForm<ScanForm>,
) -> Result<HttpResponse, AppError> {
    let (user, scope) = officer(&page)?;
    let id = id.into_inner();
    let input = VerifyInput::parse(&form.scan);
    let refused = if input == VerifyInput::Unreadable {
        Err("error.application.unreadable")
    } else {
        let verdict =
            crate::routes::verify::run(&state, input, Some(user.user_id.clone()), &req).await?;
        match verdict.claims {
            None => Err("error.application.not_a_proof"),
            Some(claims) => {
                let (target, at) = (id.clone(), state.config.clock.now());
                let proof = crate::domain::AttestationId::from(claims.jti);
                state
                    .db(move |conn| {
                        applications::add_proof(
                            conn,
                            scope.as_ref(),
                            &target,
                            &proof,
                            &user.user_id,
                            at,
                        )
                    })
                    .await?
            }
        }
    };
    match refused {
        // No fragment: a target element would keep the browser from focusing the scan field.
        Ok(()) => Ok(back_to(&id, "")),
        Err(key) => {
            let mut desk = load(page, &state, id).await?;
            desk.errors.add("scan", key);
            // A refused token is not echoed back; a code or an unreadable scan is.
            if !form.scan.contains('.') {
                desk.scan = form.scan;
            }
            html(&desk, StatusCode::UNPROCESSABLE_ENTITY)
        }
    }
}

/// The ticks of what the officer saw.
#[derive(Debug, Default, Deserialize)]
pub struct ChecksForm {
    #[serde(default)]
    identity_card_seen: Option<String>,
    #[serde(default)]
    photograph_taken: Option<String>,
    #[serde(default)]
    form_signed: Option<String>,
}

/// `POST …/checks`.
pub async fn checks_post(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<ApplicationId>,
    CsrfForm(form): CsrfForm<ChecksForm>,
) -> Result<HttpResponse, AppError> {
    let (user, scope) = officer(&page)?;
    let id = id.into_inner();
    let checks = DeskChecks {
        identity_card_seen: form.identity_card_seen.is_some(),
        photograph_taken: form.photograph_taken.is_some(),
        form_signed: form.form_signed.is_some(),
    };
    let target = id.clone();
    state
        .db(move |conn| {
            applications::set_checks(conn, scope.as_ref(), &target, &user.user_id, checks)
        })
        .await?;
    Ok(back_to(&id, "#checklist"))
}

/// A step on application `id` done by `step` as the officer at the portal's time, then
/// back to its page.
type Step = fn(
    &mut crate::db::DbConnection,
    Option<&crate::domain::StationId>,
    &ApplicationId,
    &crate::domain::UserId,
    chrono::NaiveDateTime,
) -> Result<(), AppError>;

async fn step(
    page: Page,
    state: web::Data<AppState>,
    id: ApplicationId,
    step: Step,
) -> Result<HttpResponse, AppError> {
    let (user, scope) = officer(&page)?;
    let (target, at) = (id.clone(), state.config.clock.now());
    state
        .db(move |conn| step(conn, scope.as_ref(), &target, &user.user_id, at))
        .await?;
    Ok(back_to(&id, ""))
}

/// `POST …/acknowledge`: the officer has seen the alerts.
pub async fn acknowledge_post(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<ApplicationId>,
    _csrf: CsrfForm<crate::web::csrf::Empty>,
) -> Result<HttpResponse, AppError> {
    step(page, state, id.into_inner(), applications::acknowledge).await
}

/// `POST …/close`: the permit was issued or endorsed.
pub async fn close_post(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<ApplicationId>,
    _csrf: CsrfForm<crate::web::csrf::Empty>,
) -> Result<HttpResponse, AppError> {
    step(page, state, id.into_inner(), applications::close).await
}
