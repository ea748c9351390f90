-- Each processed notice keeps its items' counts by state, refreshed by whoever changes item
-- states (the processor at the end, staff decisions), so a status page of a 100,000-URL notice
-- does not count 100,000 rows on every view. NULL: not computed yet (count live).
ALTER TABLE notices ADD COLUMN item_counts jsonb;
