-- A renewal records the proof it replaces; that one becomes superseded.
ALTER TABLE attestations ADD COLUMN replaces_id TEXT REFERENCES attestations (id);
CREATE INDEX attestations_replaces ON attestations (replaces_id);
