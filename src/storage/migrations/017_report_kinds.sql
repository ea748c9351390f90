-- Every kind of report (domain/report-kinds.ts): a notice's kind says what is wrong
-- (copyright, trademark, phishing, csam, threat, ncsei, whois, general), its regime under which
-- law it is made (dmca, dsa, terms), and its priority orders the staff queue (0 first). Notices
-- filed before were DMCA copyright notices; their stored submissions gain the kind and regime
-- that every submission now carries.
UPDATE notices SET kind = 'copyright' WHERE kind = 'dmca';
UPDATE notices SET submission = submission || '{"kind": "copyright", "regime": "dmca"}'::jsonb WHERE NOT submission ? 'kind';

ALTER TABLE notices ADD COLUMN regime text NOT NULL DEFAULT 'dmca' CHECK (regime IN ('dmca', 'dsa', 'terms'));
ALTER TABLE notices ALTER COLUMN regime DROP DEFAULT;
ALTER TABLE notices ADD COLUMN priority smallint NOT NULL DEFAULT 3 CHECK (priority BETWEEN 0 AND 3);
ALTER TABLE notices ALTER COLUMN priority DROP DEFAULT;
ALTER TABLE notices ADD CONSTRAINT notices_kind_check
  CHECK (kind IN ('copyright', 'trademark', 'phishing', 'csam', 'threat', 'ncsei', 'whois', 'general'));

CREATE INDEX notices_kind_idx ON notices (kind, created_at DESC);
