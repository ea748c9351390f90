-- The edge blocklist (GET /v1/edge/blocklist, `safeharbor edge nginx`): one counter that moves
-- whenever what the edge must block may have changed — content disabled or restored, a zone
-- terminated or reinstated — so an edge's poll costs one row read, and the blocklist is rebuilt
-- only after a change. Triggers move it, whichever code (or operator's SQL) changes the data.

-- Item states in which the reported content is blocked at the edge. A later migration that adds
-- a state in which content stays down (say, while a counter notice waits out its 10-14 business
-- days) replaces this function (CREATE OR REPLACE keeps the triggers) and bumps the counter.
CREATE FUNCTION edge_blocks_item_state(state text) RETURNS boolean
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT state = 'content_disabled' $$;

CREATE TABLE edge_blocklist_state (
  id          boolean PRIMARY KEY DEFAULT true CHECK (id),   -- exactly one row
  seq         bigint NOT NULL DEFAULT 0,
  last_xact   bigint,                                        -- the transaction that last moved seq
  changed_at  timestamptz NOT NULL DEFAULT now()
);
INSERT INTO edge_blocklist_state DEFAULT VALUES;

-- One bump per transaction: disabling 10,000 URLs at once writes the row once, not 10,000 times.
CREATE FUNCTION edge_blocklist_changed() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  UPDATE edge_blocklist_state SET seq = seq + 1, last_xact = txid_current(), changed_at = now()
   WHERE last_xact IS DISTINCT FROM txid_current();
  RETURN NULL;
END
$fn$;

-- Row triggers with WHEN: an update that does not touch a blocked item (resolution batches,
-- forwarding) costs nothing here.
CREATE TRIGGER notice_items_edge_insert AFTER INSERT ON notice_items FOR EACH ROW
  WHEN (edge_blocks_item_state(NEW.state)) EXECUTE FUNCTION edge_blocklist_changed();
CREATE TRIGGER notice_items_edge_update AFTER UPDATE ON notice_items FOR EACH ROW
  WHEN (edge_blocks_item_state(OLD.state) IS DISTINCT FROM edge_blocks_item_state(NEW.state)
        OR (edge_blocks_item_state(NEW.state) AND (OLD.url IS DISTINCT FROM NEW.url OR OLD.notice_id IS DISTINCT FROM NEW.notice_id)))
  EXECUTE FUNCTION edge_blocklist_changed();
CREATE TRIGGER notice_items_edge_delete AFTER DELETE ON notice_items FOR EACH ROW
  WHEN (edge_blocks_item_state(OLD.state)) EXECUTE FUNCTION edge_blocklist_changed();

CREATE TRIGGER zones_edge_insert AFTER INSERT ON zones FOR EACH ROW
  WHEN (NEW.status = 'terminated') EXECUTE FUNCTION edge_blocklist_changed();
CREATE TRIGGER zones_edge_update AFTER UPDATE ON zones FOR EACH ROW
  WHEN ((OLD.status = 'terminated') IS DISTINCT FROM (NEW.status = 'terminated')
        OR (NEW.status = 'terminated' AND OLD.name IS DISTINCT FROM NEW.name))
  EXECUTE FUNCTION edge_blocklist_changed();
CREATE TRIGGER zones_edge_delete AFTER DELETE ON zones FOR EACH ROW
  WHEN (OLD.status = 'terminated') EXECUTE FUNCTION edge_blocklist_changed();

-- Building the blocklist reads only blocked items and terminated zones.
CREATE INDEX notice_items_edge_idx ON notice_items (url) WHERE state = 'content_disabled';
CREATE INDEX zones_terminated_idx ON zones (name) WHERE status = 'terminated';
