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
    }
}

diesel::joinable!(parties -> stations (station_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(users -> parties (party_id));
diesel::joinable!(users -> stations (station_id));

diesel::allow_tables_to_appear_in_same_query!(audit_log, parties, sessions, stations, users,);
