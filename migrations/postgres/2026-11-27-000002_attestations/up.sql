CREATE TABLE signing_keys (
    kid TEXT PRIMARY KEY NOT NULL,
    public_x TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    retired_at TIMESTAMP
);

CREATE TABLE attestations (
    id TEXT PRIMARY KEY NOT NULL,
    party_id TEXT NOT NULL REFERENCES parties(id),
    station_id TEXT NOT NULL REFERENCES stations(id),
    kind TEXT NOT NULL,
    code TEXT NOT NULL UNIQUE,
    subject_name TEXT NOT NULL,
    subject_id_masked TEXT NOT NULL,
    subject_id_hmac TEXT NOT NULL,
    facts TEXT NOT NULL,
    valid_from DATE NOT NULL,
    valid_until DATE NOT NULL,
    applicant_email TEXT,
    responsibility_accepted BOOLEAN NOT NULL,
    issued_at TIMESTAMP NOT NULL,
    issued_by TEXT NOT NULL REFERENCES users(id),
    kid TEXT NOT NULL REFERENCES signing_keys(kid),
    token TEXT NOT NULL,
    status TEXT NOT NULL,
    revoked_at TIMESTAMP,
    revoked_by TEXT REFERENCES users(id),
    revoke_reason TEXT
);
CREATE INDEX attestations_party_issued ON attestations (party_id, issued_at, id);
CREATE INDEX attestations_station_issued ON attestations (station_id, issued_at, id);
CREATE INDEX attestations_subject_hmac ON attestations (subject_id_hmac);

CREATE TABLE verifications (
    id TEXT PRIMARY KEY NOT NULL,
    at TIMESTAMP NOT NULL,
    attestation_id TEXT REFERENCES attestations(id),
    method TEXT NOT NULL,
    result TEXT NOT NULL,
    user_id TEXT REFERENCES users(id),
    client_ip TEXT
);
CREATE INDEX verifications_attestation ON verifications (attestation_id, at);

CREATE TABLE api_keys (
    id TEXT PRIMARY KEY NOT NULL,
    party_id TEXT NOT NULL REFERENCES parties(id),
    name TEXT NOT NULL,
    prefix TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT REFERENCES users(id),
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX api_keys_party ON api_keys (party_id, created_at);
