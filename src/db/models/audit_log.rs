//! The append-only audit log. There is no update or delete function, and the database
//! refuses both (triggers in the migration).

use crate::db::schema::audit_log;
use crate::db::DbConnection;
use crate::domain::UserId;
use diesel::prelude::*;

/// What happened. Stored as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    LoginSuccess,
    LoginFailure,
    Logout,
    PartyRegistered,
    PartyApproved,
    PartyRejected,
    PartySuspended,
    PartyReinstated,
    StationCreated,
    UserCreated,
    AttestationIssued,
    AttestationRevoked,
    ApiKeyCreated,
    ApiKeyRevoked,
    SigningKeyRotated,
    IdNumberSearched,
    IdNumberChecked,
    AttestationSuspect,
    AttestationSuspectCleared,
    AttestationRevokedByStation,
    AttestationUsed,
    BulkUploaded,
    BulkIssued,
    PartySettingsChanged,
    PasswordChanged,
    PasswordResetAsked,
    PasswordReset,
    PasswordSetByOperator,
    UserDisabled,
    UserEnabled,
    UserInvited,
    InvitationRevoked,
    InvitationAccepted,
    PartyRoleChanged,
    PartyDetailsChanged,
    PartyChangeRequested,
    PartyChangeApproved,
    PartyChangeRejected,
    StationDisabled,
    StationEnabled,
    SecondFactorEnabled,
    SecondFactorDisabled,
    SecondFactorFailure,
    RecoveryCodeUsed,
    RequestLinkCreated,
    RequestLinkPaused,
    RequestLinkResumed,
    RequestLinkDeleted,
    RequestReceived,
    RequestAccepted,
    RequestRejected,
    HolderLinkRevoked,
    ApplicationAccepted,
    ApplicationProofAdded,
    ApplicationChecked,
    ApplicationNoticeGiven,
    ApplicationClosed,
    ApplicationAlertAcknowledged,
}

impl Action {
    /// The stored name of the action.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::LoginSuccess => "login_success",
            Action::LoginFailure => "login_failure",
            Action::Logout => "logout",
            Action::PartyRegistered => "party_registered",
            Action::PartyApproved => "party_approved",
            Action::PartyRejected => "party_rejected",
            Action::PartySuspended => "party_suspended",
            Action::PartyReinstated => "party_reinstated",
            Action::StationCreated => "station_created",
            Action::UserCreated => "user_created",
            Action::AttestationIssued => "attestation_issued",
            Action::AttestationRevoked => "attestation_revoked",
            Action::ApiKeyCreated => "api_key_created",
            Action::ApiKeyRevoked => "api_key_revoked",
            Action::SigningKeyRotated => "signing_key_rotated",
            Action::IdNumberSearched => "id_number_searched",
            Action::IdNumberChecked => "id_number_checked",
            Action::AttestationSuspect => "attestation_suspect",
            Action::AttestationSuspectCleared => "attestation_suspect_cleared",
            Action::AttestationRevokedByStation => "attestation_revoked_by_station",
            Action::AttestationUsed => "attestation_used",
            Action::BulkUploaded => "bulk_uploaded",
            Action::BulkIssued => "bulk_issued",
            Action::PartySettingsChanged => "party_settings_changed",
            Action::PasswordChanged => "password_changed",
            Action::PasswordResetAsked => "password_reset_asked",
            Action::PasswordReset => "password_reset",
            Action::PasswordSetByOperator => "password_set_by_operator",
            Action::UserDisabled => "user_disabled",
            Action::UserEnabled => "user_enabled",
            Action::UserInvited => "user_invited",
            Action::InvitationRevoked => "invitation_revoked",
            Action::InvitationAccepted => "invitation_accepted",
            Action::PartyRoleChanged => "party_role_changed",
            Action::PartyDetailsChanged => "party_details_changed",
            Action::PartyChangeRequested => "party_change_requested",
            Action::PartyChangeApproved => "party_change_approved",
            Action::PartyChangeRejected => "party_change_rejected",
            Action::StationDisabled => "station_disabled",
            Action::StationEnabled => "station_enabled",
            Action::SecondFactorEnabled => "second_factor_enabled",
            Action::SecondFactorDisabled => "second_factor_disabled",
            Action::SecondFactorFailure => "second_factor_failure",
            Action::RecoveryCodeUsed => "recovery_code_used",
            Action::RequestLinkCreated => "request_link_created",
            Action::RequestLinkPaused => "request_link_paused",
            Action::RequestLinkResumed => "request_link_resumed",
            Action::RequestLinkDeleted => "request_link_deleted",
            Action::RequestReceived => "request_received",
            Action::RequestAccepted => "request_accepted",
            Action::RequestRejected => "request_rejected",
            Action::HolderLinkRevoked => "holder_link_revoked",
            Action::ApplicationAccepted => "application_accepted",
            Action::ApplicationProofAdded => "application_proof_added",
            Action::ApplicationChecked => "application_checked",
            Action::ApplicationNoticeGiven => "application_notice_given",
            Action::ApplicationClosed => "application_closed",
            Action::ApplicationAlertAcknowledged => "application_alert_acknowledged",
        }
    }
}

