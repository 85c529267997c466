//! `attest verify` (a token against a JWK Set, and its status against the status list it
//! names, fetched or from a cache) and `attest statuslist fetch` (a cache for a machine
//! that will be offline).

use super::{fail, CliError};
use crate::domain::status_list::{StatusList, TokenStatus};
use crate::tokens::status_list::{self as list_token, ListClaims, MEDIA_TYPE};
use crate::tokens::verify::{check_signature, time_status};
use crate::tokens::VerifyStatus;
use crate::verification::VerifyInput;
use jsonwebtoken::DecodingKey;
use std::path::{Path, PathBuf};

/// The JWK Set's file name in a status cache.
pub const CACHED_JWKS: &str = "jwks.json";

/// Exit code of a token whose status cannot be told (no list, or one past its `exp`).
const STATUS_UNKNOWN: u8 = 3;

/// Verifies a token offline; then its status from the list it names (from `cache` when
/// that copy is within its `ttl`, else fetched, else the cached copy until its `exp`).
/// Exit 0 only for a good signature within its validity whose list says valid, or which
/// names no list (then only an online check can tell whether it was ended, and it says so).
pub fn verify(
    input: &str,
    jwks: &str,
    issuer: Option<&str>,
    cache: Option<&Path>,
) -> Result<(), CliError> {
    let keys = jwks_keys(&read_jwks(jwks)?)?;
    let key_for = |kid: &str| keys.iter().find(|(k, _)| k == kid).map(|(_, key)| key);
    let VerifyInput::Token(token) = VerifyInput::parse(input) else {
        return Err(fail(
            "invalid: not a token (a short code can only be checked online at /verify)",
        ));
    };
    let issuers: Option<Vec<String>> = issuer.map(|i| vec![i.trim_end_matches('/').to_owned()]);
    let claims = check_signature(&token, key_for, issuers.as_deref())
        .map_err(|reason| fail(format!("invalid: {}", crate::i18n::Lang::En.t(reason))))?;
    let now = chrono::Utc::now().timestamp();
    let json = serde_json::to_string_pretty(&claims).unwrap_or_default();
    println!("{json}");
    let status = time_status(&claims, now);
    if status != VerifyStatus::Valid {
        return Err(fail(format!(
            "{}: the signature is good but the proof is outside its validity",
            status.as_str()
        )));
    }
    let dates = format!(
        "valid signature and dates ({} to {})",
        claims.valid_from, claims.valid_until
    );
    let Some(entry) = claims.status.map(|s| s.status_list) else {
        println!(
            "{dates}; this proof names no status list (issued before status lists): \
             whether it was ended can only be checked online"
        );
        return Ok(());
    };
    let list = match status_list(&entry.uri, &key_for, cache, now) {
        Ok(list) => list,
        Err(why) => {
            return Err(CliError {
                message: format!("status unknown: {why}"),
                code: STATUS_UNKNOWN,
            })
        }
    };
    let age = describe_age(now - list.claims.iat);
    let value = list.list.get(entry.idx);
    let stale = now > list.claims.exp;
    if stale {
        return Err(CliError {
            message: format!(
                "status unknown (stale list): the status list is {age} old, past its exp \
                 — fetch it again (attest statuslist fetch)"
            ),
            code: STATUS_UNKNOWN,
        });
    }
    let freshness = if now - list.claims.iat > list.claims.ttl {
        format!(
            "status list {age} old, older than its ttl of {} s: a change since then is not known",
            list.claims.ttl
        )
    } else {
        format!("status list {age} old")
    };
    match value.and_then(TokenStatus::from_value) {
        Some(TokenStatus::Valid) => {
            println!("valid: {dates}; not ended ({freshness})");
            Ok(())
        }
        Some(TokenStatus::Invalid) => Err(fail(format!(
            "ended: the issuer ended or replaced this proof ({freshness})"
        ))),
        Some(TokenStatus::Suspended) => Err(fail(format!(
            "suspect: a station flagged this proof as possibly false ({freshness})"
        ))),
        None => Err(CliError {
            message: format!("status unknown: the list has no status {} ", entry.idx),
            code: STATUS_UNKNOWN,
        }),
    }
}

/// A checked status list.
struct Fetched {
    claims: ListClaims,
    list: StatusList,
}

/// The list at `uri`: the cached copy while within its `ttl`, else fetched (and cached),
/// else the cached copy whatever its age (the caller judges it by `exp`).
fn status_list<'k>(
    uri: &str,
    key_for: &impl Fn(&str) -> Option<&'k DecodingKey>,
    cache: Option<&Path>,
    now: i64,
) -> Result<Fetched, String> {
    let file = cache.map(|dir| dir.join(cache_name(uri)));
    let cached = file
        .as_ref()
        .and_then(|f| std::fs::read_to_string(f).ok())
        .and_then(|token| checked(&token, key_for, uri).ok());
    let cached = match cached {
        Some(list) if now - list.claims.iat <= list.claims.ttl => return Ok(list),
        other => other,
    };
    match fetch_list(uri).and_then(|token| {
        let list = checked(&token, key_for, uri)?;
        Ok((token, list))
    }) {
        Ok((token, list)) => {
            if let Some(file) = &file {
                // A cache that cannot be written is only a cache.
                let _ = std::fs::write(file, token);
            }
            Ok(list)
        }
        Err(why) => cached.ok_or(why),
    }
}

