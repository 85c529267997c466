//! The mail worker inside `attest serve`: every second it writes the station digests and
//! the expiry reminders that are due (by the portal's clock) and sends the outbox rows
//! that are due. Connection errors, timeouts and 4xx answers are
//! retried with exponential back-off; a 5xx answer marks the row failed. Every row carries a
//! fixed Message-ID, so a retry is recognisable.

use super::compose::{MailFact, Notification};
use crate::config::Config;
use crate::db::models::outbox::{self, OutboxRow};
use crate::db::models::stations;
use crate::db::DbPool;
use anyhow::Context;
use chrono::{Duration, Timelike};
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart};
use lettre::{Message, SmtpTransport, Transport};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// A row is given up after this many failed attempts (about a day of back-off).
const MAX_ATTEMPTS: i32 = 30;
/// How long a worker owns a row it is sending.
const LEASE: Duration = Duration::minutes(2);

/// Where emails go.
pub enum Outlet {
    Smtp(SmtpTransport),
    /// `.eml` files in this folder (no SMTP server configured).
    Files(PathBuf),
}

/// Why one sending attempt failed.
#[derive(Debug)]
pub enum SendError {
    /// Worth trying again later (connection, timeout, 4xx).
    Transient(String),
    /// Refused for good (5xx, a bad address).
    Permanent(String),
}

/// The worker: the pool, the outlet, the sender address.
pub struct Worker {
    pool: DbPool,
    outlet: Outlet,
    from: Mailbox,
    portal: String,
    clock: crate::clock::Clock,
    /// The last day whose reminders this worker wrote (the database says whether another
    /// instance did; this only saves the daily query on every other tick).
    reminders_done_on: std::cell::Cell<Option<chrono::NaiveDate>>,
    /// When this worker last deleted the requests past their 30 days.
    requests_purged_at: std::cell::Cell<Option<chrono::NaiveDateTime>>,
}

impl Worker {
    /// A worker for `config`: SMTP when `ATTEST_SMTP_URL` is set, else files.
    pub fn new(config: &Config, pool: DbPool) -> anyhow::Result<Self> {
        let outlet = match &config.smtp_url {
            Some(url) => Outlet::Smtp(
                SmtpTransport::from_url(url.as_str())
                    .context("ATTEST_SMTP_URL")?
                    .timeout(Some(config.smtp_timeout))
                    .build(),
            ),
            None => {
                let dir = config.data_dir.join("mail");
                crate::secrets::create_private_dir(&dir)?;
                Outlet::Files(dir)
            }
        };
        let from: Mailbox = config.mail_from.parse().context("ATTEST_MAIL_FROM")?;
        Ok(Self {
            pool,
            outlet,
            from,
            portal: config.portal(),
            clock: config.clock.clone(),
            reminders_done_on: Default::default(),
            requests_purged_at: Default::default(),
        })
    }

