//! The ids of the things the portal stores, each its own type so that the id of a party
//! cannot be passed where the id of an attestation is meant. Stored as text (a UUIDv7).

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($($name:ident: $what:literal),* $(,)?) => {$(
        #[doc = concat!("The id of ", $what, ".")]
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[derive(diesel::AsExpression, diesel::FromSqlRow)]
        #[diesel(sql_type = diesel::sql_types::Text)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// A new, time-ordered id.
            pub fn generate() -> Self {
                Self(uuid::Uuid::now_v7().to_string())
            }

            /// The id as stored and shown in paths.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The id named by stored or requested text (an unknown id finds nothing).
            pub fn parse(text: &str) -> Option<Self> {
                Some(Self(text.to_owned()))
            }
        }

        impl From<String> for $name {
            fn from(text: String) -> Self {
                Self(text)
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> Self {
                Self(text.to_owned())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    )*};
}

id_type!(
    AttestationId: "an attestation",
    PartyId: "an assisting party",
    UserId: "a user (of a party, a station or the administration)",
    StationId: "a police station",
    BatchId: "a bulk batch",
    ApplicationId: "an application at a station's desk",
);
