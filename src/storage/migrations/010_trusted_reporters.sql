-- Trusted reporters and origin-IP disclosure: applications and their vetting, scoped API
-- tokens, the disclosure log (with when the zone's customer was told), and webhooks that follow
-- origin changes of zones in a trusted reporter's open cases, delivered through a durable queue.

-- One row per application. A rejected or revoked one stays as history; applying again makes a
-- new row. At most one live (applied, active or suspended) application per reporter.
CREATE TABLE trusted_reporters (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  principal_id      uuid NOT NULL REFERENCES principals(id),
  status            text NOT NULL CHECK (status IN ('applied', 'active', 'rejected', 'suspended', 'revoked')),
  organisation      text NOT NULL,
  purpose           text NOT NULL,
  contact           text NOT NULL,
  terms_version     text NOT NULL,                 -- the terms accepted with the application
  terms_accepted_at timestamptz NOT NULL,
  applied_at        timestamptz NOT NULL,
  scopes            text[] NOT NULL DEFAULT '{}',  -- granted on approval
  approved_at       timestamptz,
  expires_at        timestamptz,
  decided_by        uuid REFERENCES principals(id),
  decision_reason   text,
  ended_at          timestamptz,                   -- rejected, suspended or revoked at
  updated_at        timestamptz NOT NULL DEFAULT now(),
  CHECK (status <> 'active' OR (approved_at IS NOT NULL AND ended_at IS NULL)),
  CHECK (status NOT IN ('rejected', 'suspended', 'revoked') OR (ended_at IS NOT NULL AND decision_reason IS NOT NULL))
);
CREATE UNIQUE INDEX trusted_reporters_live_idx ON trusted_reporters (principal_id) WHERE status IN ('applied', 'active', 'suspended');
CREATE INDEX trusted_reporters_status_idx ON trusted_reporters (status, applied_at);

-- What a token may do beyond its principal's role (e.g. origin:read). Existing tokens: nothing extra.
ALTER TABLE api_tokens ADD COLUMN scopes text[] NOT NULL DEFAULT '{}';

-- Every origin disclosed: to whom, when, which item and zone, which address, on what basis.
CREATE TABLE origin_disclosures (
  id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  disclosed_at          timestamptz NOT NULL,
  principal_id          uuid NOT NULL REFERENCES principals(id),
  basis                 text NOT NULL CHECK (basis IN ('staff', 'trusted_reporter')),
  channel               text NOT NULL CHECK (channel IN ('api', 'webhook')),
  terms_version         text,
  purpose               text,
  notice_id             uuid REFERENCES notices(id),
  item_id               bigint REFERENCES notice_items(id),
  zone_id               integer NOT NULL REFERENCES zones(id),
  zone                  text NOT NULL,
  which                 text NOT NULL CHECK (which IN ('at_report', 'current')),
  origin                text NOT NULL,
  origin_kind           text NOT NULL CHECK (origin_kind IN ('ip', 'hostname')),
  origin_ips            text[] NOT NULL DEFAULT '{}',
  customer_notified_at  timestamptz
);
CREATE INDEX origin_disclosures_at_idx ON origin_disclosures (disclosed_at DESC);
CREATE INDEX origin_disclosures_principal_idx ON origin_disclosures (principal_id, disclosed_at DESC);
CREATE INDEX origin_disclosures_unnotified_idx ON origin_disclosures (disclosed_at) WHERE customer_notified_at IS NULL;

CREATE TABLE webhooks (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  principal_id  uuid NOT NULL REFERENCES principals(id),
  url           text NOT NULL,
  secret        text NOT NULL,                 -- HMAC key; shown once, needed to sign
  events        text[] NOT NULL DEFAULT '{origin.changed}',
  created_at    timestamptz NOT NULL DEFAULT now(),
  deleted_at    timestamptz
);
CREATE INDEX webhooks_principal_idx ON webhooks (principal_id) WHERE deleted_at IS NULL;

CREATE TABLE webhook_deliveries (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  webhook_id       uuid NOT NULL REFERENCES webhooks(id),
  dedupe_key       text NOT NULL UNIQUE,          -- one delivery per webhook per origin change
  event_type       text NOT NULL,
  payload          jsonb NOT NULL,
  zone_id          integer REFERENCES zones(id),
  status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed', 'cancelled')),
  attempts         integer NOT NULL DEFAULT 0,
  last_error       text,
  next_attempt_at  timestamptz NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  delivered_at     timestamptz
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_webhook_idx ON webhook_deliveries (webhook_id, id);

-- Every attempt, successful or not.
CREATE TABLE webhook_attempts (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  delivery_id   bigint NOT NULL REFERENCES webhook_deliveries(id),
  attempted_at  timestamptz NOT NULL,
  status_code   integer,
  error         text,
  duration_ms   integer NOT NULL
);
CREATE INDEX webhook_attempts_delivery_idx ON webhook_attempts (delivery_id, id);

-- How far the webhook loop has read the event log for origin changes.
CREATE TABLE event_cursors (
  name           text PRIMARY KEY,
  last_event_id  bigint NOT NULL
);
CREATE INDEX events_origin_changed_idx ON events (id) WHERE type = 'zone.origin_changed';
