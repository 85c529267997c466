-- What happened in each station's jurisdiction per day (China time, UTC+8 as in
-- domain/china_time.rs): kept in the same transactions as the events, so that the
-- dashboard adds up a week of rows instead of counting every row of the week.
CREATE TABLE daily_counts (
    station_id TEXT NOT NULL REFERENCES stations (id),
    day DATE NOT NULL,
    issued BIGINT NOT NULL DEFAULT 0,
    revoked BIGINT NOT NULL DEFAULT 0,
    suspect BIGINT NOT NULL DEFAULT 0,
    verified BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (station_id, day)
);
INSERT INTO daily_counts (station_id, day, issued, revoked, suspect, verified)
SELECT station_id, day, SUM(issued), SUM(revoked), SUM(suspect), SUM(verified) FROM (
    SELECT station_id, date(issued_at, '+8 hours') AS day,
           1 AS issued, 0 AS revoked, 0 AS suspect, 0 AS verified FROM attestations
    UNION ALL
    SELECT station_id, date(revoked_at, '+8 hours'), 0, 1, 0, 0
    FROM attestations WHERE revoked_at IS NOT NULL
    UNION ALL
    SELECT station_id, date(suspect_at, '+8 hours'), 0, 0, 1, 0
    FROM attestations WHERE suspect_at IS NOT NULL
    UNION ALL
    SELECT station_id, date(at, '+8 hours'), 0, 0, 0, 1
    FROM verifications WHERE station_id IS NOT NULL AND method <> 'id_card'
) AS events
GROUP BY station_id, day;
