-- A row of a batch renewing a proof picked from the list: the proof it replaces (the
-- person is taken from that proof, never typed again).
ALTER TABLE bulk_rows ADD COLUMN replaces_id TEXT REFERENCES attestations (id);
