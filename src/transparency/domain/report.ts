// The transparency report's figures (DSA Art. 15 and 24, and what the DMCA desk publishes, like
// GitHub's and Google's reports), computed from the grouped rows the store returns. Two kinds of
// figure, kept apart on purpose:
// - about the notices received in the period, whatever became of them later (the URLs they
//   named, what was done about those URLs, how fast): a later half-year does not move them;
// - about things that happened in the period by their own date (counter notices, retractions,
//   complaints, strikes, terminations, legal process, origin disclosures, Art. 23 measures).
// The report is one plain object, so the page, the JSON and the CSV say the same thing.
import { CHANNELS, type Channel } from '../../domain/notice.ts';
import { KIND_RULES, LEGAL_REGIMES, REPORT_KINDS, type DsaCategory, type LegalRegime, type ReportKind } from '../../domain/report-kinds.ts';
import { quantile } from '../../dsa/domain/trusted-flagger-stats.ts';
import { monthsOf, type Period } from './period.ts';

/** What the store reads for a period (transparency/report-data.ts); every row is a group's count. */
export interface ReportRows {
  notices: { kind: ReportKind; channel: Channel; regime: LegalRegime; trusted_flagger: boolean; notices: number }[];
  monthly: { month: string; kind: ReportKind; notices: number }[];
  /** URLs of the period's notices by what resolution found. */
  urls: { kind: ReportKind; on_network: number; not_on_network: number; invalid: number; unresolved: number }[];
  /** URLs of the period's notices that ever reached a state (each URL once per state). */
  reached: { kind: ReportKind; state: string; urls: number }[];
  /** The period's notices with their first action (a URL forwarded or disabled). */
  firstActions: { kind: ReportKind; trusted_flagger: boolean; received_at: Date; first_action_at: Date }[];
  /** Statements of reasons of the period's notices, by ground. */
  grounds: { kind: ReportKind; ground: string; statements: number }[];
  /** Restrictions of a whole service in the period (terminations, Art. 23 suspensions), by their statements. */
  serviceRestrictions: { restriction: string; statements: number }[];
  filings: { kind: 'counter_notice' | 'court_action' | 'retraction'; filings: number }[];
  strikes: { issued: number; in_force: number };
  accountEvents: { type: string; events: number }[];
  legal: { type: LegalType; received: number; complied: number; objected: number; withdrawn: number; open: number }[];
  disclosures: { basis: 'staff' | 'trusted_reporter'; disclosures: number; zones: number }[];
  complaints: { party: 'customer' | 'notifier'; state: ComplaintState; received_at: Date; decided_at: Date | null }[];
  misuse: { party_type: 'notifier' | 'customer'; measure: 'warning' | 'suspension'; measures: number }[];
}

export const LEGAL_TYPES = ['subpoena', 'court_order', 'law_enforcement', 'other'] as const;
export type LegalType = (typeof LEGAL_TYPES)[number];
export const COMPLAINT_STATES = ['open', 'upheld', 'reversed', 'partly_reversed'] as const;
export type ComplaintState = (typeof COMPLAINT_STATES)[number];

/** The URL states a report counts as what was done: forwarding and disabling are actions; the rest say how it ended. */
export const ACTION_STATES = ['forwarded', 'content_disabled', 'restored', 'rejected', 'retracted'] as const;
export type ActionState = (typeof ACTION_STATES)[number];

/** The Transparency Database's categories our kinds map to (report-kinds.ts), in the table's order, once each. */
export const DSA_CATEGORIES: readonly DsaCategory[] = [...new Set(REPORT_KINDS.map((k) => KIND_RULES[k].dsa.category))];

export const kindsOfCategory = (c: DsaCategory): ReportKind[] => REPORT_KINDS.filter((k) => KIND_RULES[k].dsa.category === c);

type Counts<K extends string> = Record<K, number>;

export interface CategoryFigures {
  notices: number;
  from_trusted_flaggers: number;
  urls: number;
  urls_disabled: number;
  /** Hours from receipt to the first action on one of its URLs, median; null when none was acted on. */
  median_hours_to_action: number | null;
  /** Restrictions (statements of reasons) on the ground that the content is illegal. */
  legal_basis: number;
  /** Restrictions on the ground that it breaks the terms of service. */
  terms_basis: number;
}

