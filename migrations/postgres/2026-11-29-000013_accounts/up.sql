-- A disabled user cannot log in and has no session or API key; what they did stays
-- attributed to them. The last login is shown to a party's owner in the team list.
ALTER TABLE users ADD COLUMN disabled_at TIMESTAMP;
ALTER TABLE users ADD COLUMN last_login_at TIMESTAMP;
-- Links to set a new password: a keyed hash of the token (never the token), valid until
-- expires_at; used or superseded links are deleted.
CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX password_resets_user ON password_resets (user_id);
