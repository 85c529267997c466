//! Who a user is to the portal.

/// The role of a user account.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, diesel::AsExpression, diesel::FromSqlRow,
)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum Role {
    /// Creates stations and staff, sees everything.
    Admin,
    /// Staff of one police station.
    Station,
    /// Staff of one police station who also adds and disables its officers.
    StationAdmin,
    /// A user of one assisting party.
    Party,
}

impl Role {
    /// The value stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Station => "station",
            Role::StationAdmin => "station_admin",
            Role::Party => "party",
        }
    }

    /// Parses the stored value.
    pub fn parse(s: &str) -> Option<Self> {
        [Role::Admin, Role::Station, Role::StationAdmin, Role::Party]
            .into_iter()
            .find(|r| r.as_str() == s)
    }

    /// Whether the role belongs to one station (an officer or a station admin).
    pub fn is_station_staff(self) -> bool {
        matches!(self, Role::Station | Role::StationAdmin)
    }

    /// Whether the role is police staff: an administrator or a station's.
    pub fn is_staff(self) -> bool {
        self != Role::Party
    }
}

/// Who must log in with a second factor (`ATTEST_REQUIRE_2FA`): without one, they set it up
/// before anything else. Anyone may turn it on for themself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SecondFactorPolicy {
    /// Station staff and administrators.
    #[default]
    Staff,
    /// Everyone, parties too.
    All,
    /// Nobody: each user chooses.
    None,
}

impl SecondFactorPolicy {
    /// Parses the setting's value.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "staff" => Some(Self::Staff),
            "all" => Some(Self::All),
            "none" => Some(Self::None),
            _ => None,
        }
    }

    /// Whether a user of `role` must have a second factor.
    pub fn requires(self, role: Role) -> bool {
        match self {
            Self::Staff => role.is_staff(),
            Self::All => true,
            Self::None => false,
        }
    }
}

/// What a user of a party may do there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum PartyRole {
    /// Everything, including the team, the API keys and the party's details and settings.
    Owner,
    /// Issues, prints, renews and ends proofs.
    Clerk,
}

impl PartyRole {
    pub const ALL: [PartyRole; 2] = [PartyRole::Owner, PartyRole::Clerk];

    /// The value stored in the database and sent by forms.
    pub fn as_str(self) -> &'static str {
        match self {
            PartyRole::Owner => "owner",
            PartyRole::Clerk => "clerk",
        }
    }

    /// Parses the stored value.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The message key of its label.
    pub fn label_key(self) -> String {
        format!("party_role.{}", self.as_str())
    }
}
