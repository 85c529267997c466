-- A second factor (TOTP, RFC 6238): the secret sealed under the portal secret, set when the
-- user starts the setup and in force once confirmed with a first code (totp_enabled_at);
-- the time step of the last code accepted, so that no code is accepted twice.
ALTER TABLE users ADD COLUMN totp_secret_sealed TEXT;
ALTER TABLE users ADD COLUMN totp_enabled_at TIMESTAMP;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;
-- Single-use recovery codes, only as keyed hashes.
CREATE TABLE recovery_codes (
    code_hash TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    used_at TIMESTAMP
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id);
