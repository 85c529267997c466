-- Bulk issuance from a CSV file: the batch, and each row as uploaded until it is issued.
CREATE TABLE bulk_batches (
    id TEXT PRIMARY KEY NOT NULL,
    party_id TEXT NOT NULL REFERENCES parties(id),
    kind TEXT NOT NULL,
    file_name TEXT NOT NULL,
    encoding TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    state TEXT NOT NULL,
    row_count INTEGER NOT NULL,
    issued_count INTEGER NOT NULL,
    lease_until TIMESTAMP,
    finished_at TIMESTAMP
);
CREATE INDEX bulk_batches_party_created ON bulk_batches (party_id, created_at);

-- `cells` holds the row as typed (with the full ID number), sealed; emptied once the
-- batch is done. `errors` is a JSON list, `[]` for a row that can be issued.
CREATE TABLE bulk_rows (
    batch_id TEXT NOT NULL REFERENCES bulk_batches(id) ON DELETE CASCADE,
    line INTEGER NOT NULL,
    subject_name TEXT NOT NULL,
    subject_id_hmac TEXT,
    cells TEXT NOT NULL,
    errors TEXT NOT NULL,
    attestation_id TEXT REFERENCES attestations(id),
    PRIMARY KEY (batch_id, line)
);
CREATE INDEX bulk_rows_batch_id_hmac ON bulk_rows (batch_id, subject_id_hmac);
