DROP INDEX users_party;
DROP INDEX attestations_station_suspect;
DROP INDEX attestations_station_revoked;
DROP INDEX verifications_station_at;
ALTER TABLE verifications DROP COLUMN station_id;