export interface TransparencyReport {
  period: { from: string; to: string; label: string; half_year: string | null };
  notices: { total: number; from_trusted_flaggers: number; by_kind: Counts<ReportKind>; by_channel: Counts<Channel>; by_regime: Counts<LegalRegime> };
  urls: {
    reported: number;
    on_network: number;
    not_on_network: number;
    invalid: number;
    unresolved: number;
    /** Percent of the reported URLs that are on our network, one decimal; null when none was reported. */
    share_on_network_percent: number | null;
  };
  actions: {
    urls_forwarded: number;
    urls_disabled: number;
    urls_restored: number;
    urls_rejected: number;
    urls_retracted: number;
    notices_acted_on: number;
    median_hours_to_first_action: number | null;
  };
  counter_notices: number;
  court_actions: number;
  retractions: number;
  strikes: { issued: number; in_force: number };
  accounts: { terminated: number; reinstated: number };
  legal_requests: Record<LegalType, { received: number; complied: number; objected: number; withdrawn: number; open: number }>;
  origin_disclosures: { total: number; to_trusted_reporters: number; by_staff: number; zones: number };
  /** Notices received per month, by kind. */
  monthly: Record<string, Counts<ReportKind>>;
  dsa: {
    categories: Record<DsaCategory, CategoryFigures>;
    complaints: {
      received: number;
      from_customers: number;
      from_notifiers: number;
      open: number;
      upheld: number;
      reversed: number;
      partly_reversed: number;
      median_hours_to_decide: number | null;
    };
    misuse: { notifiers_warned: number; notifiers_suspended: number; customers_warned: number; customers_suspended: number };
    service_restrictions: { suspended: number; terminated: number };
  };
}

const zeros = <K extends string>(keys: readonly K[]): Counts<K> => Object.fromEntries(keys.map((k) => [k, 0])) as Counts<K>;
const sum = <T>(rows: readonly T[], f: (r: T) => number) => rows.reduce((n, r) => n + f(r), 0);
// Hundredths of an hour, as the trusted flaggers' figures: finer says nothing about a decision.
const hours = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);

/** The median of durations in hours, interpolated (PostgreSQL's percentile_cont); null for none. */
export function medianHours(durationsMs: readonly number[]): number | null {
  return hours(
    quantile(
      [...durationsMs].map((ms) => Math.max(0, ms) / 3_600_000).sort((a, b) => a - b),
      0.5,
    ),
  );
}

/** `part` as a percentage of `whole`, one decimal; null when there is no whole. */
export function sharePercent(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 1000) / 10;
}

