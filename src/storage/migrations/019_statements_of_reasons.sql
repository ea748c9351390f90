-- Statements of reasons (DSA Art. 17): one per restriction decision and affected customer, written
-- by the one writer of item state (services/item-steps.ts) in the transaction that restricts, and
-- by account terminations and suspensions. `statement` holds the Transparency Database's
-- submission fields (src/dsa/statement-schema.json), `plain` the customer's reading of it. The id
-- is derived from the step and the account, so a retried step issues no second statement.
-- `submitted_at` is for the submission to the Transparency Database (not made here).
CREATE TABLE statements_of_reasons (
  id uuid PRIMARY KEY,
  puid text NOT NULL UNIQUE,
  notice_id uuid REFERENCES notices (id),
  account_id text,
  step_id text NOT NULL,
  restriction text NOT NULL CHECK (restriction IN ('content_disabled', 'service_suspended', 'service_terminated')),
  kind text NOT NULL,
  regime text NOT NULL,
  urls text[] NOT NULL,
  statement jsonb NOT NULL,
  plain jsonb NOT NULL,
  actor text NOT NULL,
  issued_at timestamptz NOT NULL DEFAULT now(),
  submitted_at timestamptz
);
CREATE INDEX statements_of_reasons_account_idx ON statements_of_reasons (account_id, issued_at);
CREATE INDEX statements_of_reasons_notice_idx ON statements_of_reasons (notice_id);
CREATE INDEX statements_of_reasons_issued_idx ON statements_of_reasons (issued_at, id);

-- A statement is a record of what was decided and said: it is never rewritten or removed; only
-- its submission to the Transparency Database is noted later.
CREATE FUNCTION statements_of_reasons_are_kept() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'a statement of reasons is never deleted';
  END IF;
  IF (to_jsonb(NEW) - 'submitted_at') IS DISTINCT FROM (to_jsonb(OLD) - 'submitted_at') THEN
    RAISE EXCEPTION 'a statement of reasons is never rewritten (only submitted_at may be set)';
  END IF;
  RETURN NEW;
END
$fn$;
CREATE TRIGGER statements_of_reasons_kept BEFORE UPDATE OR DELETE ON statements_of_reasons
  FOR EACH ROW EXECUTE FUNCTION statements_of_reasons_are_kept();
