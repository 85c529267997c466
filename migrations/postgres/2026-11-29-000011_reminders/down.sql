DROP INDEX attestations_ending;
ALTER TABLE attestations DROP COLUMN applicant_reminded_on;
ALTER TABLE parties DROP COLUMN last_reminder_on;
ALTER TABLE parties DROP COLUMN reminders_enabled;
