-- Child sexual abuse material (domain/report-kinds.ts: onReceipt 'disable', hotlineReport,
-- evidenceRetentionDays). The evidence of such a report is kept until `retain_until`
-- (18 U.S.C. §2258A(h): one year after the report): a notice, or its prepared hotline report,
-- cannot be deleted before. The hotline report is prepared when the notice is processed, for
-- staff to send to the national hotline / NCMEC's CyberTipline; nothing here sends it.
ALTER TABLE notices ADD COLUMN retain_until timestamptz;

CREATE TABLE hotline_reports (
  notice_id uuid PRIMARY KEY REFERENCES notices (id),
  payload jsonb NOT NULL,
  prepared_at timestamptz NOT NULL DEFAULT now(),
  retain_until timestamptz NOT NULL
);

CREATE FUNCTION evidence_is_retained() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF OLD.retain_until IS NOT NULL AND OLD.retain_until > now() THEN
    RAISE EXCEPTION 'evidence is retained until % (% refused)', OLD.retain_until, TG_OP;
  END IF;
  RETURN OLD;
END
$fn$;
CREATE TRIGGER notices_evidence_retained BEFORE DELETE ON notices
  FOR EACH ROW EXECUTE FUNCTION evidence_is_retained();
CREATE TRIGGER hotline_reports_evidence_retained BEFORE DELETE ON hotline_reports
  FOR EACH ROW EXECUTE FUNCTION evidence_is_retained();
