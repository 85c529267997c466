//! How long someone has lived at an address: years, months and days since they moved in,
//! and the day the six months of Article 2 are reached.

use super::AttestationKind;
use chrono::{Months, NaiveDate};

/// The months of residence Article 2 asks for.
pub const RESIDENCE_MONTHS: u32 = 6;

/// How long someone has lived at an address by a day: years, months and days since they
/// moved in, and the day the six months are (or were) reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResidenceSpan {
    pub since: NaiveDate,
    pub years: u32,
    pub months: u32,
    pub days: u32,
    pub reached_on: NaiveDate,
    pub reached: bool,
}

impl ResidenceSpan {
    /// The span from `since` to `today` (none when `since` is after `today`).
    pub fn new(since: NaiveDate, today: NaiveDate) -> Option<Self> {
        if since > today {
            return None;
        }
        let reached_on = since.checked_add_months(Months::new(RESIDENCE_MONTHS))?;
        let mut whole = months_between(since, today);
        let mut anchor = since.checked_add_months(Months::new(whole))?;
        // A month-end start (31 January) reaches a shorter month clamped: step back.
        if anchor > today {
            whole -= 1;
            anchor = since.checked_add_months(Months::new(whole))?;
        }
        let days = u32::try_from((today - anchor).num_days()).ok()?;
        Some(Self {
            since,
            years: whole / 12,
            months: whole % 12,
            days,
            reached_on,
            reached: today >= reached_on,
        })
    }
}

/// The residence so far that a proof's facts state (proofs of residence only).
pub fn span_of(facts: &super::Facts, today: NaiveDate) -> Option<ResidenceSpan> {
    if facts.kind() != AttestationKind::Residence {
        return None;
    }
    ResidenceSpan::new(facts.date("residing_since")?, today)
}

/// Whole calendar months from `from` to `to` (`from` ≤ `to`), counted by day of month.
fn months_between(from: NaiveDate, to: NaiveDate) -> u32 {
    use chrono::Datelike;
    let months = (to.year() - from.year()) * 12 + to.month0() as i32
        - from.month0() as i32
        - i32::from(to.day() < from.day());
    u32::try_from(months).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_span_counts_calendar_months_and_days() {
        let s = ResidenceSpan::new(day("2025-01-31"), day("2026-03-02")).unwrap();
        assert_eq!((s.years, s.months, s.days), (1, 1, 2));
        assert_eq!(s.reached_on, day("2025-07-31"));
        assert!(s.reached);
        let s = ResidenceSpan::new(day("2026-08-03"), day("2026-12-03")).unwrap();
        assert_eq!((s.years, s.months, s.days), (0, 4, 0));
        assert_eq!(s.reached_on, day("2027-02-03"));
        assert!(!s.reached);
        let s = ResidenceSpan::new(day("2026-06-03"), day("2026-12-03")).unwrap();
        assert!(s.reached, "six months to the day are reached");
        assert_eq!(
            ResidenceSpan::new(day("2026-12-04"), day("2026-12-03")),
            None
        );
    }
}
