-- Token Status Lists (draft-ietf-oauth-status-list): each list holds 131,072 two-bit
-- statuses. `next_n` is the next ordinal to hand out (instances reserve blocks of them;
-- the ordinal is mapped to an index by a keyed permutation). `version` counts the changes
-- of its tokens' statuses; `token` is the signed list built from `built_version` at
-- `built_at` (before the first build: -1 and the creation time), so that every instance
-- serves the same bytes until the next change or `ttl`.
CREATE TABLE status_lists (
    id TEXT PRIMARY KEY NOT NULL,
    created_at TIMESTAMP NOT NULL,
    next_n INTEGER NOT NULL DEFAULT 0,
    version BIGINT NOT NULL DEFAULT 0,
    built_version BIGINT NOT NULL DEFAULT -1,
    built_at TIMESTAMP NOT NULL,
    token TEXT
);
ALTER TABLE attestations ADD COLUMN status_list_id TEXT REFERENCES status_lists (id);
ALTER TABLE attestations ADD COLUMN status_idx INTEGER;
CREATE UNIQUE INDEX attestations_status_slot ON attestations (status_list_id, status_idx);
