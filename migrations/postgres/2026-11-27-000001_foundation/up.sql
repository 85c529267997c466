CREATE TABLE stations (
    id TEXT PRIMARY KEY NOT NULL,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE parties (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    legal_name TEXT NOT NULL,
    identifier TEXT NOT NULL UNIQUE,
    address TEXT NOT NULL,
    contact_name TEXT NOT NULL,
    contact_phone TEXT NOT NULL,
    station_id TEXT NOT NULL REFERENCES stations(id),
    status TEXT NOT NULL,
    status_reason TEXT,
    decided_by TEXT,
    decided_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX parties_station_status ON parties (station_id, status, created_at);

CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    station_id TEXT REFERENCES stations(id),
    party_id TEXT REFERENCES parties(id),
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE audit_log (
    id TEXT PRIMARY KEY NOT NULL,
    at TIMESTAMP NOT NULL,
    action TEXT NOT NULL,
    actor_user_id TEXT,
    subject TEXT,
    client_ip TEXT,
    detail TEXT
);
CREATE INDEX audit_log_action_subject_at ON audit_log (action, subject, at);
CREATE INDEX audit_log_action_ip_at ON audit_log (action, client_ip, at);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END
$$;
CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
