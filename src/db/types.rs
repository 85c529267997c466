//! The stored enums and ids as text columns on both backends. Writing stores `as_str()`; reading
//! parses, and a value the portal does not know is an error naming the column and the value,
//! never a silent fallback to another kind.

use super::{MultiBackend, MultiRawValue};
use crate::domain::{
    ApplicationId, AttestationId, AttestationKind, AttestationStatus, BatchId, BatchState,
    IdentifierType, PartyId, PartyKind, PartyRole, PartyStatus, Role, StationId, UserId,
};
use diesel::deserialize::{self, FromSql};
use diesel::pg::{Pg, PgValue};
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::Text;
use diesel::sqlite::{Sqlite, SqliteValue};

/// The error of reading `value` from `column`, which holds none of the enum's values.
pub fn unknown_value(column: &str, value: &str) -> Box<dyn std::error::Error + Send + Sync> {
    format!("{column} holds {value:?}, which is none of its values").into()
}

macro_rules! text_column {
    ($ty:ty, $column:literal) => {
        impl ToSql<Text, Sqlite> for $ty {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
                out.set_value(self.as_str());
                Ok(IsNull::No)
            }
        }
        impl ToSql<Text, Pg> for $ty {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
                <str as ToSql<Text, Pg>>::to_sql(self.as_str(), out)
            }
        }
        impl FromSql<Text, Sqlite> for $ty {
            fn from_sql(value: SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
                let text = <String as FromSql<Text, Sqlite>>::from_sql(value)?;
                <$ty>::parse(&text).ok_or_else(|| unknown_value($column, &text))
            }
        }
        impl FromSql<Text, MultiBackend> for $ty {
            fn from_sql(value: MultiRawValue<'_>) -> deserialize::Result<Self> {
                value.from_sql::<Self, Text>()
            }
        }
        impl ToSql<Text, MultiBackend> for $ty {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, MultiBackend>) -> serialize::Result {
                out.set_value((Text, self));
                Ok(IsNull::No)
            }
        }
        impl FromSql<Text, Pg> for $ty {
            fn from_sql(value: PgValue<'_>) -> deserialize::Result<Self> {
                let text = <String as FromSql<Text, Pg>>::from_sql(value)?;
                <$ty>::parse(&text).ok_or_else(|| unknown_value($column, &text))
            }
        }
    };
}

text_column!(AttestationKind, "attestations.kind / bulk_batches.kind");
text_column!(AttestationStatus, "attestations.status");
text_column!(PartyKind, "parties.kind");
text_column!(PartyStatus, "parties.status");
text_column!(IdentifierType, "parties.identifier_type");
text_column!(Role, "users.role");
text_column!(PartyRole, "users.party_role / invitations.party_role");
text_column!(
    crate::domain::party::ChangeStatus,
    "party_change_requests.status"
);
text_column!(BatchState, "bulk_batches.state");
text_column!(AttestationId, "an attestation id");
text_column!(PartyId, "a party id");
text_column!(UserId, "a user id");
text_column!(StationId, "a station id");
text_column!(BatchId, "a batch id");
text_column!(ApplicationId, "an application id");
text_column!(
    crate::domain::article9::ApplicationKind,
    "applications.kind"
);
text_column!(
    crate::domain::ending::EndReason,
    "attestations.revoke_reason_code"
);
