-- Every change to a notice or its items appends events carrying the notice's id. Announcing
-- those ids when the transaction commits (NOTIFY is delivered on commit only, and folded to one
-- per notice per transaction) lets every API process drop the views of those notices it cached
-- (services/notice-view-cache.ts), whoever made the change: an API process, the worker, the CLI.
-- One statement-level trigger: logging the resolution of 5,000 items is one notification.
CREATE FUNCTION announce_notice_changes() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM pg_notify('safeharbor_notice_changes', c.notice_id::text)
    FROM (SELECT DISTINCT notice_id FROM appended WHERE notice_id IS NOT NULL) c;
  RETURN NULL;
END
$fn$;
CREATE TRIGGER events_announce_notice_changes AFTER INSERT ON events
  REFERENCING NEW TABLE AS appended FOR EACH STATEMENT EXECUTE FUNCTION announce_notice_changes();
