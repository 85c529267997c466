//! `GET/POST /verify` for people, and the published keys and status lists.

use crate::domain::facts::FactRow;
use crate::error::AppError;
use crate::tokens::VerifyStatus;
use crate::verification::{self, Asker, Verdict, VerifyInput};
use crate::web::csrf::CsrfForm;
use crate::web::page::Page;
use crate::web::{client_ip, AppState};
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use askama_web::WebTemplate;
use serde::Deserialize;

mod offline;
mod status_lists;
pub use offline::{offline_get, offline_script_get, offline_worker_get};
pub use status_lists::{status_list_get, status_lists_get};

/// What a verified proof shows.
pub struct VerdictView {
    pub status: &'static str,
    pub reason: Option<String>,
    pub revoked_at: Option<chrono::NaiveDateTime>,
    /// Why its issuer ended it, and the day.
    pub ending: Option<(crate::domain::ending::EndReason, chrono::NaiveDate)>,
    pub code: Option<String>,
    pub title_key: &'static str,
    pub claims: Option<crate::tokens::Claims>,
    pub facts: Vec<FactRow>,
    /// How long the holder has lived at the address of a proof of residence.
    pub span: Option<crate::domain::article9::ResidenceSpan>,
}

impl VerdictView {
    /// The verdict as shown in `lang` on `today`.
    fn new(v: Verdict, lang: crate::i18n::Lang, today: chrono::NaiveDate) -> Self {
        let signed = v.claims.as_ref().and_then(|c| c.facts());
        let facts = signed.as_ref().map(|f| f.rows()).unwrap_or_default();
        let span = signed
            .as_ref()
            .and_then(|f| crate::domain::article9::span_of(f, today));
        let title_key = v
            .claims
            .as_ref()
            .map_or("title.residence", |c| c.kind.title_key(c.issuer.kind));
        Self {
            status: v.status.as_str(),
            reason: v.reason.map(|r| r.text(lang)),
            revoked_at: v.revoked_at,
            ending: v.ending,
            code: v.code.map(|c| c.display()),
            title_key,
            claims: v.claims,
            facts,
            span,
        }
    }
}

impl VerdictView {
    /// The issuer kind's label key.
    pub fn issuer_kind(&self) -> String {
        self.claims
            .as_ref()
            .map(|c| format!("kind.{}", c.issuer.kind.as_str()))
            .unwrap_or_default()
    }

    /// True for a good proof.
    pub fn is_valid(&self) -> bool {
        self.status == VerifyStatus::Valid.as_str()
    }
}

/// The verify page, empty or with a result.
#[derive(askama::Template, WebTemplate)]
#[template(path = "verify/verify.html")]
pub struct VerifyPage {
    page: Page,
    input: String,
    verdict: Option<VerdictView>,
    /// The attestation id, when the officer may act on it at the desk (own station).
    desk_id: Option<String>,
}

/// `GET /verify`.
pub async fn verify_get(page: Page) -> VerifyPage {
    VerifyPage {
        page,
        input: String::new(),
        verdict: None,
        desk_id: None,
    }
}

/// The verify form.
#[derive(Debug, Default, Deserialize)]
pub struct VerifyForm {
    #[serde(default)]
    input: String,
}

/// `POST /verify`: checks a token, a scanned URL or a code and shows the result.
#[tracing::instrument(skip_all)]
pub async fn verify_post(
    page: Page,
    req: HttpRequest,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<VerifyForm>,
) -> Result<VerifyPage, AppError> {
    let input = VerifyInput::parse(&form.input);
    let verdict = run(
        &state,
        input,
        page.user.as_ref().map(|u| u.user_id.clone()),
        &req,
    )
    .await?;
    let desk_id = desk_scope(&page, &state, &verdict).await?;
    let verdict = VerdictView::new(verdict, page.lang, page.today);
    // The field is emptied for the next scan; a token is never echoed back.
    Ok(VerifyPage {
        page,
        input: String::new(),
        verdict: Some(verdict),
        desk_id,
    })
}

/// The attestation the logged-in officer may act on: one addressed to their own station
/// (any, for an admin).
async fn desk_scope(
    page: &Page,
    state: &web::Data<AppState>,
    verdict: &Verdict,
) -> Result<Option<String>, AppError> {
    let (Some(user), Some(claims)) = (page.user.as_ref(), verdict.claims.as_ref()) else {
        return Ok(None);
    };
    let own_code = match (user.role, user.station_id.clone()) {
        (crate::domain::Role::Admin, _) => return Ok(Some(claims.jti.clone())),
        (role, Some(station_id)) if role.is_station_staff() => {
            state
                .read(move |conn| crate::jurisdiction::station(conn, &station_id).map(|s| s.code))
                .await?
        }
        _ => return Ok(None),
    };
    Ok((own_code == claims.aud).then(|| claims.jti.clone()))
}

/// Verifies `input` for `user_id` (if logged in) and records it.
pub async fn run(
    state: &web::Data<AppState>,
    input: VerifyInput,
    user_id: Option<crate::domain::UserId>,
    req: &HttpRequest,
) -> Result<Verdict, AppError> {
    state.limiters.verify(client_ip(req))?;
    let ip = client_ip(req).map(|i| i.to_string());
    let st = state.clone();
    // Read (on the standby, if any), then the record goes to the group commit (or is kept
    // on this instance until the primary is back): answered only once it is stored.
    let (verdict, record) = state
        .read(move |conn| {
            let ring = st.keys.ring(conn)?;
            let asker = Asker {
                user_id: user_id.as_ref(),
                client_ip: ip.as_deref(),
                at: st.config.clock.now(),
            };
            Ok(verification::check(
                conn,
                &ring,
                &st.config.issuers(),
                &input,
                &asker,
            )?)
        })
        .await?;
    state.record_verification(record).await?;
    state.metrics.verified(
        verdict.claims.as_ref().map(|c| c.kind.as_str()),
        verdict.status.as_str(),
    );
    Ok(verdict)
}

/// `GET /.well-known/jwks.json`: the public keys of every token that can still be valid.
pub async fn jwks_get(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let st = state.clone();
    let jwks = state
        .read(move |conn| Ok(st.keys.ring(conn)?.jwks(crate::db::now())))
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/jwk-set+json")
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .json(jwks))
}
