-- The lists by status (active, expiring, expired: the stored state and the last day of
-- validity) and the counts per status on the party's home page and the station's dashboard
-- read a range of one of these instead of every proof of the party or station.
CREATE INDEX attestations_party_status_until ON attestations (party_id, status, valid_until);
CREATE INDEX attestations_station_status_until ON attestations (station_id, status, valid_until);
