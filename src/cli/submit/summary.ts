// What `safeharbor submit` says at the end: the same figures as text or as one JSON object.
// The item counts are the server's (each notice's status, fetched at the end), not the client's
// guess, so they can be checked against the notices themselves.

export type BatchOutcome = 'filed' | 'replayed' | 'skipped' | 'planned';

export interface SentBatch {
  key: string;
  notice_id: string | null;
  urls: number;
  zones: number;
  outcome: BatchOutcome;
}

export interface NoticeStatus {
  status: string;
  counts: Record<string, number>;
}

export interface LineCounts {
  read: number;
  urls: number;
  skipped: number;
  bad: number;
  duplicates_folded: number;
}

export const MAX_BAD_LINES_LISTED = 100;

export interface Summary {
  input: string;
  complete: boolean;
  dry_run: boolean;
  lines: LineCounts;
  bad_lines: { line: number; reason: string }[];
  notices: { total: number; filed: number; replayed: number; skipped: number; processed: number; unprocessed: number };
  urls: number;
  items: Record<string, number>;
  per_notice: (SentBatch & { status: string | null; counts: Record<string, number> | null })[];
  error: string | null;
}

export function summarise(args: {
  input: string;
  dryRun: boolean;
  lines: LineCounts;
  badLines: { line: number; reason: string }[];
  batches: SentBatch[];
  statuses: ReadonlyMap<string, NoticeStatus>;
  error: string | null;
}): Summary {
  const items: Record<string, number> = {};
  const count = (o: BatchOutcome) => args.batches.filter((b) => b.outcome === o).length;
  let processed = 0;
  const per_notice = args.batches.map((b) => {
    const st = b.notice_id ? args.statuses.get(b.notice_id) : undefined;
    if (st) {
      if (st.status === 'processed') processed++;
      for (const [state, n] of Object.entries(st.counts)) items[state] = (items[state] ?? 0) + n;
    }
    return { ...b, status: st?.status ?? null, counts: st?.counts ?? null };
  });
  const acknowledged = args.batches.filter((b) => b.notice_id !== null).length;
  return {
    input: args.input,
    complete: args.error === null && !args.dryRun && args.lines.bad === 0,
    dry_run: args.dryRun,
    lines: args.lines,
    bad_lines: args.badLines.slice(0, MAX_BAD_LINES_LISTED),
    notices: {
      total: args.batches.length,
      filed: count('filed'),
      replayed: count('replayed'),
      skipped: count('skipped'),
      processed,
      unprocessed: acknowledged - processed,
    },
    urls: args.batches.reduce((n, b) => n + b.urls, 0),
    items: Object.fromEntries(Object.entries(items).sort(([a], [b]) => (a < b ? -1 : 1))),
    per_notice,
    error: args.error,
  };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function renderSummary(s: Summary): string {
  const out: string[] = [];
  const l = s.lines;
  out.push(
    `${s.input}: ${plural(l.read, 'line')} read: ${plural(l.urls, 'URL')}, ${l.skipped} blank or comment, ${plural(l.bad, 'bad line')} skipped, ${plural(l.duplicates_folded, 'duplicate')} folded`,
  );
  if (s.dry_run) {
    out.push(
      `dry run: ${plural(s.notices.total, 'notice')} with ${plural(s.urls, 'URL')} would be sent (${s.notices.skipped} already acknowledged); nothing was sent`,
    );
    for (const b of s.per_notice)
      out.push(`  ${b.key}  ${plural(b.urls, 'URL')} in ${plural(b.zones, 'zone')}${b.outcome === 'skipped' ? ` (acknowledged: ${b.notice_id})` : ''}`);
    return out.join('\n');
  }
  const n = s.notices;
  out.push(
    `${plural(n.total, 'notice')} with ${plural(s.urls, 'URL')}: ${n.filed} filed now, ${n.replayed} already on the server (same Idempotency-Key), ${n.skipped} skipped (acknowledged in an earlier run)`,
  );
  out.push(`${n.processed} processed, ${n.unprocessed} still being processed${n.unprocessed ? ' (--wait waits for them)' : ''}`);
  const states = Object.entries(s.items);
  out.push(`URLs by state: ${states.length ? states.map(([k, v]) => `${k} ${v}`).join(', ') : '(none)'}`);
  if (s.error) out.push(`not finished: ${s.error}`);
  return out.join('\n');
}
