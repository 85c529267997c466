//! The kinds of proof and who may issue which.

use super::party_kind::PartyKind;
use serde::{Deserialize, Serialize};

/// The three kinds of proof.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[derive(diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum AttestationKind {
    Residence,
    Employment,
    Attendance,
}

impl AttestationKind {
    /// Every kind.
    pub const ALL: [AttestationKind; 3] = [Self::Residence, Self::Employment, Self::Attendance];

    /// The stored and submitted value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Residence => "residence",
            Self::Employment => "employment",
            Self::Attendance => "attendance",
        }
    }

    /// Parses the stored or submitted value.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The kinds a party of `party` may issue: lessor → residence; employer → employment and
    /// residence (dormitory); school → attendance and residence (dormitory); committees →
    /// residence.
    pub fn allowed_for(party: PartyKind) -> &'static [AttestationKind] {
        match party {
            PartyKind::Lessor | PartyKind::ResidentsCommittee | PartyKind::VillagersCommittee => {
                &[Self::Residence]
            }
            PartyKind::Employer => &[Self::Employment, Self::Residence],
            PartyKind::School => &[Self::Attendance, Self::Residence],
        }
    }

    /// The message key of the document title: 住宿证明 / 居住证明 / 在职证明 / 在读证明.
    pub fn title_key(self, party: PartyKind) -> &'static str {
        match (self, party) {
            (Self::Residence, PartyKind::ResidentsCommittee | PartyKind::VillagersCommittee) => {
                "title.residence_committee"
            }
            (Self::Residence, _) => "title.residence",
            (Self::Employment, _) => "title.employment",
            (Self::Attendance, _) => "title.attendance",
        }
    }
}
