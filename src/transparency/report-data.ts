// Every read of the transparency report: grouped counts over a period [start, end), one query per
// figure family, the same SQL on PGlite and PostgreSQL. The figures themselves are computed by
// domain/report.ts; nothing here decides what a number means beyond what it counts.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import { buildReport, type ReportRows, type TopLists, type TopRow, type TransparencyReport } from './domain/report.ts';
import type { Period } from './domain/period.ts';

const n = (v: unknown) => Number(v ?? 0);

/** The item events whose `after.state` is where a URL got to (resolution, review, the lifecycle, retraction). */
const ITEM_EVENTS = sql`('item.resolved', 'item.reviewed', 'item.lifecycle', 'item.retracted')`;

export async function readReportRows(db: Kysely<Database>, p: Pick<Period, 'start' | 'end'>): Promise<ReportRows> {
  const from = p.start;
  const until = p.end;
  const inPeriod = sql`n.created_at >= ${from} AND n.created_at < ${until}`;
  const [notices, monthly, urls, reached, firstActions, grounds, serviceRestrictions, filings, strikes, accountEvents, legal, disclosures, complaints, misuse] =
    await Promise.all([
      sql<{ kind: string; channel: string; regime: string; trusted_flagger: boolean; notices: string }>`
        SELECT n.kind, n.channel, n.regime, n.trusted_flagger, count(*) AS notices
        FROM notices n WHERE ${inPeriod}
        GROUP BY n.kind, n.channel, n.regime, n.trusted_flagger`.execute(db),
      sql<{ month: string; kind: string; notices: string }>`
        SELECT to_char(n.created_at AT TIME ZONE 'UTC', 'YYYY-MM') AS month, n.kind, count(*) AS notices
        FROM notices n WHERE ${inPeriod}
        GROUP BY 1, 2`.execute(db),
      sql<{ kind: string; on_network: string; not_on_network: string; invalid: string; unresolved: string }>`
        SELECT n.kind,
               count(*) FILTER (WHERE i.zone_id IS NOT NULL) AS on_network,
               count(*) FILTER (WHERE i.zone_id IS NULL AND i.state = 'not_on_network') AS not_on_network,
               count(*) FILTER (WHERE i.zone_id IS NULL AND i.state = 'invalid') AS invalid,
               count(*) FILTER (WHERE i.zone_id IS NULL AND i.state NOT IN ('not_on_network', 'invalid')) AS unresolved
        FROM notices n JOIN notice_items i ON i.notice_id = n.id
        WHERE ${inPeriod}
        GROUP BY n.kind`.execute(db),
      // Each URL once per state it ever reached, from the log: a URL disabled and later restored
      // counts as disabled and as restored; its present state alone would hide the takedown.
      sql<{ kind: string; state: string; urls: string }>`
        SELECT n.kind, e.after->>'state' AS state, count(DISTINCT e.subject_id) AS urls
        FROM notices n JOIN events e ON e.notice_id = n.id
        WHERE ${inPeriod} AND e.subject_type = 'item' AND e.type IN ${ITEM_EVENTS}
          AND e.after->>'state' IN ('forwarded', 'content_disabled', 'restored', 'rejected', 'retracted')
          AND (e.before->>'state') IS DISTINCT FROM (e.after->>'state')
        GROUP BY 1, 2`.execute(db),
      sql<{ kind: string; trusted_flagger: boolean; received_at: Date; first_action_at: Date }>`
        SELECT n.kind, n.trusted_flagger, n.created_at AS received_at, min(e.at) AS first_action_at
        FROM notices n JOIN events e ON e.notice_id = n.id
        WHERE ${inPeriod} AND e.subject_type = 'item' AND e.type IN ${ITEM_EVENTS}
          AND e.after->>'state' IN ('forwarded', 'content_disabled')
        GROUP BY n.id, n.kind, n.trusted_flagger, n.created_at`.execute(db),
      sql<{ kind: string; ground: string; statements: string }>`
        SELECT n.kind, s.statement->>'decision_ground' AS ground, count(*) AS statements
        FROM notices n JOIN statements_of_reasons s ON s.notice_id = n.id
        WHERE ${inPeriod}
        GROUP BY 1, 2`.execute(db),
      sql<{ restriction: string; statements: string }>`
        SELECT restriction, count(*) AS statements FROM statements_of_reasons
        WHERE notice_id IS NULL AND issued_at >= ${from} AND issued_at < ${until}
        GROUP BY 1`.execute(db),
      sql<{ kind: 'counter_notice' | 'court_action' | 'retraction'; filings: string }>`
        SELECT kind, count(*) AS filings FROM legal_filings
        WHERE received_at >= ${from} AND received_at < ${until}
        GROUP BY 1`.execute(db),
      // A strike is a notice's on an account (strike-policy.ts), dated by its first takedown.
      sql<{ issued: string; in_force: string }>`
        SELECT count(*) AS issued, count(*) FILTER (WHERE active) AS in_force FROM (
          SELECT notice_id, account_id, bool_or(strike_status = 'active') AS active
          FROM item_lifecycles
          WHERE strike_status IS NOT NULL AND account_id IS NOT NULL
          GROUP BY notice_id, account_id
          HAVING min(strike_at) >= ${from} AND min(strike_at) < ${until}
        ) s`.execute(db),
      sql<{ type: string; events: string }>`
        SELECT type, count(*) AS events FROM events
        WHERE type IN ('account.terminated', 'account.reinstated') AND at >= ${from} AND at < ${until}
        GROUP BY 1`.execute(db),
      // Complied with: something was produced, or a court order's block rules were applied.
      sql<{ type: string; received: string; complied: string; objected: string; withdrawn: string; open: string }>`
        SELECT r.type, count(*) AS received,
               count(*) FILTER (WHERE EXISTS (SELECT 1 FROM legal_productions lp WHERE lp.request_id = r.id)
                                   OR EXISTS (SELECT 1 FROM court_order_rules cr WHERE cr.request_id = r.id)) AS complied,
               count(*) FILTER (WHERE r.state = 'objected') AS objected,
               count(*) FILTER (WHERE r.state = 'withdrawn') AS withdrawn,
               count(*) FILTER (WHERE r.state IN ('received', 'in_progress')) AS open
        FROM legal_requests r
        WHERE r.received_at >= ${from} AND r.received_at < ${until}
        GROUP BY r.type`.execute(db),
      sql<{ basis: 'staff' | 'trusted_reporter'; disclosures: string; zones: string }>`
        SELECT basis, count(*) AS disclosures, count(DISTINCT zone_id) AS zones FROM origin_disclosures
        WHERE disclosed_at >= ${from} AND disclosed_at < ${until}
        GROUP BY 1`.execute(db),
      sql<{ party: 'customer' | 'notifier'; state: ReportRows['complaints'][number]['state']; created_at: Date; decided_at: Date | null }>`
        SELECT party, state, created_at, decided_at FROM complaints
        WHERE created_at >= ${from} AND created_at < ${until}`.execute(db),
      sql<{ party_type: 'notifier' | 'customer'; measure: 'warning' | 'suspension'; measures: string }>`
        SELECT party_type, measure, count(*) AS measures FROM misuse_measures
        WHERE measure IN ('warning', 'suspension') AND starts_at >= ${from} AND starts_at < ${until}
        GROUP BY 1, 2`.execute(db),
    ]);
  const date = (d: Date | string) => new Date(d);
  return {
    notices: notices.rows.map((r) => ({
      kind: r.kind as ReportRows['notices'][number]['kind'],
      channel: r.channel as ReportRows['notices'][number]['channel'],
      regime: r.regime as ReportRows['notices'][number]['regime'],
      trusted_flagger: r.trusted_flagger,
      notices: n(r.notices),
    })),
    monthly: monthly.rows.map((r) => ({ month: r.month, kind: r.kind as ReportRows['monthly'][number]['kind'], notices: n(r.notices) })),
    urls: urls.rows.map((r) => ({
      kind: r.kind as ReportRows['urls'][number]['kind'],
      on_network: n(r.on_network),
      not_on_network: n(r.not_on_network),
      invalid: n(r.invalid),
      unresolved: n(r.unresolved),
    })),
    reached: reached.rows.map((r) => ({ kind: r.kind as ReportRows['reached'][number]['kind'], state: r.state, urls: n(r.urls) })),
    firstActions: firstActions.rows.map((r) => ({
      kind: r.kind as ReportRows['firstActions'][number]['kind'],
      trusted_flagger: r.trusted_flagger,
      received_at: date(r.received_at),
      first_action_at: date(r.first_action_at),
    })),
    grounds: grounds.rows.map((r) => ({ kind: r.kind as ReportRows['grounds'][number]['kind'], ground: r.ground, statements: n(r.statements) })),
    serviceRestrictions: serviceRestrictions.rows.map((r) => ({ restriction: r.restriction, statements: n(r.statements) })),
    filings: filings.rows.map((r) => ({ kind: r.kind, filings: n(r.filings) })),
    strikes: { issued: n(strikes.rows[0]?.issued), in_force: n(strikes.rows[0]?.in_force) },
    accountEvents: accountEvents.rows.map((r) => ({ type: r.type, events: n(r.events) })),
    legal: legal.rows.map((r) => ({
      type: r.type as ReportRows['legal'][number]['type'],
      received: n(r.received),
      complied: n(r.complied),
      objected: n(r.objected),
      withdrawn: n(r.withdrawn),
      open: n(r.open),
    })),
    disclosures: disclosures.rows.map((r) => ({ basis: r.basis, disclosures: n(r.disclosures), zones: n(r.zones) })),
    complaints: complaints.rows.map((r) => ({
      party: r.party,
      state: r.state,
      received_at: date(r.created_at),
      decided_at: r.decided_at && date(r.decided_at),
    })),
    misuse: misuse.rows.map((r) => ({ party_type: r.party_type, measure: r.measure, measures: n(r.measures) })),
  };
}

