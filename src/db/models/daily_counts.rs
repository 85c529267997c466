//! What happened in each station's jurisdiction per day (China time): proofs issued, ended
//! (revoked) and flagged suspect, and verifications. Added to in the transaction of each
//! event, so that a dashboard sums a week of rows rather than counting a week of events.

use crate::db::schema::{attestations, daily_counts};
use crate::db::DbConnection;
use crate::domain::{china_time, AttestationId, StationId};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::upsert::excluded;
use std::collections::BTreeMap;

/// Issued, revoked, verified and suspect counts (of a day, or added up over days).
#[derive(Debug, Clone, Copy, Default)]
pub struct Counts {
    pub issued: i64,
    pub revoked: i64,
    pub verified: i64,
    pub suspect: i64,
}

/// Adds `counts` to the day (China time) of `at` of `station_id`.
pub fn add(
    conn: &mut DbConnection,
    station_id: &StationId,
    at: NaiveDateTime,
    counts: Counts,
) -> QueryResult<()> {
    let day = china_time::local(at).date();
    let query = diesel::insert_into(daily_counts::table)
        .values((
            daily_counts::station_id.eq(station_id),
            daily_counts::day.eq(day),
            daily_counts::issued.eq(counts.issued),
            daily_counts::revoked.eq(counts.revoked),
            daily_counts::suspect.eq(counts.suspect),
            daily_counts::verified.eq(counts.verified),
        ))
        .on_conflict((daily_counts::station_id, daily_counts::day))
        .do_update()
        .set((
            daily_counts::issued.eq(daily_counts::issued + excluded(daily_counts::issued)),
            daily_counts::revoked.eq(daily_counts::revoked + excluded(daily_counts::revoked)),
            daily_counts::suspect.eq(daily_counts::suspect + excluded(daily_counts::suspect)),
            daily_counts::verified.eq(daily_counts::verified + excluded(daily_counts::verified)),
        ));
    match conn {
        DbConnection::Sqlite(c) => query.execute(c),
        DbConnection::Postgres(c) => query.execute(c),
    }
    .map(drop)
}

/// Adds `counts` to the day of `at` of the station of attestation `id`.
pub fn add_for(
    conn: &mut DbConnection,
    id: &AttestationId,
    at: NaiveDateTime,
    counts: Counts,
) -> QueryResult<()> {
    let station: StationId = attestations::table
        .find(id)
        .select(attestations::station_id)
        .first(conn)?;
    add(conn, &station, at, counts)
}

/// Adds up `events` (station, time, counts) per station and day, then adds each sum: one
/// statement per station and day, however many events (a batch of inserts).
pub fn add_all<'a>(
    conn: &mut DbConnection,
    events: impl IntoIterator<Item = (&'a StationId, NaiveDateTime, Counts)>,
) -> QueryResult<()> {
    let mut sums: BTreeMap<(&StationId, NaiveDate), (NaiveDateTime, Counts)> = BTreeMap::new();
    for (station, at, counts) in events {
        let day = china_time::local(at).date();
        let (_, sum) = sums
            .entry((station, day))
            .or_insert((at, Counts::default()));
        sum.issued += counts.issued;
        sum.revoked += counts.revoked;
        sum.suspect += counts.suspect;
        sum.verified += counts.verified;
    }
    for ((station, _), (at, counts)) in sums {
        add(conn, station, at, counts)?;
    }
    Ok(())
}

/// The sums from `first` (a China-time day) to today, for the scope (`None`: every station).
pub fn since(
    conn: &mut DbConnection,
    scope: Option<&StationId>,
    first: NaiveDate,
) -> QueryResult<Counts> {
    let mut query = daily_counts::table
        .filter(daily_counts::day.ge(first))
        .select((
            daily_counts::issued,
            daily_counts::revoked,
            daily_counts::suspect,
            daily_counts::verified,
        ))
        .into_boxed();
    if let Some(scope) = scope {
        query = query.filter(daily_counts::station_id.eq(scope.to_owned()));
    }
    let rows: Vec<(i64, i64, i64, i64)> = query.load(conn)?;
    Ok(rows.into_iter().fold(
        Counts::default(),
        |sum, (issued, revoked, suspect, verified)| Counts {
            issued: sum.issued + issued,
            revoked: sum.revoked + revoked,
            suspect: sum.suspect + suspect,
            verified: sum.verified + verified,
        },
    ))
}
