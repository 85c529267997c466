DROP INDEX attestations_status_slot;
ALTER TABLE attestations DROP COLUMN status_idx;
ALTER TABLE attestations DROP COLUMN status_list_id;
DROP TABLE status_lists;