fn checked<'k>(
    token: &str,
    key_for: &impl Fn(&str) -> Option<&'k DecodingKey>,
    uri: &str,
) -> Result<Fetched, String> {
    let claims = list_token::check(token, key_for, uri).map_err(|e| format!("{uri}: {e}"))?;
    let list = StatusList::decode(claims.status_list.bits, &claims.status_list.lst)
        .map_err(|e| format!("{uri}: {e}"))?;
    Ok(Fetched { claims, list })
}

fn fetch_list(uri: &str) -> Result<String, String> {
    ureq::get(uri)
        .header("Accept", MEDIA_TYPE)
        .call()
        .and_then(|mut r| r.body_mut().read_to_string())
        .map_err(|e| format!("cannot fetch the status list {uri}: {e}"))
}

/// The file of list `uri` in a cache: the URI with every character but letters, digits,
/// `-` and `.` as `_`.
fn cache_name(uri: &str) -> String {
    let name: String = uri
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{name}.jwt")
}

fn describe_age(secs: i64) -> String {
    match secs.max(0) {
        s if s < 120 => format!("{s} s"),
        s if s < 7200 => format!("{} min", s / 60),
        s => format!("{} h", s / 3600),
    }
}

/// `attest statuslist fetch`: the issuer's JWK Set and every status list, checked, into
/// `dir` for `attest verify --jwks DIR/jwks.json --status-cache DIR`.
pub fn fetch(dir: &Path, issuer: &str) -> Result<(), CliError> {
    let issuer = issuer.trim_end_matches('/');
    let get = |url: &str| {
        ureq::get(url)
            .call()
            .and_then(|mut r| r.body_mut().read_to_string())
            .map_err(|e| fail(format!("cannot fetch {url}: {e}")))
    };
    let jwks = get(&format!("{issuer}{}", crate::web::paths::JWKS))?;
    let keys = jwks_keys(&jwks)?;
    let key_for = |kid: &str| keys.iter().find(|(k, _)| k == kid).map(|(_, key)| key);
    let index: serde_json::Value = serde_json::from_str(&get(&format!(
        "{issuer}{}",
        crate::web::paths::STATUS_LISTS
    ))?)
    .map_err(|e| {
        fail(format!(
            "{issuer}: the list of status lists is not JSON ({e})"
        ))
    })?;
    let uris: Vec<&str> = index["status_lists"]
        .as_array()
        .ok_or_else(|| fail(format!("{issuer}: no \"status_lists\" array")))?
        .iter()
        .filter_map(|u| u.as_str())
        .collect();
    std::fs::create_dir_all(dir)
        .map_err(|e| fail(format!("--to: cannot create {}: {e}", dir.display())))?;
    let write = |path: PathBuf, text: &str| {
        std::fs::write(&path, text)
            .map_err(|e| fail(format!("cannot write {}: {e}", path.display())))
    };
    for uri in &uris {
        let token = fetch_list(uri).map_err(fail)?;
        checked(&token, &key_for, uri).map_err(fail)?;
        write(dir.join(cache_name(uri)), &token)?;
    }
    write(dir.join(CACHED_JWKS), &jwks)?;
    println!(
        "{} status list(s) and the JWK Set of {issuer} in {}; offline: attest verify TOKEN \
         --jwks {} --status-cache {}",
        uris.len(),
        dir.display(),
        dir.join(CACHED_JWKS).display(),
        dir.display()
    );
    Ok(())
}

/// The `x` of every Ed25519 key in a JWK Set, by kid.
fn jwks_keys(text: &str) -> Result<Vec<(String, DecodingKey)>, CliError> {
    let jwks: serde_json::Value =
        serde_json::from_str(text).map_err(|e| fail(format!("--jwks: not JSON ({e})")))?;
    let keys = jwks["keys"]
        .as_array()
        .ok_or_else(|| fail("--jwks: no \"keys\" array"))?;
    Ok(keys
        .iter()
        .filter(|k| k["kty"] == "OKP" && k["crv"] == "Ed25519")
        .filter_map(|k| {
            let kid = k["kid"].as_str()?.to_owned();
            let key = DecodingKey::from_ed_components(k["x"].as_str()?).ok()?;
            Some((kid, key))
        })
        .collect())
}

fn read_jwks(source: &str) -> Result<String, CliError> {
    if source.starts_with("http://") || source.starts_with("https://") {
        ureq::get(source)
            .call()
            .and_then(|mut r| r.body_mut().read_to_string())
            .map_err(|e| fail(format!("--jwks: cannot fetch {source}: {e}")))
    } else {
        std::fs::read_to_string(source)
            .map_err(|e| fail(format!("--jwks: cannot read {source}: {e}")))
    }
}
