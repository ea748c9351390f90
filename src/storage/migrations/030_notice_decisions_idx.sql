-- The decisions on a notice (services/complaints.ts noticeDecisions), which the status page and
-- the portal read on every view for the complaint form: the events a decision is made of, and
-- only those. Without it the query read every event of the notice: for a 100,000-URL notice
-- ~120,000 rows of events_notice_idx and their heap, and a hash of all its items, to find none
-- (624 ms a status page on the bench's data under load; 0.1 ms with this index). The predicate
-- is the query's, word for word, so that the planner can prove the query implies it.
CREATE INDEX events_notice_decisions_idx ON events (notice_id, id)
  WHERE type IN ('notice.reviewed', 'item.reviewed', 'notice.takedown_started') OR (type = 'item.resolved' AND after->>'state' = 'content_disabled');
