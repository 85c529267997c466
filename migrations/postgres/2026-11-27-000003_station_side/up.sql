ALTER TABLE stations ADD COLUMN notify_mode TEXT NOT NULL DEFAULT 'immediate';
ALTER TABLE stations ADD COLUMN digest_hour INTEGER NOT NULL DEFAULT 8;
ALTER TABLE stations ADD COLUMN last_digest_on DATE;

ALTER TABLE attestations ADD COLUMN suspect_at TIMESTAMP;
ALTER TABLE attestations ADD COLUMN suspect_by TEXT REFERENCES users(id);
ALTER TABLE attestations ADD COLUMN suspect_reason TEXT;

CREATE TABLE outbox (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TIMESTAMP NOT NULL,
    event TEXT NOT NULL,
    station_id TEXT REFERENCES stations(id),
    recipients TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    last_error TEXT,
    sent_at TIMESTAMP
);
CREATE INDEX outbox_status_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_station_status ON outbox (station_id, status);

CREATE TABLE attestation_uses (
    id TEXT PRIMARY KEY NOT NULL,
    attestation_id TEXT NOT NULL REFERENCES attestations(id),
    application_no TEXT NOT NULL,
    recorded_by TEXT NOT NULL REFERENCES users(id),
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX attestation_uses_attestation ON attestation_uses (attestation_id);
CREATE INDEX verifications_user_at ON verifications (user_id, at);
CREATE INDEX attestations_station_status ON attestations (station_id, status);
