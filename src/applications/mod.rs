//! Applications at the station's desk (受理): one applicant's proofs put together against
//! Article 9, the one-time notice of what is missing, and the alerts when a proof of an
//! open application is ended, renewed or flagged suspect. Each step is audited.

pub use crate::db::models::applications::{Alert, Application, Notice};

use crate::db::models::applications::{self as rows, ApplicationProof};
use crate::db::models::attestations::Attestation;
use crate::db::models::audit_log::{self, Action, AuditEntry};
use crate::db::models::{parties, stations};
use crate::db::DbConnection;
use crate::domain::article9::{
    self, ApplicationKind, ApplicationState, Checklist, DeskChecks, NoticeItem, ProofOnFile,
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
        alerts: rows::alerts_of(conn, id)?,
        notice: rows::latest_notice(conn, id)?,
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

/// Gives the one-time notice of what application `id` misses on `today`: stored, audited
/// and emailed to the applicant where a proof names an email. `None` when nothing is
/// missing.
pub fn give_notice(
    conn: &mut DbConnection,
    scope: Option<&StationId>,
    id: &ApplicationId,
    by: &UserId,
    (today, at): (NaiveDate, NaiveDateTime),
) -> Result<Option<Notice>, AppError> {
    crate::db::write(conn, |conn| {
        let view = view(conn, scope, id, today)?;
        let items = view.checklist.notice_items();
        if items.is_empty() {
            return Ok(None);
        }
        let notice = Notice {
            id: crate::db::new_id(),
            application_id: id.clone(),
            station_id: view.app.station_id.clone(),
            issued_at: at,
            issued_by: by.clone(),
            items: serde_json::to_string(&items).map_err(anyhow::Error::from)?,
        };
        rows::insert_notice(conn, &notice)?;
        audit_log::insert(
            conn,
            &AuditEntry::new(Action::ApplicationNoticeGiven, Some(by), Some(id))
                .detail(&items.len().to_string()),
        )?;
        let station = stations::find_by_id(conn, &view.app.station_id)?;
        for email in view.applicant_emails() {
            crate::mail::notify::notice_given(conn, &email, &station, &view.app, &items)?;
        }
        Ok(Some(notice))
    })
}

/// The items of a stored notice.
pub fn notice_items(notice: &Notice) -> Vec<NoticeItem> {
    serde_json::from_str(&notice.items).unwrap_or_default()
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

/// Acknowledges the alerts of application `id`.
pub fn acknowledge(
    conn: &mut DbConnection,
    scope: Option<&StationId>,
    id: &ApplicationId,
    by: &UserId,
    at: NaiveDateTime,
) -> Result<(), AppError> {
    crate::db::write(conn, |conn| {
        rows::find_in_scope(conn, scope, id)?;
        let n = rows::acknowledge(conn, id, by, at)?;
        audit_log::insert(
            conn,
            &AuditEntry::new(Action::ApplicationAlertAcknowledged, Some(by), Some(id))
                .detail(&n.to_string()),
        )?;
        Ok(())
    })
}

/// The scope's applications with alerts not yet acknowledged, with the latest alert.
pub fn alerted(
    conn: &mut DbConnection,
    scope: Option<&StationId>,
) -> Result<Vec<(Application, Alert)>, AppError> {
    Ok(rows::alerted(conn, scope)?)
}

/// What happened to a proof that an open application holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProofEvent {
    Ended,
    Renewed,
    Suspect,
}

impl ProofEvent {
    /// The stored value and message key stem (`application.alert.<event>`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ended => "ended",
            Self::Renewed => "renewed",
            Self::Suspect => "suspect",
        }
    }
}

/// Proof `id` was ended, renewed or flagged, in the caller's transaction: every open
/// application holding it gets an alert with the reason given (the text of the ending or
/// the flag; the renewal's code), and its station an email at once (never held for a
/// digest).
pub fn proof_changed(
    conn: &mut DbConnection,
    portal: &str,
    id: &AttestationId,
    event: ProofEvent,
) -> anyhow::Result<()> {
    let holding = rows::open_holding(conn, id)?;
    if holding.is_empty() {
        return Ok(());
    }
    let proof = crate::db::models::attestations::find_by_id(conn, id)?
        .ok_or(diesel::result::Error::NotFound)?;
    let reason = match event {
        ProofEvent::Ended => proof.revoke_reason.clone(),
        ProofEvent::Suspect => proof.suspect_reason.clone(),
        ProofEvent::Renewed => crate::db::models::attestations::renewal_of(conn, id)?
            .map(|r| VerificationCode::from_stored(r.code).display()),
    };
    let party = parties::find_by_id(conn, &proof.party_id)?;
    for app in holding {
        let alert = Alert {
            id: crate::db::new_id(),
            application_id: app.id.clone(),
            attestation_id: proof.id.clone(),
            event: event.as_str().to_owned(),
            reason: reason.clone(),
            at: crate::db::now(),
            acknowledged_at: None,
            acknowledged_by: None,
        };
        rows::insert_alert(conn, &alert)?;
        let station = stations::find_by_id(conn, &app.station_id)?;
        crate::mail::notify::application_alert(
            conn, portal, &station, &app, &party, &proof, &alert,
        )?;
    }
    Ok(())
}

/// When the scope's applications were accepted and its notices given since `since`.
pub fn desk_times_since(
    conn: &mut DbConnection,
    scope: Option<&StationId>,
    since: NaiveDateTime,
) -> Result<(Vec<NaiveDateTime>, Vec<NaiveDateTime>), AppError> {
    Ok(rows::desk_times_since(conn, scope, since)?)
}
