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
    /// A user of one assisting party.
    Party,
}

impl Role {
    /// The value stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Station => "station",
            Role::Party => "party",
        }
    }

    /// Parses the stored value.
    pub fn parse(s: &str) -> Option<Self> {
        [Role::Admin, Role::Station, Role::Party]
            .into_iter()
            .find(|r| r.as_str() == s)
    }
}
