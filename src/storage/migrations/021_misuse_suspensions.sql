-- Measures against misuse (EU Digital Services Act, Art. 23; dsa/domain/misuse-policy.ts): the
-- warnings, suspensions and lifts given to notifiers (principals who file notices) and to
-- customers (accounts). A row is a decision and stays: a suspension that ends early or on its
-- date gets lifted_at (by staff, or 'system' at its end) and a 'lift' row records the staff act.
-- Every change is also an event (notifier.* / account.*).
CREATE TABLE misuse_measures (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  party_type    text NOT NULL CHECK (party_type IN ('notifier', 'customer')),
  principal_id  uuid REFERENCES principals (id),
  account_id    text REFERENCES accounts (id),
  measure       text NOT NULL CHECK (measure IN ('warning', 'suspension', 'lift')),
  reason        text NOT NULL,
  -- The counts the decision was taken on (Art. 23(3): numbers and proportion), as shown to staff.
  counts        jsonb,
  starts_at     timestamptz NOT NULL,
  ends_at       timestamptz,
  decided_by    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  lifted_at     timestamptz,
  lifted_by     text,
  lift_reason   text,
  CHECK ((party_type = 'notifier') = (principal_id IS NOT NULL)),
  CHECK ((party_type = 'customer') = (account_id IS NOT NULL)),
  CHECK ((measure = 'suspension') = (ends_at IS NOT NULL)),
  CHECK (ends_at IS NULL OR ends_at > starts_at),
  CHECK ((lifted_at IS NULL) = (lifted_by IS NULL))
);
CREATE INDEX misuse_measures_notifier_idx ON misuse_measures (principal_id, starts_at) WHERE principal_id IS NOT NULL;
CREATE INDEX misuse_measures_account_idx ON misuse_measures (account_id, starts_at) WHERE account_id IS NOT NULL;
-- The filing check and the end-of-suspension job read only running suspensions.
CREATE INDEX misuse_measures_running_idx ON misuse_measures (ends_at) WHERE measure = 'suspension' AND lifted_at IS NULL;
-- One running suspension per party: suspending again is the same suspension (idempotent).
CREATE UNIQUE INDEX misuse_measures_one_running_notifier ON misuse_measures (principal_id) WHERE measure = 'suspension' AND lifted_at IS NULL AND principal_id IS NOT NULL;
CREATE UNIQUE INDEX misuse_measures_one_running_account ON misuse_measures (account_id) WHERE measure = 'suspension' AND lifted_at IS NULL AND account_id IS NOT NULL;

-- The counts come from the review events (item.reviewed, data.misuse set by review decisions):
-- the queue reads the decided items of a window, not the whole log.
CREATE INDEX events_item_reviewed_idx ON events (at) WHERE type = 'item.reviewed';

-- A suspended customer's zones are not served for the period: status 'suspended', blocked at the
-- edge like 'terminated', back to 'active' when the suspension ends.
ALTER TABLE zones DROP CONSTRAINT zones_status_check;
ALTER TABLE zones ADD CONSTRAINT zones_status_check CHECK (status IN ('active', 'terminated', 'suspended'));

-- Which zone statuses the edge blocks: one function, so the triggers below and the blocklist's
-- query (services/edge-blocklist.ts) cannot disagree. A later status replaces this function.
CREATE FUNCTION edge_blocks_zone_status(status text) RETURNS boolean
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT status IN ('terminated', 'suspended') $$;

-- 005's zone triggers tested status = 'terminated' inline (a WHEN clause cannot be replaced in
-- place): recreated over the function. Suspended → terminated changes nothing at the edge.
DROP TRIGGER zones_edge_insert ON zones;
DROP TRIGGER zones_edge_update ON zones;
DROP TRIGGER zones_edge_delete ON zones;
CREATE TRIGGER zones_edge_insert AFTER INSERT ON zones FOR EACH ROW
  WHEN (edge_blocks_zone_status(NEW.status)) EXECUTE FUNCTION edge_blocklist_changed();
CREATE TRIGGER zones_edge_update AFTER UPDATE ON zones FOR EACH ROW
  WHEN (edge_blocks_zone_status(OLD.status) IS DISTINCT FROM edge_blocks_zone_status(NEW.status)
        OR (edge_blocks_zone_status(NEW.status) AND OLD.name IS DISTINCT FROM NEW.name))
  EXECUTE FUNCTION edge_blocklist_changed();
CREATE TRIGGER zones_edge_delete AFTER DELETE ON zones FOR EACH ROW
  WHEN (edge_blocks_zone_status(OLD.status)) EXECUTE FUNCTION edge_blocklist_changed();

DROP INDEX zones_terminated_idx;
CREATE INDEX zones_edge_blocked_idx ON zones (name) WHERE edge_blocks_zone_status(status);
