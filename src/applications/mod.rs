//! Applications at the station's desk (受理): one applicant's proofs put together against
//! Article 9, the one-time notice of what is missing, and the alerts when a proof of an
//! open application is ended, renewed or flagged suspect. Each step is audited.

mod alerts;
mod notice;

pub use crate::db::models::application_alerts::Alert;
pub use crate::db::models::application_notices::Notice;
pub use crate::db::models::applications::Application;
pub use alerts::{acknowledge, alerted, proof_changed, ProofEvent};
pub use notice::give_notice;

use crate::db::models::applications::{self as rows, ApplicationProof};
use crate::db::models::attestations::Attestation;
use crate::db::models::audit_log::{self, Action, AuditEntry};
use crate::db::models::{application_alerts, application_notices};
use crate::db::DbConnection;
use crate::domain::article9::{
    self, ApplicationKind, ApplicationState, Checklist, DeskChecks, ProofOnFile,
};
use crate::domain::fields::FieldErrors;
use crate::domain::{
    ApplicationId, AttestationId, Facts, IdNumber, PartyKind, ProofStatus, StationId, UserId,
    VerificationCode,
};
use crate::error::AppError;
use crate::secrets::Secrets;
use chrono::{NaiveDate, NaiveDateTime};

/// What the officer typed to accept an application.
pub struct NewApplication {
    pub application_no: String,
    pub kind: ApplicationKind,
    pub id_number: IdNumber,
    pub officer_no: String,
}

/// Accepts an application at `station` (the number taken: the form's error); its id.
pub fn accept(
    conn: &mut DbConnection,
    secrets: &Secrets,
    station: &StationId,
    by: &UserId,
    at: NaiveDateTime,
    new: NewApplication,
) -> Result<Result<ApplicationId, FieldErrors>, AppError> {
    crate::db::write(conn, |conn| {
        if rows::number_taken(conn, station, &new.application_no)? {
            let mut errors = FieldErrors::default();
            errors.add("application_no", "error.application.number_taken");
            return Ok(Err(errors));
        }
        let id = ApplicationId::generate();
        rows::insert(
            conn,
            &Application {
                id: id.clone(),
                station_id: station.clone(),
                application_no: new.application_no.clone(),
                kind: new.kind,
                subject_id_masked: new.id_number.masked(),
                subject_id_hmac: secrets.id_number_hash(&new.id_number),
                officer_no: new.officer_no,
                identity_card_seen: false,
                photograph_taken: false,
                form_signed: false,
                accepted_by: by.clone(),
                accepted_at: at,
                closed_at: None,
                closed_by: None,
            },
        )?;
        audit_log::insert(
            conn,
            &AuditEntry::new(Action::ApplicationAccepted, Some(by), Some(&id))
                .detail(&new.application_no),
        )?;
        Ok(Ok(id))
    })
}

/// The officer number `user` gave last.
pub fn last_officer_no(conn: &mut DbConnection, user: &UserId) -> Result<String, AppError> {
    Ok(rows::last_officer_no(conn, user)?.unwrap_or_default())
}

/// A proof of an application as the desk shows it.
pub struct ProofRow {
    pub a: Attestation,
    pub party_name: String,
    pub party_kind: PartyKind,
    pub status: ProofStatus,
    /// Its code and issuer, as the checklist names it.
    pub label: String,
}

/// An application with its proofs, its checklist on the day, its alerts and last notice.
pub struct ApplicationView {
    pub app: Application,
    pub proofs: Vec<ProofRow>,
    pub checklist: Checklist,
    pub alerts: Vec<Alert>,
    pub notice: Option<Notice>,
}

impl ApplicationView {
    /// Its state: closed, or what its checklist says.
    pub fn state(&self) -> ApplicationState {
        if self.app.closed_at.is_some() {
            ApplicationState::Closed
        } else {
            self.checklist.state()
        }
    }

    /// The emails of the applicant found on its proofs.
    fn applicant_emails(&self) -> Vec<String> {
        let mut emails: Vec<String> = self
            .proofs
            .iter()
            .filter_map(|p| p.a.applicant_email.clone())
            .collect();
        emails.sort();
        emails.dedup();
        emails
    }
}

/// How the checklist reads a stored proof on `today`.
fn on_file(row: &ProofRow) -> ProofOnFile {
    let facts = Facts::stored(row.a.kind, &row.a.facts);
    let text = |name| facts.as_ref().and_then(|f| f.text(name)).map(str::to_owned);
    ProofOnFile {
        label: row.label.clone(),
        kind: row.a.kind,
        issuer: row.party_kind,
        status: row.status,
        address: text("address"),
        residing_since: facts.as_ref().and_then(|f| f.date("residing_since")),
        housing_basis: text("housing_basis"),
    }
}

