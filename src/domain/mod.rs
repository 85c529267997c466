//! Validated types and rules of the product. Nothing here knows about HTTP or SQL.

pub mod applicant;
pub mod article9;
pub mod attestation;
pub mod attestation_kind;
pub mod attestation_status;
pub mod bulk;
pub mod china_time;
pub mod code;
pub mod ending;
pub mod fact_fields;
pub mod facts;
pub mod facts_form;
pub mod fields;
pub mod id_number;
pub mod identifier;
pub mod ids;
pub mod party;
pub mod party_kind;
pub mod residence_span;
pub mod role;
pub mod status_list;
pub mod uscc;

pub use attestation::NewAttestation;
pub use attestation_kind::AttestationKind;
pub use attestation_status::{
    AttestationStatus, DateBounds, ListStatus, ProofStatus, EXPIRING_DAYS, REMINDER_HOUR,
};
pub use bulk::BatchState;
pub use code::VerificationCode;
pub use facts::Facts;
pub use id_number::{IdNumber, IdNumberError};
pub use identifier::{IdentifierType, PartyIdentifier};
pub use ids::{ApplicationId, AttestationId, BatchId, PartyId, StationId, UserId};
pub use party::PartyDetails;
pub use party_kind::{PartyKind, PartyStatus};
pub use role::{PartyRole, Role, SecondFactorPolicy};
pub use uscc::{Uscc, UsccError};

/// Shows a stored enum as its stored value (in templates, logs and message keys).
macro_rules! display_as_str {
    ($($ty:ty),*) => {$(
        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }
    )*};
}

display_as_str!(
    article9::ApplicationKind,
    AttestationKind,
    AttestationStatus,
    BatchState,
    IdentifierType,
    PartyKind,
    PartyStatus,
    ProofStatus,
    ending::EndReason,
    Role
);
