//! Ed25519 signing keys. The private key of each lives in `DATA_DIR/keys/<kid>.pem`
//! (PKCS#8, mode 0600, never logged); the list of keys, their public halves and when they
//! were retired live in the database. `kid` is the RFC 7638 JWK thumbprint.

use crate::db::models::signing_keys::{self, SigningKeyRow};
use crate::db::DbConnection;
use anyhow::Context;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{Duration, NaiveDateTime};
use ed25519_dalek::pkcs8::{spki::der::pem::LineEnding, EncodePrivateKey};
use jsonwebtoken::{DecodingKey, EncodingKey};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Instant;

/// A retired key stays published this long: the longest validity of a token it signed.
pub const PUBLISH_AFTER_RETIREMENT: Duration =
    Duration::days(crate::domain::attestation::MAX_VALIDITY_DAYS + 1);
/// How long a server trusts its loaded key list before reading it again (a rotation by the
/// CLI or another instance is picked up within this time).
const RELOAD_AFTER: std::time::Duration = std::time::Duration::from_secs(30);

/// The RFC 7638 thumbprint of an Ed25519 public key given as base64url `x`.
pub fn thumbprint(x: &str) -> String {
    let canonical = format!(r#"{{"crv":"Ed25519","kty":"OKP","x":"{x}"}}"#);
    URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()))
}

/// One key: its id, public half, and (for the current key) the signing half.
pub struct KeyEntry {
    pub row: SigningKeyRow,
    pub decoding: DecodingKey,
    encoding: Option<EncodingKey>,
}

/// Every key the portal knows, newest first.
pub struct KeyRing {
    entries: Vec<KeyEntry>,
}

impl KeyRing {
    /// Loads the keys; the private key of the newest active one is read from `dir`.
    pub fn load(conn: &mut DbConnection, dir: &Path) -> anyhow::Result<Self> {
        let mut entries = Vec::new();
        for row in signing_keys::list_newest_first(conn)? {
            let decoding = DecodingKey::from_ed_components(&row.public_x)
                .with_context(|| format!("public key {} is not valid", row.kid))?;
            let is_signer = row.retired_at.is_none()
                && !entries.iter().any(|e: &KeyEntry| e.encoding.is_some());
            let encoding = if is_signer {
                let pem = std::fs::read(key_path(dir, &row.kid)).with_context(|| {
                    format!(
                        "private key of {} is missing from {}",
                        row.kid,
                        dir.display()
                    )
                })?;
                Some(
                    EncodingKey::from_ed_pem(&pem)
                        .with_context(|| format!("private key of {} is not valid", row.kid))?,
                )
            } else {
                None
            };
            entries.push(KeyEntry {
                row,
                decoding,
                encoding,
            });
        }
        Ok(Self { entries })
    }

    /// The key new tokens are signed with: its kid and signing half.
    pub fn signer(&self) -> Option<(&str, &EncodingKey)> {
        self.entries
            .iter()
            .find_map(|e| e.encoding.as_ref().map(|k| (e.row.kid.as_str(), k)))
    }

    /// The public key with `kid`, if the portal ever had it.
    pub fn decoding(&self, kid: &str) -> Option<&DecodingKey> {
        self.entries
            .iter()
            .find(|e| e.row.kid == kid)
            .map(|e| &e.decoding)
    }

    /// Every key, newest first.
    pub fn entries(&self) -> &[KeyEntry] {
        &self.entries
    }

    /// The JWK Set of every key that can still have a valid token at `now`.
    pub fn jwks(&self, now: NaiveDateTime) -> serde_json::Value {
        let keys: Vec<serde_json::Value> = self
            .entries
            .iter()
            .filter(|e| {
                e.row
                    .retired_at
                    .is_none_or(|r| r + PUBLISH_AFTER_RETIREMENT > now)
            })
            .map(|e| {
                serde_json::json!({
                    "kty": "OKP",
                    "crv": "Ed25519",
                    "x": e.row.public_x,
                    "kid": e.row.kid,
                    "alg": "EdDSA",
                    "use": "sig",
                })
            })
            .collect();
        serde_json::json!({ "keys": keys })
    }
}

fn key_path(dir: &Path, kid: &str) -> PathBuf {
    dir.join(format!("{kid}.pem"))
}

/// Generates a key, writes its private half to `dir` and records it; returns its kid.
fn generate(conn: &mut DbConnection, dir: &Path) -> anyhow::Result<String> {
    let signing = ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng);
    let x = URL_SAFE_NO_PAD.encode(signing.verifying_key().as_bytes());
    let kid = thumbprint(&x);
    let pem = signing
        .to_pkcs8_pem(LineEnding::LF)
        .map_err(|e| anyhow::anyhow!("cannot encode the new key: {e}"))?;
    crate::secrets::create_private_dir(dir)?;
    let mut file = crate::secrets::create_private_file(&key_path(dir, &kid))
        .with_context(|| format!("cannot write a key to {}", dir.display()))?;
    file.write_all(pem.as_bytes())?;
    file.sync_all()?;
    signing_keys::insert(
        conn,
        &SigningKeyRow {
            kid: kid.clone(),
            public_x: x,
            created_at: crate::db::now(),
            retired_at: None,
        },
    )?;
    Ok(kid)
}

/// Makes sure there is a key to sign with (first start).
pub fn ensure_signer(conn: &mut DbConnection, dir: &Path) -> anyhow::Result<()> {
    if signing_keys::list_newest_first(conn)?
        .iter()
        .any(|k| k.retired_at.is_none())
    {
        return Ok(());
    }
    generate(conn, dir).map(drop)
}

/// A new key for new tokens; the others are retired but verify until their tokens expire.
pub fn rotate(conn: &mut DbConnection, dir: &Path) -> anyhow::Result<String> {
    let kid = generate(conn, dir)?;
    signing_keys::retire_all_but(conn, &kid)?;
    Ok(kid)
}

/// The key ring of a running server, read again every 30 seconds.
pub struct KeyStore {
    dir: PathBuf,
    cached: RwLock<Option<(Instant, Arc<KeyRing>)>>,
}

impl KeyStore {
    /// A store over the keys in `dir`.
    pub fn new(dir: PathBuf) -> Self {
        Self {
            dir,
            cached: RwLock::new(None),
        }
    }

    /// The folder of the private keys.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The current ring, reloaded when older than 30 seconds.
    pub fn ring(&self, conn: &mut DbConnection) -> anyhow::Result<Arc<KeyRing>> {
        if let Ok(guard) = self.cached.read() {
            if let Some((at, ring)) = guard.as_ref() {
                if at.elapsed() < RELOAD_AFTER {
                    return Ok(ring.clone());
                }
            }
        }
        let ring = Arc::new(KeyRing::load(conn, &self.dir)?);
        if let Ok(mut guard) = self.cached.write() {
            *guard = Some((Instant::now(), ring.clone()));
        }
        Ok(ring)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn rfc_8037_thumbprint_example() {
        // RFC 8037 appendix A.3.
        assert_eq!(
            super::thumbprint("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"),
            "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
        );
    }
}
