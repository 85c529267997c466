ALTER TABLE attestations DROP COLUMN ended_on;
ALTER TABLE attestations DROP COLUMN revoke_reason_code;
