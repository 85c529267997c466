//! Validated types and rules of the product. Nothing here knows about HTTP or SQL.

pub mod attestation;
pub mod bulk;
pub mod china_time;
pub mod code;
pub mod facts;
pub mod facts_form;
pub mod fields;
pub mod id_number;
pub mod identifier;
pub mod party;
pub mod role;
pub mod uscc;

pub use attestation::{AttestationKind, NewAttestation};
pub use code::VerificationCode;
pub use facts::Facts;
pub use id_number::{IdNumber, IdNumberError};
pub use identifier::{IdentifierType, PartyIdentifier};
pub use party::{PartyDetails, PartyKind, PartyStatus};
pub use role::Role;
pub use uscc::{Uscc, UsccError};
