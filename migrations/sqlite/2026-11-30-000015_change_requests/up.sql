-- A party's request to change its legal name, kind or identifier: the old details stay in
-- force until its station approves (then they are replaced) or rejects it with a reason.
-- The identifier is stored as parties store it (an individual's number only hashed, masked
-- and sealed). At most one request per party is pending; a newer one withdraws it.
CREATE TABLE party_change_requests (
    id TEXT PRIMARY KEY NOT NULL,
    party_id TEXT NOT NULL REFERENCES parties (id),
    kind TEXT NOT NULL,
    legal_name TEXT NOT NULL,
    identifier TEXT NOT NULL,
    identifier_masked TEXT,
    identifier_sealed TEXT,
    identifier_type TEXT NOT NULL,
    requested_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    status TEXT NOT NULL,
    reason TEXT,
    decided_by TEXT REFERENCES users (id),
    decided_at TIMESTAMP
);
CREATE INDEX party_change_requests_party ON party_change_requests (party_id, status);
