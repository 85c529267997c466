-- Expiring proofs are bounded by both ends of validity: with the first day in the index, the
-- count reads the index alone (no row of the table for each proof in range).
DROP INDEX attestations_party_status_until;
DROP INDEX attestations_station_status_until;
CREATE INDEX attestations_party_status_until ON attestations (party_id, status, valid_until, valid_from);
CREATE INDEX attestations_station_status_until ON attestations (station_id, status, valid_until, valid_from);
