// @generated automatically by Diesel CLI.

diesel::table! {
    audit_log (id) {
        id -> Text,
        at -> Timestamp,
        action -> Text,
        actor_user_id -> Nullable<Text>,
        subject -> Nullable<Text>,
        client_ip -> Nullable<Text>,
        detail -> Nullable<Text>,
    }
}

diesel::table! {
    parties (id) {
        id -> Text,
        kind -> Text,
        legal_name -> Text,
        identifier -> Text,
        address -> Text,
        contact_name -> Text,
        contact_phone -> Text,
        station_id -> Text,
        status -> Text,
        status_reason -> Nullable<Text>,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        identifier_masked -> Nullable<Text>,
        identifier_sealed -> Nullable<Text>,
        identifier_type -> Nullable<Text>,
        reminders_enabled -> Bool,
        last_reminder_on -> Nullable<Date>,
    }
}

diesel::table! {
    sessions (id_hash) {
        id_hash -> Text,
        user_id -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
    }
}

diesel::table! {
    stations (id) {
        id -> Text,
        code -> Text,
        name -> Text,
        email -> Text,
        created_at -> Timestamp,
        notify_mode -> Text,
        digest_hour -> Integer,
        last_digest_on -> Nullable<Date>,
        disabled_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        password_hash -> Text,
        role -> Text,
        station_id -> Nullable<Text>,
        party_id -> Nullable<Text>,
        created_at -> Timestamp,
        disabled_at -> Nullable<Timestamp>,
        last_login_at -> Nullable<Timestamp>,
        party_role -> Nullable<Text>,
        totp_secret_sealed -> Nullable<Text>,
        totp_enabled_at -> Nullable<Timestamp>,
        totp_last_step -> Nullable<BigInt>,
    }
}

