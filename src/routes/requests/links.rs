//! `GET/POST /party/requests/links`: the party's request links; each one's A4 poster, and
//! pausing, resuming and deleting it.

use crate::applicants::{self, LinkChange, LinkView};
use crate::domain::applicant::LinkForm;
use crate::domain::fields::FieldErrors;
use crate::domain::AttestationKind;
use crate::error::AppError;
use crate::web::csrf::CsrfForm;
use crate::web::page::Page;
use crate::web::party::PartyContext;
use crate::web::{html, paths, AppState};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use askama_web::WebTemplate;

/// The party's links and the form of a new one.
#[derive(askama::Template, WebTemplate)]
#[template(path = "requests/links.html")]
pub struct LinksPage {
    page: Page,
    links: Vec<LinkView>,
    /// (kind, title key) of each kind the party may issue.
    kinds: Vec<(&'static str, &'static str)>,
    party_kind: crate::domain::PartyKind,
    form: LinkForm,
    errors: FieldErrors,
}

async fn links_page(
    page: Page,
    ctx: &PartyContext,
    state: &web::Data<AppState>,
    form: LinkForm,
    errors: FieldErrors,
) -> Result<LinksPage, AppError> {
    let st = state.clone();
    let party_id = ctx.party.id.clone();
    let links = state
        .db(move |conn| applicants::links(conn, &st.secrets, &st.config.portal(), &party_id))
        .await?;
    let party_kind = ctx.party_kind();
    let kinds = AttestationKind::allowed_for(party_kind)
        .iter()
        .map(|k| (k.as_str(), k.title_key(party_kind)))
        .collect();
    Ok(LinksPage {
        page,
        links,
        kinds,
        party_kind,
        form,
        errors,
    })
}

/// `GET /party/requests/links`.
pub async fn links_get(
    page: Page,
    ctx: PartyContext,
    state: web::Data<AppState>,
) -> Result<LinksPage, AppError> {
    links_page(
        page,
        &ctx,
        &state,
        LinkForm::default(),
        FieldErrors::default(),
    )
    .await
}

/// `POST /party/requests/links`: makes a link; then the list, which shows it.
pub async fn links_post(
    page: Page,
    ctx: PartyContext,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<LinkForm>,
) -> Result<HttpResponse, AppError> {
    let mut errors = FieldErrors::default();
    let Some(new) = form.validate(ctx.party_kind(), page.today, &mut errors) else {
        let page = links_page(page, &ctx, &state, form, errors).await?;
        return html(&page, StatusCode::UNPROCESSABLE_ENTITY);
    };
    let st = state.clone();
    let (party_id, user_id) = (ctx.party.id.clone(), ctx.user.user_id.clone());
    let now = state.config.clock.now();
    let link = state
        .db(move |conn| applicants::create_link(conn, &st.secrets, &party_id, &user_id, &new, now))
        .await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((
            header::LOCATION,
            format!("{}#link-{}", paths::REQUEST_LINKS, link.id),
        ))
        .finish())
}

/// A link's A4 poster: what it is for, its QR code and its URL.
#[derive(askama::Template, WebTemplate)]
#[template(path = "requests/poster.html")]
pub struct PosterPage {
    page: Page,
    view: LinkView,
    party_name: String,
    title_key: &'static str,
    qr_src: String,
}

/// `GET /party/requests/links/{id}/poster`.
pub async fn poster_get(
    page: Page,
    ctx: PartyContext,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<PosterPage, AppError> {
    let st = state.clone();
    let party_id = ctx.party.id.clone();
    let view = state
        .db(move |conn| applicants::link(conn, &st.secrets, &st.config.portal(), &party_id, &id))
        .await?;
    let qr_src = crate::documents::qr_data_url(&view.url).map_err(AppError::Internal)?;
    Ok(PosterPage {
        title_key: view.link.kind.title_key(ctx.party_kind()),
        party_name: ctx.party.legal_name.clone(),
        page,
        view,
        qr_src,
    })
}

async fn change(
    ctx: PartyContext,
    state: web::Data<AppState>,
    id: String,
    change: LinkChange,
) -> Result<HttpResponse, AppError> {
    let (party_id, user_id) = (ctx.party.id, ctx.user.user_id);
    let now = state.config.clock.now();
    state
        .db(move |conn| applicants::change_link(conn, &party_id, &user_id, &id, change, now))
        .await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, paths::REQUEST_LINKS))
        .finish())
}

/// `POST …/{id}/pause`: the link takes no requests until resumed.
pub async fn pause_post(
    ctx: PartyContext,
    state: web::Data<AppState>,
    id: web::Path<String>,
    _csrf: CsrfForm<crate::web::csrf::Empty>,
) -> Result<HttpResponse, AppError> {
    change(ctx, state, id.into_inner(), LinkChange::Pause).await
}

/// `POST …/{id}/resume`.
pub async fn resume_post(
    ctx: PartyContext,
    state: web::Data<AppState>,
    id: web::Path<String>,
    _csrf: CsrfForm<crate::web::csrf::Empty>,
) -> Result<HttpResponse, AppError> {
    change(ctx, state, id.into_inner(), LinkChange::Resume).await
}

/// `POST …/{id}/delete`: the link answers that it was withdrawn, for good.
pub async fn delete_post(
    ctx: PartyContext,
    state: web::Data<AppState>,
    id: web::Path<String>,
    _csrf: CsrfForm<crate::web::csrf::Empty>,
) -> Result<HttpResponse, AppError> {
    change(ctx, state, id.into_inner(), LinkChange::Delete).await
}
