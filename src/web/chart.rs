//! Dashboards as pictures: counts per day drawn as server-rendered SVG bars (no chart
//! library in the browser), each chart with the table of its numbers behind it for screen
//! readers. The geometry is computed here; the templates only draw it.

use chrono::{Duration, NaiveDate, NaiveDateTime};

/// The days a dashboard shows.
pub const DAYS: i64 = 30;

/// The drawing's size in SVG units.
pub const WIDTH: f64 = 600.0;
pub const HEIGHT: f64 = 100.0;

/// One bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub day: NaiveDate,
    pub count: i64,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// One row of bars: what it counts (a message key) and its count for each day.
#[derive(Debug, Clone)]
pub struct Series {
    pub key: &'static str,
    pub counts: Vec<i64>,
}

impl Series {
    /// The last part of its key, for ids (`issued`).
    pub fn name(&self) -> &str {
        self.key.rsplit('.').next().unwrap_or(self.key)
    }

    /// The sum over the days.
    pub fn total(&self) -> i64 {
        self.counts.iter().sum()
    }
}

/// Counts per day over `DAYS` days ending today, as bar charts sharing one table.
#[derive(Debug, Clone)]
pub struct DayChart {
    pub days: Vec<NaiveDate>,
    pub series: Vec<Series>,
}

impl DayChart {
    /// The `DAYS` days up to `today`, no series yet.
    pub fn ending(today: NaiveDate) -> Self {
        Self {
            days: (0..DAYS)
                .rev()
                .map(|back| today - Duration::days(back))
                .collect(),
            series: Vec::new(),
        }
    }

    /// The first day shown.
    pub fn first(&self) -> NaiveDate {
        self.days[0]
    }

    /// Adds a series counted by `count_on` for each day.
    pub fn with(mut self, key: &'static str, count_on: impl Fn(NaiveDate) -> i64) -> Self {
        let counts = self.days.iter().map(|d| count_on(*d)).collect();
        self.series.push(Series { key, counts });
        self
    }

    /// Adds a series counting `times` (stored UTC) per China-time day.
    pub fn with_times(self, key: &'static str, times: &[NaiveDateTime]) -> Self {
        let days: Vec<NaiveDate> = times
            .iter()
            .map(|t| crate::domain::china_time::local(*t).date())
            .collect();
        self.with(key, |day| days.iter().filter(|d| **d == day).count() as i64)
    }

    /// The bars of `series`, scaled to its own largest count.
    pub fn bars(&self, series: &Series) -> Vec<Bar> {
        let max = series.counts.iter().copied().max().unwrap_or(0).max(1) as f64;
        let slot = WIDTH / self.days.len().max(1) as f64;
        self.days
            .iter()
            .zip(&series.counts)
            .enumerate()
            .map(|(i, (day, &count))| {
                let height = count as f64 / max * HEIGHT;
                Bar {
                    day: *day,
                    count,
                    x: i as f64 * slot + 2.0,
                    y: HEIGHT - height,
                    width: slot - 4.0,
                    height,
                }
            })
            .collect()
    }

    /// The rows of the table: each day with its count in each series.
    pub fn rows(&self) -> Vec<(NaiveDate, Vec<i64>)> {
        self.days
            .iter()
            .enumerate()
            .map(|(i, day)| (*day, self.series.iter().map(|s| s.counts[i]).collect()))
            .collect()
    }
}

/// One bar of a ranking (the parties with the most proofs).
#[derive(Debug, Clone, PartialEq)]
pub struct RankBar {
    pub name: String,
    pub count: i64,
    pub y: f64,
    pub width: f64,
}

/// The height of one ranking bar's row.
pub const RANK_ROW: f64 = 22.0;

/// The height of a ranking of `rows` rows.
pub fn ranking_height(rows: usize) -> f64 {
    rows.max(1) as f64 * RANK_ROW
}

/// Horizontal bars for `(name, count)`, longest first as given, scaled to the first.
pub fn ranking(rows: &[(String, i64)]) -> Vec<RankBar> {
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1) as f64;
    rows.iter()
        .enumerate()
        .map(|(i, (name, count))| RankBar {
            name: name.clone(),
            count: *count,
            y: i as f64 * RANK_ROW,
            width: *count as f64 / max * (WIDTH - 200.0),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_as_tall_as_their_count_against_the_largest() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        let chart = DayChart::ending(today).with("issued", |d| if d == today { 4 } else { 1 });
        assert_eq!(chart.days.len(), 30);
        assert_eq!(chart.first(), NaiveDate::from_ymd_opt(2026, 11, 4).unwrap());
        let bars = chart.bars(&chart.series[0]);
        assert_eq!(bars[29].height, HEIGHT);
        assert_eq!(bars[0].height, HEIGHT / 4.0);
        assert_eq!(bars[0].y + bars[0].height, HEIGHT, "standing on the axis");
        assert_eq!(chart.series[0].total(), 33);
        let empty = DayChart::ending(today).with("none", |_| 0);
        assert!(empty.bars(&empty.series[0]).iter().all(|b| b.height == 0.0));
    }
}
