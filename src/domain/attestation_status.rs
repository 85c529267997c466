//! What was done to a proof after it was issued, as stored; and what the proof is on a
//! given day, read from that and its validity — the one status every surface shows.

use chrono::{Duration, NaiveDate};

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
    /// Replaced by a renewal.
    Superseded,
}

impl AttestationStatus {
    /// Every state.
    pub const ALL: [AttestationStatus; 4] =
        [Self::Active, Self::Revoked, Self::Suspect, Self::Superseded];

    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Revoked => "revoked",
            Self::Suspect => "suspect",
            Self::Superseded => "superseded",
        }
    }

    /// Parses the stored or submitted value.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A proof is `Expiring` from this many days before its last day.
pub const EXPIRING_DAYS: i64 = 14;

/// What a proof is on a day (China time): its stored state, then its validity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProofStatus {
    Active,
    /// Its first day has not come.
    NotYetValid,
    /// Active, and its last day is within `EXPIRING_DAYS`.
    Expiring,
    /// Its last day has passed.
    Expired,
    Revoked,
    Suspect,
    Superseded,
}

impl ProofStatus {
    /// Every status, in the order lists show them.
    pub const ALL: [ProofStatus; 7] = [
        Self::Active,
        Self::Expiring,
        Self::NotYetValid,
        Self::Expired,
        Self::Suspect,
        Self::Revoked,
        Self::Superseded,
    ];

    /// The status on `today` of a proof stored as `stored`, valid `from` to `until`
    /// (both days included).
    pub fn of(
        stored: AttestationStatus,
        from: NaiveDate,
        until: NaiveDate,
        today: NaiveDate,
    ) -> Self {
        match stored {
            AttestationStatus::Revoked => Self::Revoked,
            AttestationStatus::Suspect => Self::Suspect,
            AttestationStatus::Superseded => Self::Superseded,
            AttestationStatus::Active if today < from => Self::NotYetValid,
            AttestationStatus::Active if today > until => Self::Expired,
            AttestationStatus::Active if today >= until - Duration::days(EXPIRING_DAYS) => {
                Self::Expiring
            }
            AttestationStatus::Active => Self::Active,
        }
    }

    /// Its value in the API, in CSS classes and in message keys (`astatus.expiring`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::NotYetValid => "not_yet_valid",
            Self::Expiring => "expiring",
            Self::Expired => "expired",
            Self::Revoked => "revoked",
            Self::Suspect => "suspect",
            Self::Superseded => "superseded",
        }
    }

    /// Parses a submitted value.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The message key of its label (有效, 即将到期, …).
    pub fn label_key(self) -> String {
        format!("astatus.{}", self.as_str())
    }

    /// The message key of the stamp across a printed proof that may not be relied on; none
    /// for a proof in force.
    pub fn stamp_key(self) -> Option<String> {
        match self {
            Self::Active | Self::Expiring => None,
            other => Some(format!("stamp.{}", other.as_str())),
        }
    }

    /// True while the proof may be relied on (active or expiring).
    pub fn in_force(self) -> bool {
        matches!(self, Self::Active | Self::Expiring)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
    }

    #[test]
    fn a_proof_is_expiring_for_its_last_fourteen_days_and_expired_the_day_after() {
        let (from, until) = (day(1), day(31));
        let on = |today| ProofStatus::of(AttestationStatus::Active, from, until, today);
        assert_eq!(on(day(1) - Duration::days(1)), ProofStatus::NotYetValid);
        assert_eq!(on(day(1)), ProofStatus::Active);
        assert_eq!(on(day(16)), ProofStatus::Active);
        assert_eq!(on(day(17)), ProofStatus::Expiring);
        assert_eq!(on(day(31)), ProofStatus::Expiring);
        assert_eq!(on(day(31) + Duration::days(1)), ProofStatus::Expired);
    }

    #[test]
    fn what_was_done_to_a_proof_outranks_its_dates() {
        let after = day(31) + Duration::days(30);
        for (stored, status) in [
            (AttestationStatus::Revoked, ProofStatus::Revoked),
            (AttestationStatus::Suspect, ProofStatus::Suspect),
            (AttestationStatus::Superseded, ProofStatus::Superseded),
        ] {
            assert_eq!(ProofStatus::of(stored, day(1), day(31), after), status);
        }
        assert_eq!(ProofStatus::Suspect.stamp_key().unwrap(), "stamp.suspect");
        assert_eq!(ProofStatus::Expiring.stamp_key(), None);
    }
}
