-- Webhooks for every reporter and customer (notice.received, notice.processed,
-- item.state_changed) beside the trusted reporters' origin.changed: one cursor over the whole
-- event log feeds every event type into the deliveries table (its dedupe_key stays the unique
-- key: one delivery per webhook, event type and logged event, whoever queues it and how often).

-- A webhook hears of what is logged after it was made, not of the log's history.
ALTER TABLE webhooks ADD COLUMN from_event_id bigint NOT NULL DEFAULT 0;

-- The one cursor takes over where the origin-change cursor stood; on a store that never ran it,
-- from the log's end (existing webhooks had nothing queued from before either).
INSERT INTO event_cursors (name, last_event_id)
  SELECT 'webhooks', coalesce((SELECT last_event_id FROM event_cursors WHERE name = 'webhooks.origin_changed'), (SELECT max(id) FROM events), 0)
  ON CONFLICT (name) DO NOTHING;
DELETE FROM event_cursors WHERE name = 'webhooks.origin_changed';

-- The cursor walks the primary key from where it stood; the per-type index is not used any more.
DROP INDEX events_origin_changed_idx;

-- A redelivery starts a new round of attempts; the attempt log keeps every earlier one.
ALTER TABLE webhook_deliveries ADD COLUMN redelivered_at timestamptz;