export async function transparencyReport(db: Kysely<Database>, period: Period): Promise<TransparencyReport> {
  return buildReport(period, await readReportRows(db, period));
}

/** When the first notice arrived: the oldest half-year the chooser offers. */
export async function firstNoticeAt(db: Kysely<Database>): Promise<Date | null> {
  const r = await db
    .selectFrom('notices')
    .select((eb) => eb.fn.min('created_at').as('first'))
    .executeTakeFirst();
  return r?.first ? new Date(r.first) : null;
}

export const TOP_DEFAULT = 20;
export const TOP_MAX = 100;

/**
 * The zones (customer domains) and accounts named by most URLs in the period's notices, with the
 * number of notices naming them; ties by name, so the list is stable.
 */
export async function topReported(db: Kysely<Database>, period: Period, limit = TOP_DEFAULT): Promise<TopLists> {
  const lim = Math.min(Math.max(limit, 1), TOP_MAX);
  const inPeriod = sql`n.created_at >= ${period.start} AND n.created_at < ${period.end}`;
  const [domains, accounts] = await Promise.all([
    sql<{ name: string; account_id: string | null; account_name: string | null; urls: string; notices: string }>`
      SELECT i.zone AS name, i.account_id, a.name AS account_name, count(*) AS urls, count(DISTINCT i.notice_id) AS notices
      FROM notices n JOIN notice_items i ON i.notice_id = n.id LEFT JOIN accounts a ON a.id = i.account_id
      WHERE ${inPeriod} AND i.zone IS NOT NULL
      GROUP BY i.zone, i.account_id, a.name
      ORDER BY urls DESC, name
      LIMIT ${lim}`.execute(db),
    sql<{ name: string; account_id: string; account_name: string | null; urls: string; notices: string }>`
      SELECT i.account_id AS name, i.account_id, a.name AS account_name, count(*) AS urls, count(DISTINCT i.notice_id) AS notices
      FROM notices n JOIN notice_items i ON i.notice_id = n.id LEFT JOIN accounts a ON a.id = i.account_id
      WHERE ${inPeriod} AND i.account_id IS NOT NULL
      GROUP BY i.account_id, a.name
      ORDER BY urls DESC, name
      LIMIT ${lim}`.execute(db),
  ]);
  const row = (r: { name: string; account_id: string | null; account_name: string | null; urls: string; notices: string }): TopRow => ({
    name: r.name,
    account_id: r.account_id,
    account_name: r.account_name,
    urls: n(r.urls),
    notices: n(r.notices),
  });
  return {
    period: { from: period.from, to: period.to, label: period.label, half_year: period.half_year },
    domains: domains.rows.map(row),
    accounts: accounts.rows.map(row),
  };
}
