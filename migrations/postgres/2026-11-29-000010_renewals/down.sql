DROP INDEX attestations_replaces;
ALTER TABLE attestations DROP COLUMN replaces_id;
