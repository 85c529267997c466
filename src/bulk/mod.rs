//! Bulk issuance: storing an uploaded batch, fixing its rows, and issuing its valid rows in
//! chunks (each chunk one transaction, so a batch interrupted by a restart resumes where it
//! stopped). The station gets one email for the whole batch.

mod batches;
pub mod renewal;
pub use batches::{batch, batches, claim, issued, results, row, summary, Batch, BatchRow};

use crate::db::models::attestations::{self, Attestation};
use crate::db::models::audit_log::{self, Action, AuditEntry};
use crate::db::models::bulk;
use crate::db::models::stations;
use crate::db::{now, DbConnection};
use crate::domain::bulk::{check_row, duplicate_of, Encoding, Row, RowError};
use crate::domain::BatchState;
use crate::domain::{AttestationKind, PartyKind};
use crate::domain::{BatchId, PartyId, UserId};
use crate::issuing::{IssueError, Issuer, Party, Portal};
use crate::mail::notify;
use crate::secrets::Secrets;
use chrono::{Duration, NaiveDate};
use rayon::prelude::*;
use std::collections::BTreeMap;

/// Rows signed and stored per transaction; the progress bar moves by this much.
pub const CHUNK: i64 = 500;
/// How long an issuer may go silent before another may resume its batch.
pub const LEASE_SECS: i64 = 60;
/// Drafts never issued are deleted after this many days (with the ID numbers they hold).
pub const DRAFT_DAYS: i64 = 7;

/// Purpose of the sealing key of a row's cells.
pub(crate) const SEAL: &str = "bulk_row";

fn row_to_store(secrets: &Secrets, batch_id: &BatchId, row: &Row) -> anyhow::Result<BatchRow> {
    Ok(BatchRow {
        batch_id: batch_id.to_owned(),
        line: row.line,
        subject_name: row.cells.get("subject_name").cloned().unwrap_or_default(),
        subject_id_hmac: row.id_number.as_ref().map(|id| secrets.id_number_hash(id)),
        cells: secrets.seal(SEAL, &serde_json::to_string(&row.cells)?),
        errors: serde_json::to_string(&row.errors)?,
        attestation_id: None,
        replaces_id: None,
    })
}

/// What an upload is stored as.
pub struct Upload<'a> {
    pub party_id: &'a PartyId,
    pub user_id: &'a UserId,
    pub kind: AttestationKind,
    pub file_name: &'a str,
    pub encoding: Encoding,
    pub rows: &'a [Row],
}

/// Stores a checked upload as a draft batch; returns its id.
pub fn create(
    conn: &mut DbConnection,
    secrets: &Secrets,
    upload: &Upload,
) -> anyhow::Result<BatchId> {
    let id = BatchId::generate();
    let rows = upload
        .rows
        .par_iter()
        .map(|r| row_to_store(secrets, &id, r))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let batch = Batch {
        id: id.clone(),
        party_id: upload.party_id.to_owned(),
        kind: upload.kind,
        file_name: upload.file_name.chars().take(200).collect(),
        encoding: upload.encoding.as_str().to_owned(),
        created_by: upload.user_id.to_owned(),
        created_at: now(),
        state: BatchState::Draft,
        row_count: i32::try_from(rows.len())?,
        issued_count: 0,
        lease_until: None,
        finished_at: None,
    };
    crate::db::write(conn, |conn| {
        bulk::delete_stale_drafts(conn, now() - Duration::days(DRAFT_DAYS))?;
        bulk::insert(conn, &batch, &rows)?;
        audit_log::insert(
            conn,
            &AuditEntry::new(Action::BulkUploaded, Some(upload.user_id), Some(&id))
                .detail(&format!("{} rows", rows.len())),
        )
    })?;
    Ok(id)
}

/// Deletes the drafts never issued within `DRAFT_DAYS` (and the ID numbers they hold).
pub fn delete_stale_drafts(conn: &mut DbConnection) -> anyhow::Result<usize> {
    let before = now() - Duration::days(DRAFT_DAYS);
    Ok(crate::db::write(conn, |conn| {
        bulk::delete_stale_drafts(conn, before)
    })?)
}

/// The cells of a stored row as typed (empty once its batch is done).
pub fn cells_of(secrets: &Secrets, row: &BatchRow) -> BTreeMap<String, String> {
    secrets
        .open(SEAL, &row.cells)
        .and_then(|json| serde_json::from_str(&json).ok())
        .unwrap_or_default()
}

/// The stored errors of a row.
pub fn errors_of(row: &BatchRow) -> Vec<RowError> {
    serde_json::from_str(&row.errors).unwrap_or_default()
}

/// Checks the fixed cells of row `line` of a draft batch and stores them (with their errors,
/// if any remain: the user sees them beside the fields).
pub fn fix_row(
    conn: &mut DbConnection,
    secrets: &Secrets,
    batch: &Batch,
    party: PartyKind,
    line: i32,
    cells: BTreeMap<String, String>,
    today: NaiveDate,
) -> anyhow::Result<Vec<RowError>> {
    let kind = batch.kind;
    let mut row = check_row(line, cells, kind, party, today, None);
    let stored = row_to_store(secrets, &batch.id, &row)?;
    if let Some(hmac) = &stored.subject_id_hmac {
        if let Some(other) = bulk::line_with_id(conn, &batch.id, hmac, line)? {
            row.errors.push(duplicate_of(other));
        }
    }
    let stored = BatchRow {
        errors: serde_json::to_string(&row.errors)?,
        ..stored
    };
    crate::db::write(conn, |conn| bulk::update_row(conn, &stored))?;
    Ok(row.errors)
}

