-- Trusted flaggers (DSA Art. 22; dsa/domain/trusted-flagger.ts): the status a member state's
-- Digital Services Coordinator awards an organisation for areas of expertise, recorded by staff
-- for the reporter principal the organisation files with. A revoked grant stays as history;
-- granting again makes a new row, so at most one grant per reporter is in force.
CREATE TABLE trusted_flaggers (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  principal_id  uuid NOT NULL REFERENCES principals(id),
  organisation  text NOT NULL,
  dsc_country   text NOT NULL CHECK (dsc_country ~ '^[A-Z]{2}$'),
  dsc_reference text,                              -- the coordinator's decision number or list URL
  kinds         text[] NOT NULL CHECK (cardinality(kinds) > 0),
  granted_by    uuid REFERENCES principals(id),
  granted_at    timestamptz NOT NULL,
  revoked_at    timestamptz,
  revoked_by    uuid REFERENCES principals(id),
  revoke_reason text,
  CHECK ((revoked_at IS NULL) = (revoke_reason IS NULL)),
  CHECK (revoked_at IS NULL OR revoked_at >= granted_at)
);
CREATE UNIQUE INDEX trusted_flaggers_in_force_idx ON trusted_flaggers (principal_id) WHERE revoked_at IS NULL;
CREATE INDEX trusted_flaggers_granted_idx ON trusted_flaggers (granted_at DESC);

-- Set at filing when the reporter held a grant naming the notice's kind: the notice stays a
-- trusted flagger's after a later revocation, as it was when it was submitted.
ALTER TABLE notices ADD COLUMN trusted_flagger boolean NOT NULL DEFAULT false;

-- The review queue's order (dsa/domain/trusted-flagger-queue.ts QUEUE_ORDER).
CREATE INDEX notices_queue_idx ON notices (trusted_flagger DESC, priority, created_at, id);

-- The first decision on a notice, for decision-speed figures: its notice-level decision events.
CREATE INDEX events_notice_decision_idx ON events (notice_id, at) WHERE type IN ('notice.reviewed', 'notice.takedown_started');
