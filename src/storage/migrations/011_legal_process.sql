-- Legal process: subpoenas, court orders, law-enforcement and other legal requests, what was
-- produced for them, and the domain block rules of court orders with the zones they caught.
-- Block rules reach the edge feed (migration 005): triggers move its change counter whenever a
-- rule is added or lifted or a zone is caught, so the feed's ETag changes with them.

CREATE TABLE legal_requests (
  id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  type                  text NOT NULL CHECK (type IN ('subpoena', 'court_order', 'law_enforcement', 'other')),
  state                 text NOT NULL DEFAULT 'received'
                          CHECK (state IN ('received', 'in_progress', 'produced', 'objected', 'withdrawn', 'closed')),
  authority             text NOT NULL,
  case_number           text NOT NULL,
  requesting_party      text NOT NULL,
  received_at           timestamptz NOT NULL,
  deadline              timestamptz,
  notes                 text,
  document_ref          text,
  non_disclosure_order  boolean NOT NULL DEFAULT false,
  non_disclosure_until  timestamptz,
  created_by            uuid NOT NULL REFERENCES principals (id),
  idempotency_key       text,
  request_hash          text NOT NULL,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  UNIQUE (created_by, idempotency_key)
);
-- The staff queue: open requests, nearest deadline first.
CREATE INDEX legal_requests_open_idx ON legal_requests (deadline NULLS LAST, received_at)
  WHERE state IN ('received', 'in_progress', 'objected');

-- What a request names, and what we held under that name when it arrived (kept as it was then).
CREATE TABLE legal_request_targets (
  id            bigserial PRIMARY KEY,
  request_id    uuid NOT NULL REFERENCES legal_requests (id),
  kind          text NOT NULL CHECK (kind IN ('domain', 'account')),
  value         text NOT NULL,
  zone_id       bigint,
  zone_name     text,
  account_id    text,
  account_name  text,
  account_email text,
  UNIQUE (request_id, kind, value)
);
CREATE INDEX legal_request_targets_account_idx ON legal_request_targets (account_id) WHERE account_id IS NOT NULL;

-- The customers told about a request (one row per account: the outbox holds the message).
CREATE TABLE legal_request_notices (
  request_id  uuid NOT NULL REFERENCES legal_requests (id),
  account_id  text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('request', 'production')),
  ref         text NOT NULL DEFAULT '',
  sent_at     timestamptz NOT NULL,
  PRIMARY KEY (request_id, account_id, kind, ref)
);

-- What was handed over, when, by whom. Never the data itself: which fields, and references.
CREATE TABLE legal_productions (
  id                 bigserial PRIMARY KEY,
  request_id         uuid NOT NULL REFERENCES legal_requests (id),
  fields             text[] NOT NULL,
  accounts           text[] NOT NULL,
  produced_at        timestamptz NOT NULL,
  payment_reference  text,
  ip_addresses       text[] NOT NULL DEFAULT '{}',
  note               text,
  recorded_by        uuid NOT NULL REFERENCES principals (id),
  recorded_at        timestamptz NOT NULL DEFAULT now(),
  -- A retried request records the production once.
  dedupe_key         text NOT NULL UNIQUE
);
CREATE INDEX legal_productions_request_idx ON legal_productions (request_id, id);

-- Domain block rules of court orders (src/domain/block-rules.ts): `text` is the canonical form,
-- `kind` and `value` (a name, or a label for name.*) what matching needs.
CREATE TABLE court_order_rules (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  request_id   uuid NOT NULL REFERENCES legal_requests (id),
  text         text NOT NULL,
  kind         text NOT NULL CHECK (kind IN ('domain', 'exact', 'subdomains', 'any_tld')),
  value        text NOT NULL,
  -- The name the edge blocks before any zone exists (kind 'domain' only).
  edge_domain  text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  ends_at      timestamptz,
  lifted_at    timestamptz,
  lifted_by    text,
  lift_reason  text,
  UNIQUE (request_id, text)
);
CREATE INDEX court_order_rules_active_idx ON court_order_rules (kind, value) WHERE lifted_at IS NULL;
CREATE INDEX court_order_rules_ending_idx ON court_order_rules (ends_at) WHERE lifted_at IS NULL AND ends_at IS NOT NULL;

-- Zones a rule caught, under the account that held them then. Found when the order came in
-- (`order`), or when the zone was added or moved to another account by an import (`zone_import`):
-- those are the sites that came back, and wait in the staff queue until acknowledged.
CREATE TABLE court_order_matches (
  id               bigserial PRIMARY KEY,
  rule_id          uuid NOT NULL REFERENCES court_order_rules (id),
  zone_id          bigint NOT NULL,
  zone_name        text NOT NULL,
  account_id       text NOT NULL,
  found_by         text NOT NULL CHECK (found_by IN ('order', 'zone_import')),
  found_at         timestamptz NOT NULL DEFAULT now(),
  acknowledged_at  timestamptz,
  acknowledged_by  text,
  UNIQUE (rule_id, zone_id, account_id)
);
CREATE INDEX court_order_matches_zone_idx ON court_order_matches (zone_id);
CREATE INDEX court_order_matches_flagged_idx ON court_order_matches (found_at) WHERE found_by = 'zone_import' AND acknowledged_at IS NULL;

CREATE TRIGGER court_order_rules_edge_insert AFTER INSERT ON court_order_rules FOR EACH ROW
  WHEN (NEW.lifted_at IS NULL) EXECUTE FUNCTION edge_blocklist_changed();
CREATE TRIGGER court_order_rules_edge_update AFTER UPDATE ON court_order_rules FOR EACH ROW
  WHEN ((OLD.lifted_at IS NULL) IS DISTINCT FROM (NEW.lifted_at IS NULL) OR OLD.edge_domain IS DISTINCT FROM NEW.edge_domain)
  EXECUTE FUNCTION edge_blocklist_changed();
CREATE TRIGGER court_order_matches_edge_insert AFTER INSERT ON court_order_matches FOR EACH ROW
  EXECUTE FUNCTION edge_blocklist_changed();
CREATE TRIGGER court_order_matches_edge_delete AFTER DELETE ON court_order_matches FOR EACH ROW
  EXECUTE FUNCTION edge_blocklist_changed();
