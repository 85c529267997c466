ALTER TABLE stations DROP COLUMN disabled_at;
