-- Internal complaints against the desk's decisions (EU Digital Services Act, Art. 20;
-- dsa/domain/complaint.ts). A decision is a staff review (events: notice.reviewed and its
-- item.reviewed, by decision_id) or the restriction by policy at receipt (`receipt:<notice id>`);
-- the complaint copies who made it and when, because the deciding staff member must be another
-- person and the six months run from it. The party is the customer (by account) or the notifier
-- (the principal the notice belongs to). One open complaint per decision and party: filing again
-- is the same complaint. Every change is also an event (complaint.filed, complaint.decided).
CREATE TABLE complaints (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  notice_id        uuid NOT NULL REFERENCES notices (id),
  decision_id      text NOT NULL,
  decision_kind    text NOT NULL CHECK (decision_kind IN ('restriction', 'rejection')),
  decision_actor   text NOT NULL,
  decision_at      timestamptz NOT NULL,
  party            text NOT NULL CHECK (party IN ('customer', 'notifier')),
  account_id       text,
  reporter_id      uuid,
  -- The URLs complained about, by position: the customer's own, or all of the decision's.
  positions        integer[] NOT NULL,
  text             text NOT NULL,
  filed_by         text NOT NULL,
  channel          text NOT NULL CHECK (channel IN ('api', 'portal', 'status_page')),
  state            text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'upheld', 'reversed', 'partly_reversed')),
  outcome_reason   text,
  reversed_positions integer[],
  decided_by       text,
  decided_at       timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  CHECK ((party = 'customer') = (account_id IS NOT NULL)),
  CHECK ((party = 'notifier') = (reporter_id IS NOT NULL)),
  CHECK ((state = 'open') = (decided_at IS NULL)),
  CHECK (state = 'open' OR (outcome_reason IS NOT NULL AND decided_by IS NOT NULL)),
  -- Art. 20: the decision on the complaint is not left to the person who made the decision.
  CHECK (decided_by IS NULL OR decided_by <> decision_actor)
);
CREATE UNIQUE INDEX complaints_one_open ON complaints (decision_id, party, coalesce(account_id, reporter_id::text)) WHERE state = 'open';
CREATE INDEX complaints_state_idx ON complaints (state, created_at, id);
CREATE INDEX complaints_notice_idx ON complaints (notice_id);