/// What one call of `issue_next` did.
#[derive(Debug, PartialEq, Eq)]
pub enum Step {
    /// Issued this many; more remain.
    Issued(usize),
    /// Nothing remained: the batch is done and the station's email queued.
    Done,
}

/// Issues the next chunk of batch `batch_id` (claimed by the caller), or finishes it.
pub fn issue_next(
    conn: &mut DbConnection,
    portal: &Portal,
    party: &Party,
    user_id: &UserId,
    batch_id: &BatchId,
    today: NaiveDate,
) -> Result<Step, IssueError> {
    let ring = portal.keys.ring(conn)?;
    let station = stations::find_by_id(conn, &party.station_id)?;
    let by = &Issuer {
        party,
        station: &station,
        user_id,
        portal: &portal.url,
        secrets: portal.secrets,
        ring: &ring,
    };
    let batch = bulk::find(conn, &by.party.id, batch_id)?;
    let kind = batch.kind;
    crate::issuing::may_issue(by.party, kind)?;
    let party_kind = by.party.kind;
    let rows = bulk::rows_to_issue(conn, batch_id, CHUNK)?;
    if rows.is_empty() {
        finish(conn, by, &batch)?;
        return Ok(Step::Done);
    }
    let renewable = renewal::renewable_subjects(conn, by.party, &rows)?;
    let at = now();
    let slots = portal
        .status_lists
        .slots(conn, portal.secrets, rows.len(), at)?;
    // Sign on every core; a row that no longer passes (its start date is now past, the
    // proof it renews has ended) keeps its errors and is not issued.
    type Signed = (i32, Result<Attestation, Vec<RowError>>);
    let mut signed: Vec<Signed> = rows
        .par_iter()
        .zip(&slots)
        .map(|(stored, slot)| {
            let renewing = match &stored.replaces_id {
                Some(old) => match renewable.get(old) {
                    Some(subject) => Some(subject.clone()),
                    None => return Ok((stored.line, Err(vec![renewal::no_longer_renewable()]))),
                },
                None => None,
            };
            let cells = cells_of(by.secrets, stored);
            let row = check_row(stored.line, cells, kind, party_kind, today, renewing);
            Ok((
                stored.line,
                match row.valid {
                    Some(mut new) => {
                        new.replaces = stored.replaces_id.clone();
                        Ok(crate::issuing::signed_row(by, &new, at, Some(slot))?)
                    }
                    None => Err(row.errors),
                },
            ))
        })
        .collect::<Result<_, IssueError>>()?;
    let lease = at + Duration::seconds(LEASE_SECS);
    let issued = crate::db::write(conn, |conn| {
        // A renewal supersedes its proof here; one ended meanwhile is not renewed.
        for (_, result) in signed.iter_mut() {
            if let Ok(Attestation {
                replaces_id: Some(old),
                ..
            }) = result
            {
                if !attestations::supersede(conn, &by.party.id, old)? {
                    *result = Err(vec![renewal::no_longer_renewable()]);
                }
            }
        }
        let issued: Vec<(i32, Attestation)> = signed
            .iter()
            .filter_map(|(line, r)| r.as_ref().ok().map(|a| (*line, a.clone())))
            .collect();
        let rows: Vec<Attestation> = issued.iter().map(|(_, a)| a.clone()).collect();
        attestations::insert_many(conn, &rows)?;
        let audit: Vec<AuditEntry> = rows
            .iter()
            .map(|a| {
                AuditEntry::new(Action::AttestationIssued, Some(by.user_id), Some(&a.id))
                    .detail(a.kind.as_str())
            })
            .collect();
        audit_log::insert_many(conn, &audit)?;
        for old in rows.iter().filter_map(|a| a.replaces_id.as_ref()) {
            let renewed = crate::applications::ProofEvent::Renewed;
            crate::applications::proof_changed(conn, by.portal, old, renewed)?;
        }
        // Each applicant with an email gets the link of their page and the PDF.
        for a in &rows {
            if let Some(holder) =
                crate::applicants::holders::new_holder(by.secrets, by.portal, a, at)
            {
                crate::db::models::holder_links::insert_many(
                    conn,
                    std::slice::from_ref(&holder.link),
                )?;
                notify::applicant_issued(conn, by.party, a, Some(&holder.url))?;
            }
        }
        for (line, a) in &issued {
            bulk::set_issued(conn, batch_id, *line, &a.id)?;
        }
        for (line, result) in &signed {
            if let Err(errors) = result {
                let json = serde_json::to_string(errors).map_err(anyhow::Error::from)?;
                bulk::set_errors(conn, batch_id, *line, &json)?;
            }
        }
        bulk::progress(
            conn,
            batch_id,
            i32::try_from(issued.len()).unwrap_or(0),
            lease,
        )?;
        Ok::<_, IssueError>(issued.len())
    })?;
    Ok(Step::Issued(issued))
}

/// Marks the batch done, forgets its cells, and queues the station's one email.
fn finish(conn: &mut DbConnection, by: &Issuer, batch: &Batch) -> Result<(), IssueError> {
    let rows: Vec<Attestation> = bulk::issued(conn, &batch.id)?
        .into_iter()
        .map(|(_, a)| a)
        .collect();
    crate::db::write(conn, |conn| {
        bulk::finish(conn, &batch.id, now())?;
        audit_log::insert(
            conn,
            &AuditEntry::new(Action::BulkIssued, Some(by.user_id), Some(&batch.id))
                .detail(&format!("{} issued", rows.len())),
        )?;
        notify::batch(
            conn,
            by.portal,
            by.station,
            by.party,
            &rows,
            if batch.is_renewal() {
                notify::Batch::Renewed
            } else {
                notify::Batch::Issued
            },
        )?;
        Ok::<_, IssueError>(())
    })
}
