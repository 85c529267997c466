ALTER TABLE bulk_rows DROP COLUMN replaces_id;
