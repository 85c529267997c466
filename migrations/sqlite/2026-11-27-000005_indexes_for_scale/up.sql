-- Measured at 1,000,000 attestations (BENCHMARKS.md). The dashboard counts by index:
-- verifications carry the station of the proof they checked; revocations and suspicions
-- are found by time. An API issuance finds the party's first user by index.
ALTER TABLE verifications ADD COLUMN station_id TEXT;
UPDATE verifications SET station_id =
    (SELECT attestations.station_id FROM attestations WHERE attestations.id = verifications.attestation_id)
    WHERE attestation_id IS NOT NULL;
CREATE INDEX verifications_station_at ON verifications (station_id, at, method);
CREATE INDEX attestations_station_revoked ON attestations (station_id, revoked_at);
CREATE INDEX attestations_station_suspect ON attestations (station_id, suspect_at);
CREATE INDEX users_party ON users (party_id, created_at);
