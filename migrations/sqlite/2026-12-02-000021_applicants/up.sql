-- The applicant's side. Request links: a party's link (or poster) through which applicants
-- ask for a proof of one kind; the token is kept as a keyed hash (to find the link) and
-- sealed (to show the party its link and poster again).
CREATE TABLE request_links (
    id TEXT PRIMARY KEY NOT NULL,
    party_id TEXT NOT NULL REFERENCES parties (id),
    kind TEXT NOT NULL,
    label TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    token_sealed TEXT NOT NULL,
    max_uses INTEGER,
    uses INTEGER NOT NULL DEFAULT 0,
    valid_until DATE,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    paused_at TIMESTAMP,
    deleted_at TIMESTAMP
);
CREATE INDEX request_links_party ON request_links (party_id, created_at);
-- What an applicant asked for: the full ID number sealed until the request is decided
-- (then NULL), the rest until the request is deleted (30 days after it was made).
CREATE TABLE applicant_requests (
    id TEXT PRIMARY KEY NOT NULL,
    reference TEXT NOT NULL UNIQUE,
    link_id TEXT NOT NULL REFERENCES request_links (id),
    party_id TEXT NOT NULL REFERENCES parties (id),
    kind TEXT NOT NULL,
    subject_name TEXT NOT NULL,
    subject_id_masked TEXT NOT NULL,
    subject_id_hmac TEXT NOT NULL,
    subject_id_sealed TEXT,
    email TEXT NOT NULL,
    phone TEXT NOT NULL,
    facts TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    state TEXT NOT NULL,
    decided_at TIMESTAMP,
    decided_by TEXT REFERENCES users (id),
    reject_reason TEXT,
    attestation_id TEXT REFERENCES attestations (id)
);
CREATE INDEX applicant_requests_party ON applicant_requests (party_id, state, created_at);
CREATE INDEX applicant_requests_created ON applicant_requests (created_at);
-- The holder's page of a proof (/my/{token}): a keyed hash of the token only.
CREATE TABLE holder_links (
    id TEXT PRIMARY KEY NOT NULL,
    attestation_id TEXT NOT NULL REFERENCES attestations (id),
    token_hash TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    notify_verifications BOOLEAN NOT NULL DEFAULT FALSE,
    seen_until TIMESTAMP NOT NULL,
    last_mailed_at TIMESTAMP
);
CREATE INDEX holder_links_attestation ON holder_links (attestation_id);
CREATE INDEX holder_links_notify ON holder_links (notify_verifications, last_mailed_at);
-- An email may carry the PDF of one proof, rendered when it is sent.
ALTER TABLE outbox ADD COLUMN attachment_of TEXT;
