//! The context every HTML page is rendered with.

use super::csrf::CsrfCookie;
use super::session::{self, SessionUser};
use super::AppState;
use crate::domain::Role;
use crate::error::AppError;
use crate::i18n::Lang;
use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use std::future::Future;
use std::pin::Pin;

/// Language, logged-in user and CSRF token of the request, for the layout and the handler.
#[derive(Debug, Clone)]
pub struct Page {
    pub lang: Lang,
    pub user: Option<SessionUser>,
    pub csrf_token: String,
    /// The path and query of this page, where the language switch returns to.
    pub path: String,
    /// Today in China by the portal's clock: the day every status is read on.
    pub today: chrono::NaiveDate,
}

impl Page {
    /// The text of `key` in the page's language.
    pub fn t(&self, key: impl AsRef<str>) -> String {
        self.lang.t(key.as_ref())
    }

    /// The text of a stored value, such as `label("kind", "employer")` → 用人单位.
    pub fn label(&self, prefix: &str, value: impl AsRef<str>) -> String {
        self.t(format!("{prefix}.{}", value.as_ref()))
    }

    /// How long someone has lived at an address: "1 年 2 个月 3 天".
    pub fn residence_span(&self, span: &crate::domain::article9::ResidenceSpan) -> String {
        self.t("span.count")
            .replace("%{years}", &span.years.to_string())
            .replace("%{months}", &span.months.to_string())
            .replace("%{days}", &span.days.to_string())
    }

    /// The logged-in user, whether or not they still have to set up a second factor.
    pub fn signed_in(&self) -> Result<&SessionUser, AppError> {
        self.user.as_ref().ok_or(AppError::Unauthorized)
    }

    /// The logged-in user if they have one of `roles`; otherwise a redirect to the login
    /// page (nobody logged in), to the second factor's setup (required and missing), or 403.
    pub fn require(&self, roles: &[Role]) -> Result<&SessionUser, AppError> {
        let user = self.signed_in()?;
        if user.second_factor_missing {
            return Err(AppError::SecondFactorMissing);
        }
        if roles.contains(&user.role) {
            Ok(user)
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// The role of the logged-in user, for the navigation.
    /// True for an owner of a party (the team, keys and settings are theirs).
    pub fn is_party_owner(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| u.party_role == Some(crate::domain::PartyRole::Owner))
    }

    pub fn role(&self) -> Option<&'static str> {
        self.user.as_ref().map(|u| u.role.as_str())
    }

    /// The link of the language switch.
    pub fn switch_href(&self) -> String {
        let next: String = url::form_urlencoded::byte_serialize(self.path.as_bytes()).collect();
        format!("/lang?to={}&next={next}", self.lang.other().code())
    }

    /// A page context without a database lookup, for error pages.
    pub fn minimal(req: &HttpRequest) -> Page {
        Page {
            lang: Lang::of_request(req),
            user: req.extensions().get::<SessionUser>().cloned(),
            csrf_token: csrf_token_of(req),
            path: req.uri().path().to_owned(),
            today: req
                .app_data::<web::Data<AppState>>()
                .map_or_else(crate::domain::china_time::today, |s| s.config.clock.today()),
        }
    }
}

/// 15 digits or more in a row: possibly an ID number.
fn has_long_digit_run(text: &str) -> bool {
    text.split(|c: char| !c.is_ascii_digit())
        .any(|run| run.len() >= 15)
}

fn csrf_token_of(req: &HttpRequest) -> String {
    let cookie = req.extensions().get::<CsrfCookie>().map(|c| c.0.clone());
    match (cookie, req.app_data::<web::Data<AppState>>()) {
        (Some(cookie), Some(state)) => super::csrf::token_for(&state.secrets, &cookie),
        _ => String::new(),
    }
}

impl FromRequest for Page {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = super::state_of(&req)?;
            let name = session::cookie_name(super::https(&req));
            let mut user = match req.cookie(name) {
                Some(c) if !c.value().is_empty() => {
                    let token = c.value().to_owned();
                    let secrets = state.secrets.clone();
                    state
                        .db(move |conn| Ok(session::resume(conn, &secrets, &token)?))
                        .await?
                }
                _ => None,
            };
            if let Some(user) = &mut user {
                user.second_factor_missing =
                    state.config.second_factor.requires(user.role) && !user.second_factor;
                req.extensions_mut().insert(user.clone());
            }
            // The language switch returns to this page with its query, unless the query
            // holds what may be an ID number (a long run of digits): never in a link.
            let path = match req.uri().query() {
                Some(q) if !has_long_digit_run(q) => format!("{}?{q}", req.uri().path()),
                _ => req.uri().path().to_owned(),
            };
            Ok(Page {
                lang: Lang::of_request(&req),
                user,
                csrf_token: csrf_token_of(&req),
                path,
                today: state.config.clock.today(),
            })
        })
    }
}

impl Page {
    /// A stored UTC time shown in China Standard Time (UTC+8, no daylight saving).
    pub fn time(&self, at: &chrono::NaiveDateTime) -> String {
        crate::domain::china_time::minute(*at)
    }
}
