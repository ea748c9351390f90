/**
 * How fast notices are decided, trusted flaggers' against everyone else's, per kind: the evidence
 * that their notices are in fact decided "with priority and without undue delay" (DSA Art. 22(1)),
 * and what a transparency report (Art. 15(1)(b)) says about median decision times.
 */
import { REPORT_KINDS, type ReportKind } from '../../domain/report-kinds.ts';

export interface DecidedNotice {
  kind: ReportKind;
  trustedFlagger: boolean;
  receivedAt: Date;
  /** The first decision on any of its URLs (by staff or by policy at receipt). */
  firstDecisionAt: Date;
}

export interface SpeedFigures {
  notices: number;
  /** Hours from receipt to first decision; null when no notice was decided. */
  median_hours: number | null;
  p90_hours: number | null;
}

export interface KindSpeed {
  kind: ReportKind;
  trusted_flagger: SpeedFigures;
  others: SpeedFigures;
}

/**
 * The p-quantile of sorted values, interpolated between the two nearest ranks (PostgreSQL's
 * percentile_cont): the median of 1, 2, 3, 10 is 2.5, not 2 or 3.
 */
export function quantile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const pos = p * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

// Hundredths of an hour (36 s): finer says nothing about a decision, and keeps floating-point noise out of the figures.
const hours = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);

function figures(durationsMs: number[]): SpeedFigures {
  const h = durationsMs.map((ms) => ms / 3_600_000).sort((a, b) => a - b);
  return { notices: h.length, median_hours: hours(quantile(h, 0.5)), p90_hours: hours(quantile(h, 0.9)) };
}

/** Per kind with at least one decided notice, in the table's order: median and p90, trusted flaggers' and the others'. */
export function decisionSpeed(notices: readonly DecidedNotice[]): KindSpeed[] {
  const out: KindSpeed[] = [];
  for (const kind of REPORT_KINDS) {
    const of = notices.filter((n) => n.kind === kind);
    if (of.length === 0) continue;
    const ms = (trusted: boolean) =>
      of.filter((n) => n.trustedFlagger === trusted).map((n) => Math.max(0, n.firstDecisionAt.getTime() - n.receivedAt.getTime()));
    out.push({ kind, trusted_flagger: figures(ms(true)), others: figures(ms(false)) });
  }
  return out;
}
