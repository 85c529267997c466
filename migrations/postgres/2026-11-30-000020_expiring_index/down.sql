DROP INDEX attestations_party_status_until;
DROP INDEX attestations_station_status_until;
CREATE INDEX attestations_party_status_until ON attestations (party_id, status, valid_until);
CREATE INDEX attestations_station_status_until ON attestations (station_id, status, valid_until);
