-- The takedown / counter-notice lifecycle of hosted content (17 U.S.C. §512(c), §512(g)), the
-- filings that drive it (counter notices, notices of court action, retractions), and the
-- repeat-infringer policy's enforcement (§512(i)): account termination and the sign-up blocklist.

-- One row per hosted item that entered the lifecycle: the state machine's state as JSON
-- (takedown-lifecycle.ts, LifecycleStateSchema), written in the same transaction as
-- notice_items.state = coarseState(state). The columns beside it are derived from the state so
-- the background loop and the strike count read an index, not JSON.
CREATE TABLE item_lifecycles (
  item_id        bigint PRIMARY KEY REFERENCES notice_items(id),
  notice_id      uuid NOT NULL REFERENCES notices(id),
  account_id     text REFERENCES accounts(id),
  kind           text NOT NULL,                 -- state.kind
  state          jsonb NOT NULL,
  strike_status  text CHECK (strike_status IN ('active', 'disputed', 'countered', 'retracted', 'invalidated')),
  strike_at      timestamptz,                   -- the takedown: when the strike was incurred
  next_wake_at   timestamptz,                   -- nextWakeAt(state): when time alone changes it
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX item_lifecycles_wake_idx ON item_lifecycles (next_wake_at) WHERE next_wake_at IS NOT NULL;
CREATE INDEX item_lifecycles_strikes_idx ON item_lifecycles (account_id, strike_at) WHERE strike_status IS NOT NULL;
CREATE INDEX item_lifecycles_notice_idx ON item_lifecycles (notice_id);

-- What the parties filed after a takedown, validated (counter-notice.ts), kept whole: the
-- counter notice is a sworn statement the complainant receives a copy of.
CREATE TABLE legal_filings (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind                text NOT NULL CHECK (kind IN ('counter_notice', 'court_action', 'retraction')),
  notice_id           uuid NOT NULL REFERENCES notices(id),
  account_id          text REFERENCES accounts(id),   -- counter notices: the customer's account
  principal_id        uuid REFERENCES principals(id), -- who filed it (null: read from mail)
  channel             text NOT NULL CHECK (channel IN ('api', 'portal', 'email')),
  inbound_message_id  bigint REFERENCES inbound_messages(id),
  urls                text[] NOT NULL,                -- the URLs it concerns (empty: all)
  body                jsonb NOT NULL,
  request_hash        text NOT NULL,                  -- the same filing twice is one filing
  received_at         timestamptz NOT NULL,
  UNIQUE (notice_id, kind, request_hash)
);
CREATE INDEX legal_filings_notice_idx ON legal_filings (notice_id, received_at);

-- Termination of a repeat infringer's account (its zones carry status 'terminated').
ALTER TABLE accounts ADD COLUMN terminated_at timestamptz;
ALTER TABLE accounts ADD COLUMN termination_reason text;

-- Identifiers of terminated accounts that may not sign up again (zone import refuses them).
CREATE TABLE signup_blocklist (
  kind        text NOT NULL CHECK (kind IN ('email', 'zone')),
  value       text NOT NULL,                          -- lower-case e-mail address or zone name
  account_id  text NOT NULL REFERENCES accounts(id),  -- the terminated account it came from
  reason      text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (kind, value)
);
CREATE INDEX signup_blocklist_account_idx ON signup_blocklist (account_id);