/// An audit row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_log)]
pub struct AuditEntry {
    pub id: String,
    pub at: chrono::NaiveDateTime,
    pub action: String,
    pub actor_user_id: Option<UserId>,
    pub subject: Option<String>,
    pub client_ip: Option<String>,
    pub detail: Option<String>,
}

impl AuditEntry {
    /// A new entry stamped now. `subject` is what the action was about (a party id, an
    /// email); never a full ID number.
    pub fn new<S: AsRef<str> + ?Sized>(
        action: Action,
        actor: Option<&UserId>,
        subject: Option<&S>,
    ) -> Self {
        Self {
            id: crate::db::new_id(),
            at: crate::db::now(),
            action: action.as_str().to_owned(),
            actor_user_id: actor.cloned(),
            subject: subject.map(|s| s.as_ref().to_owned()),
            client_ip: None,
            detail: None,
        }
    }

    /// Records the client address.
    pub fn from_ip(mut self, ip: Option<&str>) -> Self {
        self.client_ip = ip.map(str::to_owned);
        self
    }

    /// Adds a detail (a reason, a flag).
    pub fn detail(mut self, detail: &str) -> Self {
        self.detail = Some(detail.to_owned());
        self
    }
}

/// Appends an entry.
pub fn insert(conn: &mut DbConnection, entry: &AuditEntry) -> QueryResult<()> {
    diesel::insert_into(audit_log::table)
        .values(entry)
        .execute(conn)
        .map(drop)
}

/// Appends many entries in one statement (up to 1,000).
pub fn insert_many(conn: &mut DbConnection, entries: &[AuditEntry]) -> QueryResult<usize> {
    let query = diesel::insert_into(audit_log::table).values(entries);
    match conn {
        DbConnection::Sqlite(c) => query.execute(c),
        DbConnection::Postgres(c) => query.execute(c),
    }
}

/// How many `action` entries happened since `since`, about `subject` and from `ip` (any
/// when `None`).
pub fn count_since(
    conn: &mut DbConnection,
    action: Action,
    subject: Option<&str>,
    ip: Option<&str>,
    since: chrono::NaiveDateTime,
) -> QueryResult<i64> {
    let mut query = audit_log::table
        .filter(audit_log::action.eq(action.as_str()))
        .filter(audit_log::at.gt(since))
        .into_boxed();
    if let Some(subject) = subject {
        query = query.filter(audit_log::subject.eq(subject.to_owned()));
    }
    if let Some(ip) = ip {
        query = query.filter(audit_log::client_ip.eq(ip.to_owned()));
    }
    query.count().get_result(conn)
}

/// Entries of `action` (any when None) on `day` (China time; any when None), newest first.
pub fn list_filtered(
    conn: &mut DbConnection,
    action: Option<&str>,
    day: Option<chrono::NaiveDate>,
    limit: i64,
) -> QueryResult<Vec<AuditEntry>> {
    let mut query = audit_log::table
        .order(audit_log::at.desc())
        .limit(limit)
        .select(AuditEntry::as_select())
        .into_boxed();
    if let Some(action) = action {
        query = query.filter(audit_log::action.eq(action.to_owned()));
    }
    if let Some(day) = day {
        let start = crate::domain::china_time::day_start(day);
        query = query
            .filter(audit_log::at.ge(start))
            .filter(audit_log::at.lt(start + chrono::Duration::days(1)));
    }
    query.load(conn)
}

/// The most recent entries, newest first (for the admin page and tests).
pub fn list_recent(conn: &mut DbConnection, limit: i64) -> QueryResult<Vec<AuditEntry>> {
    audit_log::table
        .order(audit_log::at.desc())
        .limit(limit)
        .select(AuditEntry::as_select())
        .load(conn)
}
