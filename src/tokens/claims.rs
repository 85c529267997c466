//! What an attestation token says (DESIGN.md §3). The subject's ID number is masked.

use crate::domain::{AttestationKind, PartyKind};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The issuing party as the token names it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct IssuerClaim {
    pub name: String,
    pub kind: PartyKind,
    /// The credit code, or the masked ID number of an individual lessor.
    pub identifier: String,
}

/// The person the proof is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SubjectClaim {
    pub name: String,
    /// Always masked: `110105********002X`.
    pub id_number: String,
}

/// The claims of an attestation token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Claims {
    pub iss: String,
    pub jti: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
    /// The code of the station of the issuer's jurisdiction.
    pub aud: String,
    pub kind: AttestationKind,
    pub issuer: IssuerClaim,
    pub subject: SubjectClaim,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
    pub responsibility_accepted: bool,
    /// The facts of the kind: residence, employment or attendance (DESIGN.md §3).
    #[schema(value_type = Object)]
    pub facts: serde_json::Value,
    /// Where the proof's status is published (draft-ietf-oauth-status-list); absent in
    /// tokens signed before status lists, whose status only the portal knows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<StatusClaim>,
}

/// The `status` claim: the mechanism, then the entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StatusClaim {
    pub status_list: StatusListEntry,
}

/// A token's entry in a status list: its index and the list's URI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StatusListEntry {
    pub idx: u32,
    pub uri: String,
}

impl Claims {
    /// The facts, typed by kind (`None` if they do not match the kind).
    pub fn facts(&self) -> Option<crate::domain::Facts> {
        crate::domain::Facts::from_json(self.kind, self.facts.clone()).ok()
    }
}

/// `nbf` of a proof valid from `date`: the start of that day in China (UTC+8).
pub fn start_of_day(date: NaiveDate) -> i64 {
    crate::domain::china_time::day_start(date)
        .and_utc()
        .timestamp()
}

/// `exp` of a proof valid until `date`: the end of that day in China (UTC+8).
pub fn end_of_day(date: NaiveDate) -> i64 {
    start_of_day(date) + 24 * 3600 - 1
}