    /// Runs the worker on its own thread until `stop` is set.
    pub fn spawn(self, stop: Arc<AtomicBool>) -> std::io::Result<std::thread::JoinHandle<()>> {
        std::thread::Builder::new()
            .name("mail-worker".into())
            .spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    if let Err(e) = self.tick() {
                        tracing::warn!(error = %format!("{e:#}"), "mail worker");
                    }
                    std::thread::sleep(std::time::Duration::from_secs(1));
                }
            })
    }

    /// Writes due digests and sends due rows; returns how many rows were sent.
    pub fn tick(&self) -> anyhow::Result<usize> {
        let mut conn = self.pool.get()?;
        let now = self.clock.now();
        self.write_digests(&mut conn, now)?;
        self.write_reminders(&mut conn, now)?;
        crate::applicants::holders::tell_checks(&mut conn, now)
            .map_err(|e| anyhow::anyhow!("verification emails to holders: {e:?}"))?;
        self.delete_expired_requests(&mut conn, now)?;
        let mut sent = 0;
        let claimed = crate::db::write(&mut conn, |c| outbox::claim_due(c, now, now + LEASE, 20))?;
        for row in claimed {
            match self.send(&mut conn, &row) {
                Ok(()) => {
                    crate::db::write(&mut conn, |c| {
                        outbox::mark_sent(c, &row.id)?;
                        if super::account::SECRET_EVENTS.contains(&row.event.as_str()) {
                            outbox::blank_body(c, &row.id)?;
                        }
                        Ok::<_, diesel::result::Error>(())
                    })?;
                    sent += 1;
                }
                Err(SendError::Permanent(error)) => {
                    tracing::warn!(id = %row.id, %error, "email refused for good");
                    crate::db::write(&mut conn, |c| {
                        outbox::mark_attempt_failed(c, &row.id, row.attempts + 1, &error, None)
                    })?;
                }
                Err(SendError::Transient(error)) => {
                    let attempts = row.attempts + 1;
                    let next = (attempts < MAX_ATTEMPTS).then(|| now + backoff(attempts));
                    tracing::info!(id = %row.id, attempts, %error, "email will be retried");
                    crate::db::write(&mut conn, |c| {
                        outbox::mark_attempt_failed(c, &row.id, attempts, &error, next)
                    })?;
                }
            }
        }
        Ok(sent)
    }

    fn message(
        &self,
        conn: &mut crate::db::DbConnection,
        row: &OutboxRow,
    ) -> Result<Message, SendError> {
        let mut builder = Message::builder()
            .from(self.from.clone())
            .subject(row.subject.clone())
            .message_id(Some(format!("<{}@attest>", row.id)));
        for to in row.recipients.split(',').filter(|s| !s.trim().is_empty()) {
            let mailbox: Mailbox = to
                .trim()
                .parse()
                .map_err(|e| SendError::Permanent(format!("bad address {to}: {e}")))?;
            builder = builder.to(mailbox);
        }
        let body = MultiPart::alternative_plain_html(row.body_text.clone(), row.body_html.clone());
        let message = match &row.attachment_of {
            None => builder.multipart(body),
            Some(id) => {
                let (name, pdf) = self
                    .pdf_of(conn, id)
                    .map_err(|e| SendError::Transient(format!("the PDF: {e:#}")))?;
                let pdf_type = ContentType::parse("application/pdf")
                    .map_err(|e| SendError::Permanent(e.to_string()))?;
                builder.multipart(
                    MultiPart::mixed()
                        .multipart(body)
                        .singlepart(Attachment::new(name).body(pdf, pdf_type)),
                )
            }
        };
        message.map_err(|e| SendError::Permanent(format!("cannot build the message: {e}")))
    }

    /// The PDF of proof `id` as it prints now (Chinese, as the paper proofs are).
    fn pdf_of(
        &self,
        conn: &mut crate::db::DbConnection,
        id: &crate::domain::AttestationId,
    ) -> anyhow::Result<(String, Vec<u8>)> {
        let row = crate::db::models::attestations::find_by_id(conn, id)?
            .ok_or_else(|| anyhow::anyhow!("no proof {id}"))?;
        let party = crate::db::models::parties::find_by_id(conn, &row.party_id)?;
        let today = self.clock.today();
        crate::documents::proof_pdf(crate::i18n::Lang::Zh, &party, row, &self.portal, today)
    }

    fn send(&self, conn: &mut crate::db::DbConnection, row: &OutboxRow) -> Result<(), SendError> {
        let message = self.message(conn, row)?;
        match &self.outlet {
            Outlet::Smtp(transport) => transport.send(&message).map(drop).map_err(|e| {
                if e.is_permanent() {
                    SendError::Permanent(e.to_string())
                } else {
                    SendError::Transient(e.to_string())
                }
            }),
            Outlet::Files(dir) => {
                let path = dir.join(format!("{}.eml", row.id));
                std::fs::write(&path, message.formatted())
                    .map_err(|e| SendError::Transient(e.to_string()))?;
                tracing::info!(file = %path.display(), event = %row.event, "email written");
                Ok(())
            }
        }
    }

    /// Deletes the requests past their 30 days, once a minute by the portal's clock.
    fn delete_expired_requests(
        &self,
        conn: &mut crate::db::DbConnection,
        now: chrono::NaiveDateTime,
    ) -> anyhow::Result<()> {
        if self
            .requests_purged_at
            .get()
            .is_some_and(|at| now - at < Duration::minutes(1))
        {
            return Ok(());
        }
        let deleted = crate::applicants::delete_expired(conn, now)
            .map_err(|e| anyhow::anyhow!("deleting expired requests: {e:?}"))?;
        if deleted > 0 {
            tracing::info!(deleted, "requests past their 30 days deleted");
        }
        self.requests_purged_at.set(Some(now));
        Ok(())
    }

    /// Queues today's expiry reminders once their hour has come.
    fn write_reminders(
        &self,
        conn: &mut crate::db::DbConnection,
        now: chrono::NaiveDateTime,
    ) -> anyhow::Result<()> {
        let Some(today) = super::reminders::due_day(now) else {
            return Ok(());
        };
        if self.reminders_done_on.get() == Some(today) {
            return Ok(());
        }
        let queued = super::reminders::write_due(conn, &self.portal, today)?;
        tracing::info!(%today, digests = queued.digests, applicant_notices = queued.applicant_notices, "expiry reminders");
        self.reminders_done_on.set(Some(today));
        Ok(())
    }

    /// Folds the held rows of each station whose digest hour has come into one email.
    fn write_digests(
        &self,
        conn: &mut crate::db::DbConnection,
        now: chrono::NaiveDateTime,
    ) -> anyhow::Result<()> {
        let china_now = crate::domain::china_time::local(now);
        let today = china_now.date();
        for station in stations::digests_due(conn, china_now.hour() as i32, today)? {
            crate::db::write(conn, |conn| {
                if !stations::claim_digest_day(conn, &station.id, today)? {
                    return Ok(());
                }
                let held = outbox::held_for_station(conn, &station.id)?;
                if !held.is_empty() {
                    let n = Notification {
                        headline_key: "mail.digest",
                        subject_detail: format!("{} {today}（{}）", station.name, held.len()),
                        facts: held
                            .iter()
                            .map(|r| MailFact::plain("mail.fact.event", r.subject.clone()))
                            .collect(),
                        link: Some(format!("{}{}", self.portal, crate::paths::STATION_HOME)),
                    };
                    super::notify::enqueue(conn, "digest", &station.email, None, &n)?;
                    let ids: Vec<String> = held.into_iter().map(|r| r.id).collect();
                    outbox::mark_digested(conn, &ids)?;
                }
                Ok::<_, anyhow::Error>(())
            })?;
        }
        Ok(())
    }
}

/// 2 s, 4 s, 8 s … at most an hour.
fn backoff(attempts: i32) -> Duration {
    Duration::seconds(2i64.saturating_pow(attempts.clamp(1, 12) as u32).min(3600))
}
