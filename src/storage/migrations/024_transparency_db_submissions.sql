-- Submission of statements of reasons to the DSA Transparency Database (src/dsa/transparency-db.ts).
-- A statement is submitted once its statements_of_reasons.submitted_at is set (the only column its
-- trigger lets change); what happens on the way is kept here, beside it, since the statement itself
-- is never rewritten.

-- Every call made to the database: a batch POST (`submit`) or the check of one puid it said it
-- already had (`lookup`), with what came back. Kept for staff and never changed.
CREATE TABLE statement_submission_attempts (
  id bigserial PRIMARY KEY,
  batch_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('submit', 'lookup')),
  puids text[] NOT NULL,
  -- null: no answer (connection refused or reset, timeout)
  status_code int,
  outcome text NOT NULL CHECK (outcome IN ('stored', 'refused', 'isolate', 'retry', 'exists', 'absent')),
  error text,
  attempted_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX statement_submission_attempts_at_idx ON statement_submission_attempts (attempted_at DESC, id DESC);

-- A statement's way to the database once it has been tried: `pending` waits for next_attempt_at
-- (a claim, then the backoff after a failure), `rejected` was refused as invalid and is not sent
-- again, `submitted` is there.
CREATE TABLE statement_submissions (
  statement_id uuid PRIMARY KEY REFERENCES statements_of_reasons (id),
  status text NOT NULL CHECK (status IN ('pending', 'rejected', 'submitted')),
  attempts int NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  send_alone boolean NOT NULL DEFAULT false,
  last_error text,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX statement_submissions_rejected_idx ON statement_submissions (updated_at DESC) WHERE status = 'rejected';

-- The loop asks for the oldest unsubmitted statements every poll.
CREATE INDEX statements_of_reasons_unsubmitted_idx ON statements_of_reasons (issued_at, id) WHERE submitted_at IS NULL;
