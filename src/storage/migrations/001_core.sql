-- Core schema: the provider's world (accounts, zones, origin history, network overrides),
-- who may call the API (principals, tokens), notices and their items, the append-only event
-- log, and the outbox of messages to send.

CREATE TABLE accounts (
  id          text PRIMARY KEY,               -- the provider's own account id
  name        text NOT NULL,
  email       text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Every insert or change of a zone takes a new change_seq, so each server process can keep its
-- in-memory zone index current by reading only zones with change_seq above what it has seen.
CREATE SEQUENCE zone_change_seq;

CREATE TABLE zones (
  id           integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name         text NOT NULL UNIQUE,           -- normalised: lower-case punycode, no trailing dot
  account_id   text NOT NULL REFERENCES accounts(id),
  mode         text NOT NULL CHECK (mode IN ('proxied', 'hosted')),
  origin       text NOT NULL,
  origin_kind  text NOT NULL CHECK (origin_kind IN ('ip', 'hostname')),
  status       text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'terminated')),
  change_seq   bigint NOT NULL DEFAULT nextval('zone_change_seq'),
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX zones_account_idx ON zones (account_id);
CREATE INDEX zones_change_seq_idx ON zones (change_seq);

-- Origin history: one row per period; valid_to NULL is the current origin.
CREATE TABLE zone_origins (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  zone_id      integer NOT NULL REFERENCES zones(id),
  origin       text NOT NULL,
  origin_kind  text NOT NULL CHECK (origin_kind IN ('ip', 'hostname')),
  valid_from   timestamptz NOT NULL,
  valid_to     timestamptz,
  CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE INDEX zone_origins_zone_idx ON zone_origins (zone_id, valid_from);
CREATE UNIQUE INDEX zone_origins_current_idx ON zone_origins (zone_id) WHERE valid_to IS NULL;

-- Operator overrides on top of the bundled IP-to-ASN dataset (adds abuse contacts).
CREATE TABLE networks (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  cidr         cidr NOT NULL UNIQUE,
  asn          bigint,
  name         text NOT NULL,
  abuse_email  text,
  updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE principals (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  role        text NOT NULL CHECK (role IN ('staff', 'reporter', 'customer')),
  email       text NOT NULL,
  name        text,
  account_id  text REFERENCES accounts(id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  CHECK ((role = 'customer') = (account_id IS NOT NULL))
);
CREATE INDEX principals_email_idx ON principals (lower(email));

-- Only a SHA-256 of each token is stored; the token itself is shown once.
CREATE TABLE api_tokens (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  principal_id  uuid NOT NULL REFERENCES principals(id),
  token_hash    text NOT NULL UNIQUE,
  label         text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  revoked_at    timestamptz
);

CREATE TABLE notices (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind             text NOT NULL,                 -- dmca, counter_notice, trademark, abuse, dsa_art16…
  channel          text NOT NULL,                 -- api, cloudflare_api, web, email
  reporter_id      uuid NOT NULL REFERENCES principals(id),
  idempotency_key  text,
  request_hash     text NOT NULL,
  status           text NOT NULL CHECK (status IN ('received', 'processing', 'processed')),
  submission       jsonb NOT NULL,                -- the validated notice, URLs aside (those are items)
  item_count       integer NOT NULL,
  items_resolved   integer NOT NULL DEFAULT 0,
  lease_until      timestamptz,                   -- a worker's claim while processing
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  processed_at     timestamptz,
  UNIQUE (reporter_id, idempotency_key)
);
CREATE INDEX notices_reporter_idx ON notices (reporter_id, created_at DESC);
CREATE INDEX notices_pending_idx ON notices (created_at) WHERE status <> 'processed';

CREATE TABLE notice_items (
  id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  notice_id          uuid NOT NULL REFERENCES notices(id),
  position           integer NOT NULL,            -- 0-based order in the submission
  submitted_url      text NOT NULL,
  url                text,                        -- normalised; NULL when invalid
  host               text,
  state              text NOT NULL,
  reason             text,                        -- why invalid / not_on_network / rejected
  zone_id            integer REFERENCES zones(id),
  zone               text,
  account_id         text REFERENCES accounts(id),
  mode               text,
  origin             text,                        -- as it was when the notice was filed
  origin_kind        text,
  origin_ips         text[],
  origin_resolution  text,                        -- ip | dns | dns_failed
  host_asn           bigint,
  host_name          text,
  host_abuse_email   text,
  updated_at         timestamptz NOT NULL DEFAULT now(),
  UNIQUE (notice_id, position)
);
CREATE INDEX notice_items_state_idx ON notice_items (notice_id, state, position);
CREATE INDEX notice_items_account_idx ON notice_items (account_id);

-- The append-only log of every state change. Triggers refuse UPDATE, DELETE and TRUNCATE.
CREATE TABLE events (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at            timestamptz NOT NULL DEFAULT now(),
  actor         text NOT NULL,                    -- system | principal:<uuid>
  type          text NOT NULL,
  subject_type  text NOT NULL,                    -- notice | item | zone | account | message | principal
  subject_id    text NOT NULL,
  notice_id     uuid,
  before        jsonb,
  after         jsonb,
  data          jsonb
);
CREATE INDEX events_notice_idx ON events (notice_id, id);
CREATE INDEX events_subject_idx ON events (subject_type, subject_id, id);

CREATE FUNCTION events_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION 'the event log is append-only (% refused)', TG_OP;
END
$fn$;
CREATE TRIGGER events_no_update_delete BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION events_are_append_only();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION events_are_append_only();

CREATE TABLE outbox (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  dedupe_key       text NOT NULL UNIQUE,           -- one message per recipient per notice
  notice_id        uuid REFERENCES notices(id),
  recipient_role   text NOT NULL,                  -- reporter | owner | host
  to_address       text NOT NULL,
  subject          text NOT NULL,
  body             text NOT NULL,
  attachments      jsonb NOT NULL DEFAULT '[]',
  status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  attempts         integer NOT NULL DEFAULT 0,
  last_error       text,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  created_at       timestamptz NOT NULL DEFAULT now(),
  sent_at          timestamptz
);
CREATE INDEX outbox_pending_idx ON outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_notice_idx ON outbox (notice_id);

-- Rows of a zone import on their way in: COPY lands here, one set-based merge moves them on.
CREATE UNLOGGED TABLE zone_import_rows (
  import_id      uuid NOT NULL,
  line           integer NOT NULL,
  account_id     text NOT NULL,
  account_name   text NOT NULL,
  account_email  text NOT NULL,
  zone           text NOT NULL,
  mode           text NOT NULL,
  origin         text NOT NULL,
  origin_kind    text NOT NULL
);
CREATE INDEX zone_import_rows_idx ON zone_import_rows (import_id);
