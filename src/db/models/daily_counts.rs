//! What happened in each station's jurisdiction per day (China time): proofs issued, ended
//! (revoked) and flagged suspect, and verifications; and the proofs in force whose last day
//! it is. Added to in the transaction of each event, so that a dashboard sums a week of
//! rows (or the days before today) rather than counting a week of events (or every proof).

use crate::db::schema::{attestations, daily_counts};
use crate::db::DbConnection;
use crate::domain::{china_time, AttestationId, AttestationStatus, StationId};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::upsert::excluded;
use std::collections::BTreeMap;

/// Issued, revoked, verified and suspect counts (of a day, or added up over days).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub issued: i64,
    pub revoked: i64,
    pub verified: i64,
    pub suspect: i64,
    /// Of one day only: the proofs in force (stored status active) whose last day it is.
    pub ending_in_force: i64,
}

impl Counts {
    fn add(&mut self, other: Counts) {
        self.issued += other.issued;
        self.revoked += other.revoked;
        self.verified += other.verified;
        self.suspect += other.suspect;
        self.ending_in_force += other.ending_in_force;
    }
}

/// The day (China time) of a stored time.
pub fn day_of(at: NaiveDateTime) -> NaiveDate {
    china_time::local(at).date()
}

/// Adds up `events` (station, day, counts) per station and day, then adds the sums in one
/// statement per 500 days (a batch of inserts costs one statement, not one per row).
pub fn add_all<'a>(
    conn: &mut DbConnection,
    events: impl IntoIterator<Item = (&'a StationId, NaiveDate, Counts)>,
) -> QueryResult<()> {
    let mut sums: BTreeMap<(&StationId, NaiveDate), Counts> = BTreeMap::new();
    for (station, day, counts) in events {
        sums.entry((station, day)).or_default().add(counts);
    }
    let rows: Vec<_> = sums
        .into_iter()
        .map(|((station, day), c)| {
            (
                daily_counts::station_id.eq(station),
                daily_counts::day.eq(day),
                daily_counts::issued.eq(c.issued),
                daily_counts::revoked.eq(c.revoked),
                daily_counts::suspect.eq(c.suspect),
                daily_counts::verified.eq(c.verified),
                daily_counts::ending_in_force.eq(c.ending_in_force),
            )
        })
        .collect();
    for chunk in rows.chunks(500) {
        let query = diesel::insert_into(daily_counts::table)
            .values(chunk)
            .on_conflict((daily_counts::station_id, daily_counts::day))
            .do_update()
            .set((
                daily_counts::issued.eq(daily_counts::issued + excluded(daily_counts::issued)),
                daily_counts::revoked.eq(daily_counts::revoked + excluded(daily_counts::revoked)),
                daily_counts::suspect.eq(daily_counts::suspect + excluded(daily_counts::suspect)),
                daily_counts::verified
                    .eq(daily_counts::verified + excluded(daily_counts::verified)),
                daily_counts::ending_in_force
                    .eq(daily_counts::ending_in_force + excluded(daily_counts::ending_in_force)),
            ));
        match conn {
            DbConnection::Sqlite(c) => query.execute(c),
            DbConnection::Postgres(c) => query.execute(c),
        }?;
    }
    Ok(())
}

/// Records a change of attestation `id`'s stored status at `at`: the counts — `event` on
/// the day of `at`, and `in_force` (+1 back in force, -1 no longer, 0) on its last day —
/// and a new version of its status list. Every change of a stored status comes here.
pub fn status_changed(
    conn: &mut DbConnection,
    id: &AttestationId,
    at: NaiveDateTime,
    event: Counts,
    in_force: i64,
) -> QueryResult<()> {
    let (station, until, list): (StationId, NaiveDate, Option<String>) = attestations::table
        .find(id)
        .select((
            attestations::station_id,
            attestations::valid_until,
            attestations::status_list_id,
        ))
        .first(conn)?;
    if let Some(list) = list {
        super::status_lists::changed(conn, &list)?;
    }
    let ending = Counts {
        ending_in_force: in_force,
        ..Counts::default()
    };
    add_all(
        conn,
        [(&station, day_of(at), event), (&station, until, ending)],
    )
}

/// +1 when `status` is in force (counted in `ending_in_force`), else 0.
pub fn in_force(status: AttestationStatus) -> i64 {
    i64::from(status == AttestationStatus::Active)
}

/// The sums from `first` (a China-time day) to today, for the scope (`None`: every station).
pub fn since(
    conn: &mut DbConnection,
    scope: Option<&StationId>,
    first: NaiveDate,
) -> QueryResult<Counts> {
    let mut sum = Counts::default();
    for (_, counts) in per_day(conn, scope, first)? {
        sum.add(counts);
    }
    Ok(sum)
}

/// How many proofs in force ended before `today` (the expired ones) in the scope.
pub fn expired_before(
    conn: &mut DbConnection,
    scope: Option<&StationId>,
    today: NaiveDate,
) -> QueryResult<i64> {
    let mut query = daily_counts::table
        .filter(daily_counts::day.lt(today))
        .filter(daily_counts::ending_in_force.ne(0))
        .select(daily_counts::ending_in_force)
        .into_boxed();
    if let Some(scope) = scope {
        query = query.filter(daily_counts::station_id.eq(scope.to_owned()));
    }
    Ok(query.load::<i64>(conn)?.into_iter().sum())
}

/// Each day's counts from `first` (a China-time day) on, for the scope (`None`: every
/// station; several rows a day then).
pub fn per_day(
    conn: &mut DbConnection,
    scope: Option<&StationId>,
    first: NaiveDate,
) -> QueryResult<Vec<(NaiveDate, Counts)>> {
    let mut query = daily_counts::table
        .filter(daily_counts::day.ge(first))
        .select((
            daily_counts::day,
            daily_counts::issued,
            daily_counts::revoked,
            daily_counts::suspect,
            daily_counts::verified,
        ))
        .into_boxed();
    if let Some(scope) = scope {
        query = query.filter(daily_counts::station_id.eq(scope.to_owned()));
    }
    let rows: Vec<(NaiveDate, i64, i64, i64, i64)> = query.load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(day, issued, revoked, suspect, verified)| {
            let counts = Counts {
                issued,
                revoked,
                suspect,
                verified,
                ending_in_force: 0,
            };
            (day, counts)
        })
        .collect())
}
