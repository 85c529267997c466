//! What was done to a proof after it was issued, as stored.

/// The stored state of an attestation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub enum AttestationStatus {
    /// Issued and not revoked.
    Active,
    /// Revoked by its issuer.
    Revoked,
    /// Flagged by a station as suspect (Article 18).
    Suspect,
}

impl AttestationStatus {
    /// Every state.
    pub const ALL: [AttestationStatus; 3] = [Self::Active, Self::Revoked, Self::Suspect];

    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Revoked => "revoked",
            Self::Suspect => "suspect",
        }
    }

    /// Parses the stored or submitted value.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}
