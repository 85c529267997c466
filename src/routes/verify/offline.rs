//! `GET /verify/offline`: the verifier that works without a connection. The page is static
//! but for the words it shows (in the reader's language) and the portal's addresses; its
//! script (static/offline.js) checks a token in the browser with WebCrypto Ed25519 against
//! the JWK Set and the status lists its service worker keeps.

use crate::domain::{AttestationKind, PartyKind};
use crate::i18n::Lang;
use crate::tokens::VerifyStatus;
use crate::web::page::Page;
use crate::web::AppState;
use actix_web::http::header;
use actix_web::{web, HttpResponse};
use askama_web::WebTemplate;
use serde::Serialize;
use std::collections::BTreeMap;

/// The offline verifier.
#[derive(askama::Template, WebTemplate)]
#[template(path = "verify/offline.html")]
pub struct OfflinePage {
    pub page: Page,
    /// What the script needs to know, as JSON in a data attribute.
    pub vocabulary: String,
}

/// What the script shows and checks against, from the one list of each.
#[derive(Serialize)]
struct Vocabulary {
    /// The portal's URLs, now and before: a token's `iss` must be one of them.
    issuers: Vec<String>,
    leeway: i64,
    /// Where the script finds what it keeps, and the cache it keeps it in.
    paths: Paths,
    token_type: &'static str,
    list_type: &'static str,
    /// Texts by message key.
    messages: BTreeMap<String, String>,
    /// Per kind, its facts in printed order.
    kinds: BTreeMap<&'static str, Vec<FactLabel>>,
    /// Per kind and issuer kind, the title of the proof.
    titles: BTreeMap<String, String>,
}

/// The paths the page and its worker use, from `web::paths`.
#[derive(Serialize)]
struct Paths {
    cache: &'static str,
    page: &'static str,
    verify: &'static str,
    worker: &'static str,
    shell: [&'static str; 4],
    jwks: &'static str,
    lists: &'static str,
}

/// The name of the browser cache the offline verifier keeps its page, keys and lists in.
const CACHE: &str = "attest-offline-v1";

fn paths() -> Paths {
    use crate::web::paths::*;
    Paths {
        cache: CACHE,
        page: VERIFY_OFFLINE,
        verify: VERIFY,
        worker: OFFLINE_WORKER,
        shell: [VERIFY_OFFLINE, OFFLINE_SCRIPT, SCRIPT, STYLESHEET],
        jwks: JWKS,
        lists: STATUS_LISTS,
    }
}

#[derive(Serialize)]
struct FactLabel {
    name: &'static str,
    label: String,
    /// Values that are words (a choice, yes or no), by value.
    values: BTreeMap<String, String>,
    absent: Option<String>,
}

/// Message keys the script shows.
const MESSAGES: &[&str] = &[
    "offline.marker",
    "offline.lists_age",
    "offline.lists_none",
    "offline.lists_stale",
    "offline.list_expired",
    "offline.no_list",
    "offline.no_entry",
    "offline.code_needs_server",
    "offline.ended_or_replaced",
    "offline.refreshed",
    "offline.refresh_failed",
    "offline.status_unknown",
    "offline.needs_server",
    "offline.age_s",
    "offline.age_min",
    "offline.age_h",
    "print.issuer",
    "attestations.subject",
    "attestations.subject_id_number",
    "attestations.validity",
    "verify.station",
    "verify.detail",
];

fn vocabulary(lang: Lang, issuers: Vec<String>) -> Vocabulary {
    let mut messages: BTreeMap<String, String> = MESSAGES
        .iter()
        .map(|k| ((*k).to_owned(), lang.t(k)))
        .collect();
    for status in VerifyStatus::ALL {
        for prefix in ["vstatus", "vstatus_text"] {
            let key = format!("{prefix}.{}", status.as_str());
            messages.insert(key.clone(), lang.t(&key));
        }
    }
    for reason in crate::tokens::verify::REASONS {
        messages.insert((*reason).to_owned(), lang.t(reason));
    }
    for kind in PartyKind::ALL {
        let key = format!("kind.{}", kind.as_str());
        messages.insert(key.clone(), lang.t(&key));
    }
    let kinds = AttestationKind::ALL
        .iter()
        .map(|kind| {
            let fields = kind
                .fact_fields()
                .iter()
                .map(|f| FactLabel {
                    name: f.name,
                    label: lang.t(f.label),
                    values: f
                        .input
                        .choices()
                        .map(|(prefix, values)| {
                            let mut words: BTreeMap<String, String> = values
                                .iter()
                                .map(|v| ((*v).to_owned(), lang.t(&format!("{prefix}.{v}"))))
                                .collect();
                            if prefix == crate::domain::fact_fields::YES_NO.0 {
                                words.insert("true".into(), lang.t(&format!("{prefix}.yes")));
                                words.insert("false".into(), lang.t(&format!("{prefix}.no")));
                            }
                            words
                        })
                        .unwrap_or_default(),
                    absent: f.when_absent.map(|k| lang.t(k)),
                })
                .collect();
            (kind.as_str(), fields)
        })
        .collect();
    let titles = AttestationKind::ALL
        .iter()
        .flat_map(|kind| {
            PartyKind::ALL.iter().map(move |party| {
                (
                    format!("{}.{}", kind.as_str(), party.as_str()),
                    lang.t(kind.title_key(*party)),
                )
            })
        })
        .collect();
    Vocabulary {
        issuers,
        leeway: crate::tokens::LEEWAY_SECS,
        paths: paths(),
        token_type: crate::tokens::TOKEN_TYPE,
        list_type: crate::tokens::status_list::LIST_TYPE,
        messages,
        kinds,
        titles,
    }
}

/// `GET /verify/offline`.
pub async fn offline_get(page: Page, state: web::Data<AppState>) -> OfflinePage {
    let vocabulary = serde_json::to_string(&vocabulary(page.lang, state.config.issuers()))
        .unwrap_or_else(|_| "{}".into());
    OfflinePage { page, vocabulary }
}

/// `GET /verify/offline-worker.js`: the service worker, allowed to serve `/verify` (so a
/// scanned `/verify#…` link opens the offline verifier when there is no connection).
pub async fn offline_worker_get() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header(("Service-Worker-Allowed", crate::web::paths::VERIFY))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(include_str!("../../../static/offline-worker.js").replace(
            "__ATTEST_PATHS__",
            &serde_json::to_string(&paths()).unwrap_or_default(),
        ))
}

/// `GET /static/offline.js`: the offline verifier's script.
pub async fn offline_script_get() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(include_str!("../../../static/offline.js"))
}