diesel::table! {
    invitations (id) {
        id -> Text,
        token_hash -> Text,
        party_id -> Text,
        email -> Text,
        party_role -> Text,
        invited_by -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        accepted_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(invitations -> parties (party_id));

diesel::table! {
    party_change_requests (id) {
        id -> Text,
        party_id -> Text,
        kind -> Text,
        legal_name -> Text,
        identifier -> Text,
        identifier_masked -> Nullable<Text>,
        identifier_sealed -> Nullable<Text>,
        identifier_type -> Text,
        requested_by -> Text,
        created_at -> Timestamp,
        status -> Text,
        reason -> Nullable<Text>,
        decided_by -> Nullable<Text>,
        decided_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(party_change_requests -> parties (party_id));

diesel::table! {
    password_resets (token_hash) {
        token_hash -> Text,
        user_id -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::joinable!(password_resets -> users (user_id));

diesel::table! {
    recovery_codes (code_hash) {
        code_hash -> Text,
        user_id -> Text,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(recovery_codes -> users (user_id));

diesel::joinable!(parties -> stations (station_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(users -> parties (party_id));
diesel::joinable!(users -> stations (station_id));

diesel::table! {
    signing_keys (kid) {
        kid -> Text,
        public_x -> Text,
        created_at -> Timestamp,
        retired_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    attestations (id) {
        id -> Text,
        party_id -> Text,
        station_id -> Text,
        kind -> Text,
        code -> Text,
        subject_name -> Text,
        subject_id_masked -> Text,
        subject_id_hmac -> Text,
        facts -> Text,
        valid_from -> Date,
        valid_until -> Date,
        applicant_email -> Nullable<Text>,
        responsibility_accepted -> Bool,
        issued_at -> Timestamp,
        issued_by -> Text,
        kid -> Text,
        token -> Text,
        status -> Text,
        revoked_at -> Nullable<Timestamp>,
        revoked_by -> Nullable<Text>,
        revoke_reason -> Nullable<Text>,
        suspect_at -> Nullable<Timestamp>,
        suspect_by -> Nullable<Text>,
        suspect_reason -> Nullable<Text>,
        revoke_reason_code -> Nullable<Text>,
        ended_on -> Nullable<Date>,
        replaces_id -> Nullable<Text>,
        applicant_reminded_on -> Nullable<Date>,
        status_list_id -> Nullable<Text>,
        status_idx -> Nullable<Integer>,
    }
}

diesel::table! {
    status_lists (id) {
        id -> Text,
        created_at -> Timestamp,
        next_n -> Integer,
        version -> BigInt,
        built_version -> BigInt,
        built_at -> Timestamp,
        token -> Nullable<Text>,
    }
}

diesel::table! {
    verifications (id) {
        id -> Text,
        at -> Timestamp,
        attestation_id -> Nullable<Text>,
        method -> Text,
        result -> Text,
        user_id -> Nullable<Text>,
        client_ip -> Nullable<Text>,
        station_id -> Nullable<Text>,
    }
}

diesel::table! {
    api_keys (id) {
        id -> Text,
        party_id -> Text,
        name -> Text,
        prefix -> Text,
        key_hash -> Text,
        created_at -> Timestamp,
        created_by -> Nullable<Text>,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    outbox (id) {
        id -> Text,
        created_at -> Timestamp,
        event -> Text,
        station_id -> Nullable<Text>,
        recipients -> Text,
        subject -> Text,
        body_text -> Text,
        body_html -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        last_error -> Nullable<Text>,
        sent_at -> Nullable<Timestamp>,
        attachment_of -> Nullable<Text>,
    }
}

diesel::table! {
    attestation_uses (id) {
        id -> Text,
        attestation_id -> Text,
        application_no -> Text,
        recorded_by -> Text,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    bulk_batches (id) {
        id -> Text,
        party_id -> Text,
        kind -> Text,
        file_name -> Text,
        encoding -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        state -> Text,
        row_count -> Integer,
        issued_count -> Integer,
        lease_until -> Nullable<Timestamp>,
        finished_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    bulk_rows (batch_id, line) {
        batch_id -> Text,
        line -> Integer,
        subject_name -> Text,
        subject_id_hmac -> Nullable<Text>,
        cells -> Text,
        errors -> Text,
        attestation_id -> Nullable<Text>,
        replaces_id -> Nullable<Text>,
    }
}

diesel::joinable!(attestations -> parties (party_id));
diesel::joinable!(bulk_rows -> bulk_batches (batch_id));
diesel::joinable!(bulk_rows -> attestations (attestation_id));
diesel::joinable!(attestation_uses -> attestations (attestation_id));
diesel::joinable!(attestations -> stations (station_id));
diesel::joinable!(attestations -> status_lists (status_list_id));
diesel::joinable!(attestations -> signing_keys (kid));
diesel::joinable!(verifications -> attestations (attestation_id));
diesel::joinable!(verifications -> users (user_id));
diesel::joinable!(api_keys -> parties (party_id));

diesel::table! {
    daily_counts (station_id, day) {
        station_id -> Text,
        day -> Date,
        issued -> BigInt,
        revoked -> BigInt,
        suspect -> BigInt,
        verified -> BigInt,
        ending_in_force -> BigInt,
    }
}

diesel::table! {
    request_links (id) {
        id -> Text,
        party_id -> Text,
        kind -> Text,
        label -> Text,
        token_hash -> Text,
        token_sealed -> Text,
        max_uses -> Nullable<Integer>,
        uses -> Integer,
        valid_until -> Nullable<Date>,
        created_by -> Text,
        created_at -> Timestamp,
        paused_at -> Nullable<Timestamp>,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    applicant_requests (id) {
        id -> Text,
        reference -> Text,
        link_id -> Text,
        party_id -> Text,
        kind -> Text,
        subject_name -> Text,
        subject_id_masked -> Text,
        subject_id_hmac -> Text,
        subject_id_sealed -> Nullable<Text>,
        email -> Text,
        phone -> Text,
        facts -> Text,
        created_at -> Timestamp,
        state -> Text,
        decided_at -> Nullable<Timestamp>,
        decided_by -> Nullable<Text>,
        reject_reason -> Nullable<Text>,
        attestation_id -> Nullable<Text>,
    }
}

diesel::table! {
    holder_links (id) {
        id -> Text,
        attestation_id -> Text,
        token_hash -> Text,
        email -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        notify_verifications -> Bool,
        seen_until -> Timestamp,
        last_mailed_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(applicant_requests -> request_links (link_id));
diesel::joinable!(holder_links -> attestations (attestation_id));

diesel::table! {
    applications (id) {
        id -> Text,
        station_id -> Text,
        application_no -> Text,
        kind -> Text,
        subject_id_masked -> Text,
        subject_id_hmac -> Text,
        officer_no -> Text,
        identity_card_seen -> Bool,
        photograph_taken -> Bool,
        form_signed -> Bool,
        accepted_by -> Text,
        accepted_at -> Timestamp,
        closed_at -> Nullable<Timestamp>,
        closed_by -> Nullable<Text>,
    }
}

diesel::table! {
    application_proofs (application_id, attestation_id) {
        application_id -> Text,
        attestation_id -> Text,
        added_by -> Text,
        added_at -> Timestamp,
    }
}

diesel::table! {
    application_alerts (id) {
        id -> Text,
        application_id -> Text,
        attestation_id -> Text,
        event -> Text,
        reason -> Nullable<Text>,
        at -> Timestamp,
        acknowledged_at -> Nullable<Timestamp>,
        acknowledged_by -> Nullable<Text>,
    }
}

diesel::table! {
    application_notices (id) {
        id -> Text,
        application_id -> Text,
        station_id -> Text,
        issued_at -> Timestamp,
        issued_by -> Text,
        items -> Text,
    }
}

diesel::joinable!(application_proofs -> applications (application_id));
diesel::joinable!(application_proofs -> attestations (attestation_id));
diesel::joinable!(application_alerts -> applications (application_id));
diesel::joinable!(application_notices -> applications (application_id));
diesel::joinable!(applications -> stations (station_id));

diesel::allow_tables_to_appear_in_same_query!(
    applications,
    application_proofs,
    application_alerts,
    application_notices,
    applicant_requests,
    holder_links,
    request_links,
    api_keys,
    attestation_uses,
    attestations,
    audit_log,
    bulk_batches,
    bulk_rows,
    daily_counts,
    invitations,
    outbox,
    parties,
    party_change_requests,
    password_resets,
    recovery_codes,
    sessions,
    signing_keys,
    stations,
    status_lists,
    users,
    verifications,
);
