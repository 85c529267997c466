ALTER TABLE parties DROP COLUMN identifier_sealed;
ALTER TABLE parties DROP COLUMN identifier_masked;
