ALTER TABLE parties DROP COLUMN identifier_type;
