//! Signing and checking tokens: the algorithm is pinned to EdDSA, `typ`, `kid`, `iss`,
//! `aud`, `nbf` and `exp` are required, and 60 s of clock skew is allowed.

use super::{Claims, KeyRing, LEEWAY_SECS, MAX_TOKEN_LEN, TOKEN_TYPE};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::Serialize;

/// The answer to "is this proof good?".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VerifyStatus {
    Valid,
    Revoked,
    /// Flagged by a station as possibly false (Article 18).
    Suspect,
    /// Replaced by a renewal: the newer proof is the one to rely on.
    Superseded,
    Expired,
    NotYetValid,
    Invalid,
    Unknown,
}

impl VerifyStatus {
    /// Every answer.
    pub const ALL: [VerifyStatus; 8] = [
        Self::Valid,
        Self::Revoked,
        Self::Suspect,
        Self::Superseded,
        Self::Expired,
        Self::NotYetValid,
        Self::Invalid,
        Self::Unknown,
    ];

    /// The stored and published name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Valid => "valid",
            Self::Revoked => "revoked",
            Self::Suspect => "suspect",
            Self::Superseded => "superseded",
            Self::Expired => "expired",
            Self::NotYetValid => "not_yet_valid",
            Self::Invalid => "invalid",
            Self::Unknown => "unknown",
        }
    }
}

/// Signs `claims` with the ring's current key.
pub fn sign(claims: &Claims, kid: &str, key: &EncodingKey) -> jsonwebtoken::errors::Result<String> {
    let mut header = Header::new(Algorithm::EdDSA);
    header.typ = Some(TOKEN_TYPE.to_owned());
    header.kid = Some(kid.to_owned());
    jsonwebtoken::encode(&header, claims, key)
}

/// Why a token is not one of ours: the key of its message (`verify.reason.*`), shown in the
/// reader's language.
pub type InvalidReason = &'static str;

/// Every reason `check_signature` gives (the offline verifier gives the same).
pub const REASONS: &[InvalidReason] = &[
    "verify.reason.too_long",
    "verify.reason.not_signed",
    "verify.reason.algorithm",
    "verify.reason.typ",
    "verify.reason.no_kid",
    "verify.reason.unknown_key",
    "verify.reason.iss",
    "verify.reason.signature",
    "verify.reason.malformed",
];

/// Checks the signature and the fixed claims of `token` with the key its `kid` names.
/// `issuers` are the portal's URLs (now and before: `Config::issuers`), or `None` offline
/// where only the claim's presence is required.
/// Time is not checked here: see `time_status`.
pub fn check_signature<'k>(
    token: &str,
    key_for: impl Fn(&str) -> Option<&'k DecodingKey>,
    issuers: Option<&[String]>,
) -> Result<Claims, InvalidReason> {
    if token.len() > MAX_TOKEN_LEN {
        return Err("verify.reason.too_long");
    }
    let header = jsonwebtoken::decode_header(token).map_err(|_| "verify.reason.not_signed")?;
    if header.alg != Algorithm::EdDSA {
        return Err("verify.reason.algorithm");
    }
    if header.typ.as_deref() != Some(TOKEN_TYPE) {
        return Err("verify.reason.typ");
    }
    let kid = header.kid.ok_or("verify.reason.no_kid")?;
    let key = key_for(&kid).ok_or("verify.reason.unknown_key")?;
    let mut validation = Validation::new(Algorithm::EdDSA);
    validation.leeway = LEEWAY_SECS as u64;
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    validation.set_required_spec_claims(&["exp", "nbf", "aud", "iss"]);
    if let Some(issuers) = issuers {
        validation.set_issuer(issuers);
    }
    jsonwebtoken::decode::<Claims>(token, key, &validation)
        .map(|data| masked(data.claims))
        .map_err(|e| match e.kind() {
            jsonwebtoken::errors::ErrorKind::InvalidIssuer => "verify.reason.iss",
            jsonwebtoken::errors::ErrorKind::InvalidSignature => "verify.reason.signature",
            _ => "verify.reason.malformed",
        })
}

/// The claims as every surface shows them: an issuer identifier that is a resident ID
/// number (in tokens signed before identifiers had a declared type) masked.
fn masked(mut claims: Claims) -> Claims {
    claims.issuer.identifier =
        crate::domain::identifier::display_identifier(&claims.issuer.identifier);
    claims
}

/// Checks `token` against the portal's keys, issued at one of `issuers`.
pub fn check_with_ring(
    token: &str,
    ring: &KeyRing,
    issuers: &[String],
) -> Result<Claims, InvalidReason> {
    check_signature(token, |kid| ring.decoding(kid), Some(issuers))
}

/// Valid, expired or not yet valid at `now` (Unix seconds), with the leeway.
pub fn time_status(claims: &Claims, now: i64) -> VerifyStatus {
    if now + LEEWAY_SECS < claims.nbf {
        VerifyStatus::NotYetValid
    } else if now - LEEWAY_SECS > claims.exp {
        VerifyStatus::Expired
    } else {
        VerifyStatus::Valid
    }
}
