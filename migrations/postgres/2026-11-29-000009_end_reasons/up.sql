-- Why a proof ended (moved_out, left_job, left_school, issued_in_error, other; NULL for
-- older revocations and those by a station, which have only their text) and the day it
-- ended, which may be before the day it was revoked.
ALTER TABLE attestations ADD COLUMN revoke_reason_code TEXT;
ALTER TABLE attestations ADD COLUMN ended_on DATE;
