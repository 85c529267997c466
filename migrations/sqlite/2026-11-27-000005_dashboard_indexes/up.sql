-- The dashboard counts by index, whatever the size of the tables: verifications carry the
-- station of the proof they checked; revocations and suspicions are found by time.
ALTER TABLE verifications ADD COLUMN station_id TEXT;
UPDATE verifications SET station_id =
    (SELECT attestations.station_id FROM attestations WHERE attestations.id = verifications.attestation_id)
    WHERE attestation_id IS NOT NULL;
CREATE INDEX verifications_station_at ON verifications (station_id, at, method);
-- Not partial indexes: with SQLite's STAT4 (as bundled), a partial index makes every
-- statement on the table with a bound parameter re-prepare at each execution.
CREATE INDEX attestations_station_revoked ON attestations (station_id, revoked_at);
CREATE INDEX attestations_station_suspect ON attestations (station_id, suspect_at);
