-- Expiry reminders: a party may switch its daily digest off; the day of its last digest
-- (claimed by one instance with a conditional update, so the digest goes out once a day
-- across instances); the day the applicant was told their proof runs out (once per proof).
ALTER TABLE parties ADD COLUMN reminders_enabled BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE parties ADD COLUMN last_reminder_on DATE;
ALTER TABLE attestations ADD COLUMN applicant_reminded_on DATE;
-- The daily job reads the proofs stored active that end around today, across parties.
CREATE INDEX attestations_ending ON attestations (status, valid_until);
