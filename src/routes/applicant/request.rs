//! `GET/POST /request/{token}`: an applicant asks a party for a proof.

use crate::applicants::{self, NoLink, RequestLink};
use crate::domain::applicant::{LinkClosed, RequestForm, REQUEST_DAYS};
use crate::domain::fields::FieldErrors;
use crate::domain::{AttestationKind, PartyKind};
use crate::error::AppError;
use crate::issuing::Party;
use crate::web::csrf::CsrfForm;
use crate::web::page::Page;
use crate::web::{client_ip, html, AppState};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama_web::WebTemplate;

/// The request form of a link.
#[derive(askama::Template, WebTemplate)]
#[template(path = "applicant/request.html")]
pub struct RequestPage {
    page: Page,
    kind: AttestationKind,
    party_kind: PartyKind,
    title_key: &'static str,
    party_name: String,
    form: RequestForm,
    errors: FieldErrors,
    /// How long a request is kept.
    days: i64,
}

impl RequestPage {
    fn new(
        page: Page,
        link: &RequestLink,
        party: &Party,
        form: RequestForm,
        errors: FieldErrors,
    ) -> Self {
        Self {
            page,
            kind: link.kind,
            party_kind: party.kind,
            title_key: link.kind.title_key(party.kind),
            party_name: party.legal_name.clone(),
            form,
            errors,
            days: REQUEST_DAYS,
        }
    }
}

/// What a submitted request answers: its reference.
#[derive(askama::Template, WebTemplate)]
#[template(path = "applicant/request_done.html")]
pub struct DonePage {
    page: Page,
    reference: String,
    email: String,
    party_name: String,
}

/// The page of a link that takes no request, saying why.
#[derive(askama::Template, WebTemplate)]
#[template(path = "applicant/link_closed.html")]
pub struct ClosedPage {
    page: Page,
    message_key: &'static str,
}

/// The answer of a link that takes no request: 404 for an unknown one, 403 while paused
/// (it may open again), 410 for one deleted, expired or used up.
fn closed(page: Page, why: NoLink) -> Result<HttpResponse, AppError> {
    let (message_key, status) = match why {
        NoLink::Unknown => ("request.closed.unknown", StatusCode::NOT_FOUND),
        NoLink::Closed(LinkClosed::Paused) => {
            (LinkClosed::Paused.message_key(), StatusCode::FORBIDDEN)
        }
        NoLink::Closed(c) => (c.message_key(), StatusCode::GONE),
    };
    html(&ClosedPage { page, message_key }, status)
}

async fn open_link(
    state: &web::Data<AppState>,
    token: String,
    today: chrono::NaiveDate,
) -> Result<Result<(RequestLink, Party), NoLink>, AppError> {
    let st = state.clone();
    state
        .db(move |conn| applicants::open_link(conn, &st.secrets, &token, today))
        .await
}

/// `GET /request/{token}`.
pub async fn request_get(
    page: Page,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    match open_link(&state, token.into_inner(), page.today).await? {
        Ok((link, party)) => {
            let form = RequestForm::default();
            html(
                &RequestPage::new(page, &link, &party, form, FieldErrors::default()),
                StatusCode::OK,
            )
        }
        Err(why) => closed(page, why),
    }
}

/// `POST /request/{token}`: stores the request and emails its reference to the applicant.
pub async fn request_post(
    page: Page,
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
    CsrfForm(form): CsrfForm<RequestForm>,
) -> Result<HttpResponse, AppError> {
    let (link, party) = match open_link(&state, token.into_inner(), page.today).await? {
        Ok(open) => open,
        Err(why) => return closed(page, why),
    };
    state.limiters.request(client_ip(&req), &link.id)?;
    let mut errors = FieldErrors::default();
    let Some(new) = form.validate(link.kind, party.kind, page.today, &mut errors) else {
        let page = RequestPage::new(page, &link, &party, form, errors);
        return html(&page, StatusCode::UNPROCESSABLE_ENTITY);
    };
    let st = state.clone();
    let now = state.config.clock.now();
    let party_name = party.legal_name.clone();
    let submitted = state
        .db(move |conn| applicants::submit(conn, &st.secrets, &link, &party, &new, now))
        .await?;
    match submitted {
        Ok(request) => html(
            &DonePage {
                page,
                reference: request.reference,
                email: request.email,
                party_name,
            },
            StatusCode::OK,
        ),
        Err(why) => closed(page, why),
    }
}
