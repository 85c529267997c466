-- Per day, the proofs in force (stored status active) whose last day it is: the dashboard's
-- count of expired proofs adds up the days before today instead of counting every proof.
ALTER TABLE daily_counts ADD COLUMN ending_in_force BIGINT NOT NULL DEFAULT 0;
INSERT INTO daily_counts (station_id, day, ending_in_force)
SELECT station_id, valid_until, COUNT(*) FROM attestations
WHERE status = 'active'
GROUP BY station_id, valid_until
ON CONFLICT (station_id, day) DO UPDATE SET ending_in_force = excluded.ending_in_force;
