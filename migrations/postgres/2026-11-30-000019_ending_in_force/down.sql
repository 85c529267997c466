ALTER TABLE daily_counts DROP COLUMN ending_in_force;
