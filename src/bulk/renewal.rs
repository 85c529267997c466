//! Renewing many proofs at once: the proofs picked in the list become a draft batch whose
//! rows carry each proof's facts and the proof they replace (the person is taken from it,
//! never typed again). The batch page, the Article 9(4) statement, the progress and the
//! results are those of a CSV batch; issuing a row supersedes the proof it renews.

use super::{Batch, BatchRow, SEAL};
use crate::db::models::attestations::{self, Attestation};
use crate::db::models::audit_log::{self, Action, AuditEntry};
use crate::db::models::bulk;
use crate::db::{now, DbConnection};
use crate::domain::attestation::SubjectId;
use crate::domain::bulk::{check_row, RowError};
use crate::domain::facts_form::FactsForm;
use crate::domain::fields::FieldErrors;
use crate::domain::{AttestationId, AttestationStatus, BatchId, BatchState, UserId};
use crate::error::AppError;
use crate::issuing::{may_issue, Party};
use crate::secrets::Secrets;
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap};

/// The person a renewal of `old` is about, as the proof stored them.
pub fn subject_of(old: &Attestation) -> (String, SubjectId) {
    (
        old.subject_name.clone(),
        SubjectId::Stored {
            masked: old.subject_id_masked.clone(),
            hmac: old.subject_id_hmac.clone(),
        },
    )
}

/// The cells a renewal of `old` starts from: its facts, its applicant, and `valid_until`
/// (empty: the issuing form's default); validity starts on the day it is issued.
fn cells_of_renewal(old: &Attestation, valid_until: Option<NaiveDate>) -> BTreeMap<String, String> {
    let facts = serde_json::from_str(&old.facts).unwrap_or_default();
    let mut cells = FactsForm::from_json(facts).0;
    cells.insert("subject_name".into(), old.subject_name.clone());
    cells.insert(
        "valid_until".into(),
        valid_until.map(|d| d.to_string()).unwrap_or_default(),
    );
    cells.insert(
        "applicant_email".into(),
        old.applicant_email.clone().unwrap_or_default(),
    );
    cells
}

/// Makes a draft batch renewing the party's proofs `ids` (those no longer stored active are
/// left out), all of one kind, until `valid_until`; `name` is what the batch is listed as.
/// The list's errors when none is left or the kinds differ; 404 when one is not the party's.
#[expect(
    clippy::too_many_arguments,
    reason = "one use case, each argument a fact of it"
)]
pub fn create(
    conn: &mut DbConnection,
    secrets: &Secrets,
    party: &Party,
    user_id: &UserId,
    ids: &[AttestationId],
    valid_until: Option<NaiveDate>,
    name: &str,
    today: NaiveDate,
) -> Result<Result<BatchId, FieldErrors>, AppError> {
    let mut olds = Vec::with_capacity(ids.len());
    for id in ids {
        olds.push(attestations::find_for_party(conn, &party.id, id)?);
    }
    olds.retain(|a| a.status == AttestationStatus::Active);
    let mut errors = FieldErrors::default();
    let Some(kind) = olds.first().map(|a| a.kind) else {
        errors.add("ids", "error.renew.none_selected");
        return Ok(Err(errors));
    };
    if olds.iter().any(|a| a.kind != kind) {
        errors.add("ids", "error.renew.one_kind");
        return Ok(Err(errors));
    }
    may_issue(party, kind)?;
    let id = BatchId::generate();
    let rows = olds
        .iter()
        .zip(1..)
        .map(|(old, line)| {
            let cells = cells_of_renewal(old, valid_until);
            let row = check_row(line, cells, kind, party.kind, today, Some(subject_of(old)));
            Ok(BatchRow {
                batch_id: id.clone(),
                line,
                subject_name: old.subject_name.clone(),
                subject_id_hmac: Some(old.subject_id_hmac.clone()),
                cells: secrets.seal(SEAL, &serde_json::to_string(&row.cells)?),
                errors: serde_json::to_string(&row.errors)?,
                attestation_id: None,
                replaces_id: Some(old.id.clone()),
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let batch = Batch {
        id: id.clone(),
        party_id: party.id.clone(),
        kind,
        file_name: name.chars().take(200).collect(),
        encoding: bulk::RENEWAL.to_owned(),
        created_by: user_id.clone(),
        created_at: now(),
        state: BatchState::Draft,
        row_count: i32::try_from(rows.len()).map_err(anyhow::Error::from)?,
        issued_count: 0,
        lease_until: None,
        finished_at: None,
    };
    crate::db::write(conn, |conn| {
        bulk::insert(conn, &batch, &rows)?;
        audit_log::insert(
            conn,
            &AuditEntry::new(Action::BulkUploaded, Some(user_id), Some(&id))
                .detail(&format!("renewal of {} proofs", rows.len())),
        )
    })?;
    Ok(Ok(id))
}

/// The person of each proof the `rows` renew that may still be renewed (stored active).
pub fn renewable_subjects(
    conn: &mut DbConnection,
    party: &Party,
    rows: &[BatchRow],
) -> Result<HashMap<AttestationId, (String, SubjectId)>, diesel::result::Error> {
    let mut subjects = HashMap::new();
    for id in rows.iter().filter_map(|r| r.replaces_id.as_ref()) {
        let old = attestations::find_for_party(conn, &party.id, id)?;
        if old.status == AttestationStatus::Active {
            subjects.insert(id.clone(), subject_of(&old));
        }
    }
    Ok(subjects)
}

/// The error of a row whose proof ended or was renewed since the batch was made.
pub fn no_longer_renewable() -> RowError {
    RowError {
        field: "subject_name".into(),
        key: "error.renew.not_renewable".into(),
        line: None,
    }
}
