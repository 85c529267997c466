ALTER TABLE parties ADD COLUMN identifier_masked TEXT;
ALTER TABLE parties ADD COLUMN identifier_sealed TEXT;
