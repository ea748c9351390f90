-- A notice's timeline without its per-item events (status page, GET …/events?scope=notice).
-- Every URL of a notice logs an item event, so for a 100,000-URL notice the query for its few
-- notice-level events walked ~100,000 entries of events_notice_idx or of the primary key
-- (57 ms; 0.6 ms with this index, which holds only the notice-level events). Status page of a
-- 100,000-URL notice, median: 100 rows 38 → 13 ms, 1,000 rows 56 → 42 ms (bench/run.ts).
CREATE INDEX events_notice_timeline_idx ON events (notice_id, id) WHERE subject_type <> 'item';
