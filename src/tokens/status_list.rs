//! The signed status list (draft-ietf-oauth-status-list-19, section 5.1): a JWT of type
//! `statuslist+jwt` whose `sub` is its own URI, signed by the portal's current key.

use super::{KeyRing, LEEWAY_SECS};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

/// The `typ` header of a status list token.
pub const LIST_TYPE: &str = "statuslist+jwt";
/// Its media type.
pub const MEDIA_TYPE: &str = "application/statuslist+jwt";

/// The claims of a status list token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListClaims {
    /// The list's URI: equal to the `uri` in the tokens that point to it.
    pub sub: String,
    pub iss: String,
    pub iat: i64,
    pub exp: i64,
    /// Seconds a consumer may cache the list before fetching it again.
    pub ttl: i64,
    pub status_list: ListPayload,
}

/// The `status_list` claim: `bits` per status and the compressed list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListPayload {
    pub bits: u8,
    pub lst: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aggregation_uri: Option<String>,
}

/// Signs a status list with key `kid`.
pub fn sign(
    claims: &ListClaims,
    kid: &str,
    key: &EncodingKey,
) -> jsonwebtoken::errors::Result<String> {
    let mut header = Header::new(Algorithm::EdDSA);
    header.typ = Some(LIST_TYPE.to_owned());
    header.kid = Some(kid.to_owned());
    jsonwebtoken::encode(&header, claims, key)
}

/// Why a status list token is not to be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ListError {
    #[error("not a signed status list (typ, alg or kid)")]
    NotAList,
    #[error("signed by a key the JWKS does not have")]
    UnknownKey,
    #[error("bad signature or claims")]
    Signature,
    #[error("its sub is not the URI the token names")]
    WrongSubject,
}

/// Checks a status list's header, signature and `sub` (`exp` and `ttl` are the caller's:
/// a list past them says something, only not for sure).
pub fn check<'k>(
    token: &str,
    key_for: impl Fn(&str) -> Option<&'k DecodingKey>,
    uri: &str,
) -> Result<ListClaims, ListError> {
    let header = jsonwebtoken::decode_header(token).map_err(|_| ListError::NotAList)?;
    if header.alg != Algorithm::EdDSA || header.typ.as_deref() != Some(LIST_TYPE) {
        return Err(ListError::NotAList);
    }
    let kid = header.kid.ok_or(ListError::NotAList)?;
    let key = key_for(&kid).ok_or(ListError::UnknownKey)?;
    let mut validation = Validation::new(Algorithm::EdDSA);
    validation.leeway = LEEWAY_SECS as u64;
    validation.validate_exp = false;
    validation.set_required_spec_claims(&["sub", "iat"]);
    let claims = jsonwebtoken::decode::<ListClaims>(token, key, &validation)
        .map_err(|_| ListError::Signature)?
        .claims;
    if claims.sub != uri {
        return Err(ListError::WrongSubject);
    }
    Ok(claims)
}

/// `check` against the portal's own keys.
pub fn check_with_ring(token: &str, ring: &KeyRing, uri: &str) -> Result<ListClaims, ListError> {
    check(token, |kid| ring.decoding(kid), uri)
}
