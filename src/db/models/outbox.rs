//! The outbox: every notification is a row written in the transaction of its event, and
//! sent by the mail worker. Rows are claimed with a lease, so several workers never send the
//! same row at once, and a row left by a crashed worker is taken again when its lease ends.

use crate::db::schema::outbox;
use crate::db::DbConnection;
use crate::domain::StationId;
use chrono::NaiveDateTime;
use diesel::prelude::*;

/// Waiting to be sent.
pub const PENDING: &str = "pending";
/// Claimed by a worker until `next_attempt_at`.
pub const SENDING: &str = "sending";
/// Delivered to the SMTP server (or written as a file).
pub const SENT: &str = "sent";
/// Refused for good (5xx) or given up; `attest mail retry` requeues.
pub const FAILED: &str = "failed";
/// Kept for the station's daily digest.
pub const HELD: &str = "held";
/// Folded into a digest that was sent in its place.
pub const DIGESTED: &str = "digested";

/// An outbox row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = outbox)]
pub struct OutboxRow {
    pub id: String,
    pub created_at: NaiveDateTime,
    pub event: String,
    /// The station whose digest holds this row (digest mode only).
    pub station_id: Option<StationId>,
    /// Comma-separated addresses.
    pub recipients: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub last_error: Option<String>,
    pub sent_at: Option<NaiveDateTime>,
    /// The proof whose PDF the email carries, rendered when it is sent.
    pub attachment_of: Option<crate::domain::AttestationId>,
}

/// Inserts a row.
pub fn insert(conn: &mut DbConnection, row: &OutboxRow) -> QueryResult<()> {
    diesel::insert_into(outbox::table)
        .values(row)
        .execute(conn)
        .map(drop)
}

/// Rows due for sending at `now`: pending ones, and claims whose lease ran out.
pub fn due(conn: &mut DbConnection, now: NaiveDateTime, limit: i64) -> QueryResult<Vec<OutboxRow>> {
    outbox::table
        .filter(outbox::status.eq_any([PENDING, SENDING]))
        .filter(outbox::next_attempt_at.le(now))
        .order(outbox::next_attempt_at)
        .limit(limit)
        .select(OutboxRow::as_select())
        .load(conn)
}

/// Claims up to `limit` rows due at `now` until `lease_until` and returns them. On
/// PostgreSQL the rows are locked with `FOR UPDATE SKIP LOCKED`, so concurrent workers take
/// different rows; on SQLite (one writer at a time) each claim is a conditional update.
pub fn claim_due(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<OutboxRow>> {
    if let DbConnection::Postgres(pg) = conn {
        return pg.transaction(|pg| {
            let rows: Vec<OutboxRow> = outbox::table
                .filter(outbox::status.eq_any([PENDING, SENDING]))
                .filter(outbox::next_attempt_at.le(now))
                .order(outbox::next_attempt_at)
                .limit(limit)
                .for_update()
                .skip_locked()
                .select(OutboxRow::as_select())
                .load(pg)?;
            let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
            diesel::update(outbox::table.filter(outbox::id.eq_any(ids)))
                .set((
                    outbox::status.eq(SENDING),
                    outbox::next_attempt_at.eq(lease_until),
                ))
                .execute(pg)?;
            Ok(rows)
        });
    }
    let mut claimed = Vec::new();
    for row in due(conn, now, limit)? {
        if claim(conn, &row, lease_until)? {
            claimed.push(row);
        }
    }
    Ok(claimed)
}

/// Claims `row` until `lease_until`; false when another worker was faster.
pub fn claim(
    conn: &mut DbConnection,
    row: &OutboxRow,
    lease_until: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        outbox::table
            .filter(outbox::id.eq(&row.id))
            .filter(outbox::status.eq(&row.status))
            .filter(outbox::next_attempt_at.eq(row.next_attempt_at)),
    )
    .set((
        outbox::status.eq(SENDING),
        outbox::next_attempt_at.eq(lease_until),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// Marks a row sent.
pub fn mark_sent(conn: &mut DbConnection, id: &str) -> QueryResult<()> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::status.eq(SENT),
            outbox::sent_at.eq(crate::db::now()),
            outbox::last_error.eq(None::<String>),
        ))
        .execute(conn)
        .map(drop)
}

/// Records a failed attempt: pending again at `next`, or failed for good when `next` is None.
pub fn mark_attempt_failed(
    conn: &mut DbConnection,
    id: &str,
    attempts: i32,
    error: &str,
    next: Option<NaiveDateTime>,
) -> QueryResult<()> {
    let (status, next) = match next {
        Some(next) => (PENDING, next),
        None => (FAILED, crate::db::now()),
    };
    diesel::update(outbox::table.find(id))
        .set((
            outbox::status.eq(status),
            outbox::attempts.eq(attempts),
            outbox::next_attempt_at.eq(next),
            outbox::last_error.eq(error),
        ))
        .execute(conn)
        .map(drop)
}

/// How many rows have `status`.
pub fn count_by_status(conn: &mut DbConnection, status: &str) -> QueryResult<i64> {
    outbox::table
        .filter(outbox::status.eq(status))
        .count()
        .get_result(conn)
}

/// Rows with one of `statuses`, oldest first.
pub fn list_by_status(
    conn: &mut DbConnection,
    statuses: &[&str],
    limit: i64,
) -> QueryResult<Vec<OutboxRow>> {
    outbox::table
        .filter(outbox::status.eq_any(statuses))
        .order(outbox::created_at)
        .limit(limit)
        .select(OutboxRow::as_select())
        .load(conn)
}

/// Puts a failed row (or every failed row, when `id` is None) back in the queue.
pub fn requeue_failed(conn: &mut DbConnection, id: Option<&str>) -> QueryResult<usize> {
    let mut query = diesel::update(outbox::table)
        .filter(outbox::status.eq(FAILED))
        .into_boxed();
    if let Some(id) = id {
        query = query.filter(outbox::id.eq(id.to_owned()));
    }
    query
        .set((
            outbox::status.eq(PENDING),
            outbox::next_attempt_at.eq(crate::db::now()),
            outbox::attempts.eq(0),
        ))
        .execute(conn)
}

/// The rows held for a station's digest.
pub fn held_for_station(
    conn: &mut DbConnection,
    station_id: &StationId,
) -> QueryResult<Vec<OutboxRow>> {
    outbox::table
        .filter(outbox::station_id.eq(station_id))
        .filter(outbox::status.eq(HELD))
        .order(outbox::created_at)
        .select(OutboxRow::as_select())
        .load(conn)
}

/// Marks held rows as folded into a digest.
pub fn mark_digested(conn: &mut DbConnection, ids: &[String]) -> QueryResult<usize> {
    diesel::update(outbox::table.filter(outbox::id.eq_any(ids)))
        .set(outbox::status.eq(DIGESTED))
        .execute(conn)
}

/// Blanks the body of sent row `id` (it held a secret link).
pub fn blank_body(conn: &mut DbConnection, id: &str) -> QueryResult<()> {
    diesel::update(outbox::table.find(id))
        .set((outbox::body_text.eq(""), outbox::body_html.eq("")))
        .execute(conn)
        .map(drop)
}
