-- Publication of processed notices with redaction (src/publication): one row per notice that the
-- publication policy publishes (or whose reporter asked), with the redacted public record. The
-- record is what the public routes serve and nothing else; `redactions` (what was replaced, with
-- the original values, for the reviewer's page) is staff-only. Every change is also an event
-- (publication.queued / .published / .withheld).
CREATE TABLE publications (
  notice_id     uuid PRIMARY KEY REFERENCES notices (id),
  status        text NOT NULL CHECK (status IN ('pending_review', 'published', 'withheld')),
  record        jsonb NOT NULL,
  redactions    jsonb NOT NULL,
  -- 'policy' (queued by the kind's policy) or 'reporter' (asked for by the reporter: on_request).
  requested_by  text NOT NULL CHECK (requested_by IN ('policy', 'reporter')),
  queued_at     timestamptz NOT NULL DEFAULT now(),
  -- Who published or withheld it ('system' when no review is required), and when.
  reviewed_by   text,
  reviewed_at   timestamptz,
  published_at  timestamptz,
  CHECK ((reviewed_at IS NULL) = (reviewed_by IS NULL)),
  CHECK (status <> 'published' OR published_at IS NOT NULL)
);
CREATE INDEX publications_status_idx ON publications (status, queued_at, notice_id);
-- The public list: published notices, newest first, keyset-paged by (published_at, notice_id).
CREATE INDEX publications_published_idx ON publications (published_at DESC, notice_id DESC) WHERE status = 'published';
