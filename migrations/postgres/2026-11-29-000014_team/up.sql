-- A party's users are its owners (everything, including the team, keys and details) and
-- clerks (proofs only); every existing party user is an owner.
ALTER TABLE users ADD COLUMN party_role TEXT;
UPDATE users SET party_role = 'owner' WHERE role = 'party';
-- Invitations to join a party: a keyed hash of the token (never the token), single use,
-- valid until expires_at unless revoked.
CREATE TABLE invitations (
    id TEXT PRIMARY KEY NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    party_id TEXT NOT NULL REFERENCES parties (id),
    email TEXT NOT NULL,
    party_role TEXT NOT NULL,
    invited_by TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    accepted_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX invitations_party ON invitations (party_id);