export function buildReport(period: Period, rows: ReportRows): TransparencyReport {
  const byKind = zeros(REPORT_KINDS);
  const byChannel = zeros(CHANNELS);
  const byRegime = zeros(LEGAL_REGIMES);
  for (const r of rows.notices) {
    byKind[r.kind] += r.notices;
    byChannel[r.channel] += r.notices;
    byRegime[r.regime] += r.notices;
  }
  const monthly: Record<string, Counts<ReportKind>> = {};
  for (const m of monthsOf(period)) monthly[m] = zeros(REPORT_KINDS);
  for (const r of rows.monthly) if (monthly[r.month]) monthly[r.month]![r.kind] += r.notices;

  const onNetwork = sum(rows.urls, (r) => r.on_network);
  const urls = {
    on_network: onNetwork,
    not_on_network: sum(rows.urls, (r) => r.not_on_network),
    invalid: sum(rows.urls, (r) => r.invalid),
    unresolved: sum(rows.urls, (r) => r.unresolved),
  };
  const reported = urls.on_network + urls.not_on_network + urls.invalid + urls.unresolved;
  const reached = (state: ActionState, kinds?: readonly ReportKind[]) =>
    sum(
      rows.reached.filter((r) => r.state === state && (!kinds || kinds.includes(r.kind))),
      (r) => r.urls,
    );
  const toAction = (of: typeof rows.firstActions) => medianHours(of.map((n) => n.first_action_at.getTime() - n.received_at.getTime()));

  const categories = {} as Record<DsaCategory, CategoryFigures>;
  for (const c of DSA_CATEGORIES) {
    const kinds = kindsOfCategory(c);
    const of = <T extends { kind: ReportKind }>(list: readonly T[]) => list.filter((r) => kinds.includes(r.kind));
    categories[c] = {
      notices: sum(of(rows.notices), (r) => r.notices),
      from_trusted_flaggers: sum(
        of(rows.notices).filter((r) => r.trusted_flagger),
        (r) => r.notices,
      ),
      urls: sum(of(rows.urls), (r) => r.on_network + r.not_on_network + r.invalid + r.unresolved),
      urls_disabled: reached('content_disabled', kinds),
      median_hours_to_action: toAction(of(rows.firstActions)),
      legal_basis: sum(
        of(rows.grounds).filter((g) => g.ground === 'DECISION_GROUND_ILLEGAL_CONTENT'),
        (g) => g.statements,
      ),
      terms_basis: sum(
        of(rows.grounds).filter((g) => g.ground === 'DECISION_GROUND_INCOMPATIBLE_CONTENT'),
        (g) => g.statements,
      ),
    };
  }

  const filings = (k: ReportRows['filings'][number]['kind']) =>
    sum(
      rows.filings.filter((f) => f.kind === k),
      (f) => f.filings,
    );
  const accountEvents = (t: string) =>
    sum(
      rows.accountEvents.filter((e) => e.type === t),
      (e) => e.events,
    );
  const legal = Object.fromEntries(
    LEGAL_TYPES.map((t) => {
      const r = rows.legal.find((l) => l.type === t);
      return [t, { received: r?.received ?? 0, complied: r?.complied ?? 0, objected: r?.objected ?? 0, withdrawn: r?.withdrawn ?? 0, open: r?.open ?? 0 }];
    }),
  ) as TransparencyReport['legal_requests'];
  const disclosed = (b: 'staff' | 'trusted_reporter') => rows.disclosures.find((d) => d.basis === b);
  const complaintsIn = (state: ComplaintState) => rows.complaints.filter((c) => c.state === state).length;
  const decided = rows.complaints.filter((c) => c.decided_at !== null);
  const misuse = (party: 'notifier' | 'customer', measure: 'warning' | 'suspension') =>
    sum(
      rows.misuse.filter((m) => m.party_type === party && m.measure === measure),
      (m) => m.measures,
    );
  const restricted = (r: string) =>
    sum(
      rows.serviceRestrictions.filter((s) => s.restriction === r),
      (s) => s.statements,
    );

  return {
    period: { from: period.from, to: period.to, label: period.label, half_year: period.half_year },
    notices: {
      total: sum(rows.notices, (r) => r.notices),
      from_trusted_flaggers: sum(
        rows.notices.filter((r) => r.trusted_flagger),
        (r) => r.notices,
      ),
      by_kind: byKind,
      by_channel: byChannel,
      by_regime: byRegime,
    },
    urls: { reported, ...urls, share_on_network_percent: sharePercent(onNetwork, reported) },
    actions: {
      urls_forwarded: reached('forwarded'),
      urls_disabled: reached('content_disabled'),
      urls_restored: reached('restored'),
      urls_rejected: reached('rejected'),
      urls_retracted: reached('retracted'),
      notices_acted_on: rows.firstActions.length,
      median_hours_to_first_action: toAction(rows.firstActions),
    },
    counter_notices: filings('counter_notice'),
    court_actions: filings('court_action'),
    retractions: filings('retraction'),
    strikes: { ...rows.strikes },
    accounts: { terminated: accountEvents('account.terminated'), reinstated: accountEvents('account.reinstated') },
    legal_requests: legal,
    origin_disclosures: {
      total: sum(rows.disclosures, (d) => d.disclosures),
      to_trusted_reporters: disclosed('trusted_reporter')?.disclosures ?? 0,
      by_staff: disclosed('staff')?.disclosures ?? 0,
      zones: sum(rows.disclosures, (d) => d.zones),
    },
    monthly,
    dsa: {
      categories,
      complaints: {
        received: rows.complaints.length,
        from_customers: rows.complaints.filter((c) => c.party === 'customer').length,
        from_notifiers: rows.complaints.filter((c) => c.party === 'notifier').length,
        open: complaintsIn('open'),
        upheld: complaintsIn('upheld'),
        reversed: complaintsIn('reversed'),
        partly_reversed: complaintsIn('partly_reversed'),
        median_hours_to_decide: medianHours(decided.map((c) => c.decided_at!.getTime() - c.received_at.getTime())),
      },
      misuse: {
        notifiers_warned: misuse('notifier', 'warning'),
        notifiers_suspended: misuse('notifier', 'suspension'),
        customers_warned: misuse('customer', 'warning'),
        customers_suspended: misuse('customer', 'suspension'),
      },
      service_restrictions: { suspended: restricted('service_suspended'), terminated: restricted('service_terminated') },
    },
  };
}

/**
 * Every figure of a report as one row, its path (`notices.by_kind.copyright`) and its value: the
 * CSV download is exactly these rows, so it cannot say anything the JSON does not.
 */
export function flattenReport(value: unknown, prefix = ''): [string, string | number | boolean | null][] {
  if (value === null || typeof value !== 'object') return [[prefix, value as string | number | boolean | null]];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => flattenReport(v, prefix ? `${prefix}.${k}` : k));
}

const csvCell = (v: string) => (/[",\r\n]/.test(v) || /^[=+\-@]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** The report as CSV: a header, then `figure,value` per figure (empty value: not defined, e.g. a median of nothing). */
export function reportCsv(report: TransparencyReport): string {
  const lines = ['figure,value', ...flattenReport(report).map(([k, v]) => `${csvCell(k)},${csvCell(v === null ? '' : String(v))}`)];
  return `${lines.join('\r\n')}\r\n`;
}

export interface TopRow {
  name: string;
  account_id: string | null;
  account_name: string | null;
  urls: number;
  notices: number;
}

export interface TopLists {
  period: TransparencyReport['period'];
  domains: TopRow[];
  accounts: TopRow[];
}
