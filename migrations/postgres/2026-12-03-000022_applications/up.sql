-- At the station's desk: an application (申领 or 签注) of one applicant, known by the keyed
-- hash of their ID number and its masked form only; the proofs scanned into it; what
-- happened to those proofs while it was open; and the one-time notices of what is missing.
CREATE TABLE applications (
    id TEXT PRIMARY KEY NOT NULL,
    station_id TEXT NOT NULL REFERENCES stations (id),
    application_no TEXT NOT NULL,
    kind TEXT NOT NULL,
    subject_id_masked TEXT NOT NULL,
    subject_id_hmac TEXT NOT NULL,
    officer_no TEXT NOT NULL,
    identity_card_seen BOOLEAN NOT NULL DEFAULT FALSE,
    photograph_taken BOOLEAN NOT NULL DEFAULT FALSE,
    form_signed BOOLEAN NOT NULL DEFAULT FALSE,
    accepted_by TEXT NOT NULL REFERENCES users (id),
    accepted_at TIMESTAMP NOT NULL,
    closed_at TIMESTAMP,
    closed_by TEXT REFERENCES users (id),
    UNIQUE (station_id, application_no)
);
CREATE INDEX applications_station ON applications (station_id, accepted_at);
CREATE TABLE application_proofs (
    application_id TEXT NOT NULL REFERENCES applications (id),
    attestation_id TEXT NOT NULL REFERENCES attestations (id),
    added_by TEXT NOT NULL REFERENCES users (id),
    added_at TIMESTAMP NOT NULL,
    PRIMARY KEY (application_id, attestation_id)
);
CREATE INDEX application_proofs_attestation ON application_proofs (attestation_id);
CREATE TABLE application_alerts (
    id TEXT PRIMARY KEY NOT NULL,
    application_id TEXT NOT NULL REFERENCES applications (id),
    attestation_id TEXT NOT NULL REFERENCES attestations (id),
    event TEXT NOT NULL,
    reason TEXT,
    at TIMESTAMP NOT NULL,
    acknowledged_at TIMESTAMP,
    acknowledged_by TEXT REFERENCES users (id)
);
CREATE INDEX application_alerts_application ON application_alerts (application_id, acknowledged_at);
CREATE TABLE application_notices (
    id TEXT PRIMARY KEY NOT NULL,
    application_id TEXT NOT NULL REFERENCES applications (id),
    station_id TEXT NOT NULL REFERENCES stations (id),
    issued_at TIMESTAMP NOT NULL,
    issued_by TEXT NOT NULL REFERENCES users (id),
    items TEXT NOT NULL
);
CREATE INDEX application_notices_station ON application_notices (station_id, issued_at);
CREATE INDEX application_notices_application ON application_notices (application_id, issued_at);
