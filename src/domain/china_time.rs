//! China Standard Time (UTC+8, no daylight saving): the calendar of every date on a proof
//! and on every page. The one place the offset is written; times are stored in UTC.

use chrono::{Duration, NaiveDate, NaiveDateTime};

/// UTC+8.
pub const OFFSET: Duration = Duration::hours(8);

/// A stored UTC time as the clock on a wall in China shows it.
pub fn local(utc: NaiveDateTime) -> NaiveDateTime {
    utc + OFFSET
}

/// Today's date in China.
pub fn today() -> NaiveDate {
    local(chrono::Utc::now().naive_utc()).date()
}

/// The UTC time at which `day` begins in China (its end is this plus one day).
pub fn day_start(day: NaiveDate) -> NaiveDateTime {
    day.and_time(chrono::NaiveTime::MIN) - OFFSET
}

/// `at` (UTC) as shown to people: China time to the minute, `2026-11-28 09:30`.
pub fn minute(at: NaiveDateTime) -> String {
    local(at).format("%Y-%m-%d %H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_china_day_starts_at_16_00_utc_the_day_before() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        assert_eq!(day_start(day).to_string(), "2026-11-27 16:00:00");
        assert_eq!(
            local(day_start(day) + Duration::days(1) - Duration::seconds(1)).to_string(),
            "2026-11-28 23:59:59"
        );
    }
}
