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

/// The hour (China time) from which a day's expiry reminders go out.
pub const REMINDER_HOUR: u32 = 8;

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

    /// Which proofs stored `Active` are `self` on `today`, as bounds on their validity (for a
    /// query that stays on an index); `None` for a status read from the stored state alone.
    pub fn date_bounds(self, today: NaiveDate) -> Option<DateBounds> {
        let soon = today + Duration::days(EXPIRING_DAYS);
        let bounds = DateBounds::default();
        match self {
            Self::NotYetValid => Some(DateBounds {
                from_after: Some(today),
                ..bounds
            }),
            Self::Active => Some(DateBounds {
                from_at_most: Some(today),
                until_after: Some(soon),
                ..bounds
            }),
            Self::Expiring => Some(DateBounds {
                from_at_most: Some(today),
                until_at_least: Some(today),
                until_at_most: Some(soon),
                ..bounds
            }),
            Self::Expired => Some(DateBounds {
                until_before: Some(today),
                ..bounds
            }),
            Self::Revoked | Self::Suspect | Self::Superseded => None,
        }
    }

    /// True while the proof may be relied on (active or expiring).
    pub fn in_force(self) -> bool {
        matches!(self, Self::Active | Self::Expiring)
    }
}

/// What a list is filtered by: one status, or every ended proof (revoked or superseded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListStatus {
    Is(ProofStatus),
    Ended,
}

impl ListStatus {
    /// The choices of the lists' status filter, in order.
    pub const CHOICES: [ListStatus; 6] = [
        Self::Is(ProofStatus::Active),
        Self::Is(ProofStatus::Expiring),
        Self::Is(ProofStatus::NotYetValid),
        Self::Is(ProofStatus::Expired),
        Self::Is(ProofStatus::Suspect),
        Self::Ended,
    ];

    /// The submitted value: a status, or `ended`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Is(status) => status.as_str(),
            Self::Ended => "ended",
        }
    }

    /// Parses the submitted value: any status (`revoked` too, as links may say), or `ended`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "ended" => Some(Self::Ended),
            other => ProofStatus::parse(other).map(Self::Is),
        }
    }

    /// The message key of its label.
    pub fn label_key(self) -> String {
        format!("astatus.{}", self.as_str())
    }

    /// The stored states it selects, and the bounds on the dates of those stored active.
    pub fn selects(self, today: NaiveDate) -> (&'static [AttestationStatus], Option<DateBounds>) {
        use AttestationStatus as S;
        match self {
            Self::Ended => (&[S::Revoked, S::Superseded], None),
            Self::Is(ProofStatus::Revoked) => (&[S::Revoked], None),
            Self::Is(ProofStatus::Suspect) => (&[S::Suspect], None),
            Self::Is(ProofStatus::Superseded) => (&[S::Superseded], None),
            Self::Is(status) => (&[S::Active], status.date_bounds(today)),
        }
    }
}

/// Bounds on a proof's first and last day; each `None` is no bound.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DateBounds {
    pub from_at_most: Option<NaiveDate>,
    pub from_after: Option<NaiveDate>,
    pub until_at_least: Option<NaiveDate>,
    pub until_at_most: Option<NaiveDate>,
    pub until_after: Option<NaiveDate>,
    pub until_before: Option<NaiveDate>,
}

impl DateBounds {
    /// True when a proof valid `from` to `until` is within the bounds.
    pub fn hold(&self, from: NaiveDate, until: NaiveDate) -> bool {
        self.from_at_most.is_none_or(|d| from <= d)
            && self.from_after.is_none_or(|d| from > d)
            && self.until_at_least.is_none_or(|d| until >= d)
            && self.until_at_most.is_none_or(|d| until <= d)
            && self.until_after.is_none_or(|d| until > d)
            && self.until_before.is_none_or(|d| until < d)
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
    fn the_query_bounds_select_exactly_the_proofs_of_each_status() {
        let today = day(15);
        for start in -40..40 {
            for length in 0..40 {
                let from = today + Duration::days(start);
                let until = from + Duration::days(length);
                let status = ProofStatus::of(AttestationStatus::Active, from, until, today);
                for candidate in ProofStatus::ALL {
                    let Some(bounds) = candidate.date_bounds(today) else {
                        continue;
                    };
                    assert_eq!(
                        bounds.hold(from, until),
                        candidate == status,
                        "{candidate:?} for {from}..{until} ({status:?})"
                    );
                }
            }
        }
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
