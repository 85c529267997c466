//! The kinds of assisting party and where a party stands with its station.

use serde::{Deserialize, Serialize};

/// The five kinds of assisting party named in Article 8.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
#[clap(rename_all = "snake_case")]
#[derive(diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum PartyKind {
    Lessor,
    Employer,
    School,
    ResidentsCommittee,
    VillagersCommittee,
}

impl PartyKind {
    /// Every kind, in the order forms list them.
    pub const ALL: [PartyKind; 5] = [
        PartyKind::Lessor,
        PartyKind::Employer,
        PartyKind::School,
        PartyKind::ResidentsCommittee,
        PartyKind::VillagersCommittee,
    ];

    /// The value stored in the database and sent by forms.
    pub fn as_str(self) -> &'static str {
        match self {
            PartyKind::Lessor => "lessor",
            PartyKind::Employer => "employer",
            PartyKind::School => "school",
            PartyKind::ResidentsCommittee => "residents_committee",
            PartyKind::VillagersCommittee => "villagers_committee",
        }
    }

    /// Parses the stored or submitted value.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Where a party stands with its station.
#[derive(Debug, Clone, Copy, PartialEq, Eq, diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum PartyStatus {
    Pending,
    Approved,
    Rejected,
    Suspended,
}

impl PartyStatus {
    /// The value stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            PartyStatus::Pending => "pending",
            PartyStatus::Approved => "approved",
            PartyStatus::Rejected => "rejected",
            PartyStatus::Suspended => "suspended",
        }
    }

    /// Parses the stored value.
    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Pending,
            Self::Approved,
            Self::Rejected,
            Self::Suspended,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}
