//! Signed attestation tokens: Ed25519 keys, the claims, signing and checking.

pub mod claims;
pub mod fragment;
pub mod keys;
pub mod status_list;
pub mod verify;

pub use claims::Claims;
pub use keys::{KeyRing, KeyStore};
pub use verify::VerifyStatus;

/// The `typ` header of every attestation token.
pub const TOKEN_TYPE: &str = "attestation+jwt";
/// Clock skew allowed when checking `nbf` and `exp`, in seconds.
pub const LEEWAY_SECS: i64 = 60;
/// Longer input is not a token of ours.
pub const MAX_TOKEN_LEN: usize = 8 * 1024;