/// The application `id` of the scope (else 404) on `today`.
pub fn view(
    conn: &mut DbConnection,
    scope: Option<&StationId>,
    id: &ApplicationId,
    today: NaiveDate,
) -> Result<ApplicationView, AppError> {
    let app = rows::find_in_scope(conn, scope, id)?;
    let proofs: Vec<ProofRow> = rows::proofs_of(conn, id)?
        .into_iter()
        .map(|(a, party_kind, party_name)| ProofRow {
            status: a.status_on(today),
            label: format!(
                "{} · {}",
                VerificationCode::from_stored(a.code.clone()).display(),
                party_name
            ),
            a,
            party_name,
            party_kind,
        })
        .collect();
    let files: Vec<ProofOnFile> = proofs.iter().map(on_file).collect();
    let checklist = article9::evaluate(app.kind, &files, app.checks(), today);
    Ok(ApplicationView {
        checklist,
        alerts: application_alerts::alerts_of(conn, id)?,
        notice: application_notices::latest_notice(conn, id)?,
        proofs,
        app,
    })
}

/// One line of the applications list.
pub struct ListedApplication {
    pub view: ApplicationView,
    pub accepted_by: String,
}

/// The scope's applications accepted within `from..to` in `state` (any when `None`), each
/// with its checklist on `today`.
pub fn list(
    conn: &mut DbConnection,
    scope: Option<&StationId>,
    (from, to): (NaiveDateTime, NaiveDateTime),
    state: Option<ApplicationState>,
    today: NaiveDate,
) -> Result<Vec<ListedApplication>, AppError> {
    let mut out = Vec::new();
    for (app, accepted_by) in rows::list(conn, scope, from, to)? {
        let view = view(conn, scope, &app.id, today)?;
        if state.is_none_or(|s| s == view.state()) {
            out.push(ListedApplication { view, accepted_by });
        }
    }
    Ok(out)
}

/// Why a scanned proof is not added.
pub const OTHER_PERSON: &str = "error.application.other_person";
pub const CLOSED: &str = "error.application.closed";

/// Adds proof `proof` to the open application `id` when its subject is the applicant
/// (compared by keyed hash): the message key of the refusal otherwise.
pub fn add_proof(
    conn: &mut DbConnection,
    scope: Option<&StationId>,
    id: &ApplicationId,
    proof: &AttestationId,
    by: &UserId,
    at: NaiveDateTime,
) -> Result<Result<(), &'static str>, AppError> {
    crate::db::write(conn, |conn| {
        let app = rows::find_in_scope(conn, scope, id)?;
        if app.closed_at.is_some() {
            return Ok(Err(CLOSED));
        }
        let a =
            crate::db::models::attestations::find_by_id(conn, proof)?.ok_or(AppError::NotFound)?;
        if a.subject_id_hmac != app.subject_id_hmac {
            return Ok(Err(OTHER_PERSON));
        }
        let row = ApplicationProof {
            application_id: id.clone(),
            attestation_id: proof.clone(),
            added_by: by.clone(),
            added_at: at,
        };
        if rows::add_proof(conn, &row)? {
            audit_log::insert(
                conn,
                &AuditEntry::new(Action::ApplicationProofAdded, Some(by), Some(id))
                    .detail(proof.as_str()),
            )?;
        }
        Ok(Ok(()))
    })
}

/// Stores what the officer ticked (409 once closed).
pub fn set_checks(
    conn: &mut DbConnection,
    scope: Option<&StationId>,
    id: &ApplicationId,
    by: &UserId,
    checks: DeskChecks,
) -> Result<(), AppError> {
    crate::db::write(conn, |conn| {
        let app = rows::find_in_scope(conn, scope, id)?;
        if app.closed_at.is_some() {
            return Err(AppError::Conflict);
        }
        rows::set_checks(conn, id, checks)?;
        let detail = format!(
            "identity_card={} photograph={} form={}",
            checks.identity_card_seen, checks.photograph_taken, checks.form_signed
        );
        audit_log::insert(
            conn,
            &AuditEntry::new(Action::ApplicationChecked, Some(by), Some(id)).detail(&detail),
        )?;
        Ok(())
    })
}

/// Closes application `id` (the permit issued or endorsed; 409 when closed already).
pub fn close(
    conn: &mut DbConnection,
    scope: Option<&StationId>,
    id: &ApplicationId,
    by: &UserId,
    at: NaiveDateTime,
) -> Result<(), AppError> {
    crate::db::write(conn, |conn| {
        rows::find_in_scope(conn, scope, id)?;
        if !rows::close(conn, id, by, at)? {
            return Err(AppError::Conflict);
        }
        audit_log::insert(
            conn,
            &AuditEntry::new(Action::ApplicationClosed, Some(by), Some(id)),
        )?;
        Ok(())
    })
}

/// When the scope's applications were accepted and its notices given since `since`.
pub fn desk_times_since(
    conn: &mut DbConnection,
    scope: Option<&StationId>,
    since: NaiveDateTime,
) -> Result<(Vec<NaiveDateTime>, Vec<NaiveDateTime>), AppError> {
    Ok(application_notices::desk_times_since(conn, scope, since)?)
}
