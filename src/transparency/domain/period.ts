// The period a transparency report covers: a half-year (H1 = January–June, H2 = July–December, as
// the DSA's reporting cycle and most providers' reports run) or any span of whole days. Days are
// UTC days; the end date is inclusive for people and the stored end is the next midnight, so a
// query reads [start, end).
import type { FieldError } from '../../domain/notice.ts';

export interface Period {
  /** First day, YYYY-MM-DD. */
  from: string;
  /** Last day (inclusive), YYYY-MM-DD. */
  to: string;
  /** "H1 2026", or "2026-02-01 to 2026-03-31". */
  label: string;
  /** "2026-H1" when the period is a half-year. */
  half_year: string | null;
  start: Date;
  /** Exclusive: midnight after the last day. */
  end: Date;
}

const DAY = 86_400_000;
/** Longer spans are not a report any more, and would only make the reads slow. */
export const MAX_PERIOD_DAYS = 3660;

const day = (d: Date) => d.toISOString().slice(0, 10);

function parseDay(s: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return null;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  // Date.UTC rolls 2026-02-30 over to March: such a date does not exist.
  return day(d) === s ? d : null;
}

/** The half-year "2026-H1" as a period. */
export function halfYear(year: number, half: 1 | 2): Period {
  const start = new Date(Date.UTC(year, half === 1 ? 0 : 6, 1));
  const end = new Date(Date.UTC(half === 1 ? year : year + 1, half === 1 ? 6 : 0, 1));
  return { from: day(start), to: day(new Date(end.getTime() - DAY)), label: `H${half} ${year}`, half_year: `${year}-H${half}`, start, end };
}

/** The half-year an instant falls in (UTC). */
export function halfYearOf(at: Date): Period {
  return halfYear(at.getUTCFullYear(), at.getUTCMonth() < 6 ? 1 : 2);
}

/** Half-years from the one holding `first` up to the one holding `now`, newest first, at most `max`. */
export function halfYearsBetween(first: Date, now: Date, max = 20): Period[] {
  const out: Period[] = [];
  let p = halfYearOf(now);
  const stop = halfYearOf(first.getTime() < now.getTime() ? first : now).start.getTime();
  while (out.length < max) {
    out.push(p);
    if (p.start.getTime() <= stop) break;
    p = halfYearOf(new Date(p.start.getTime() - DAY));
  }
  return out;
}

export interface PeriodQuery {
  period?: string;
  from?: string;
  to?: string;
}

export type PeriodResult = { ok: true; period: Period } | { ok: false; errors: FieldError[] };

/**
 * The period a request asks for: `period=2026-H1`, or `from` and `to` (both, YYYY-MM-DD, `to`
 * inclusive), or nothing (the half-year `now` is in). Every problem is named by its field.
 */
export function parsePeriod(q: PeriodQuery, now: Date): PeriodResult {
  const period = q.period?.trim() || '';
  const fromText = q.from?.trim() || '';
  const toText = q.to?.trim() || '';
  if (period) {
    if (fromText || toText) return { ok: false, errors: [{ field: 'period', message: 'choose a half-year or from and to dates, not both' }] };
    const m = /^(\d{4})-H([12])$/i.exec(period);
    if (!m) return { ok: false, errors: [{ field: 'period', message: `period must be a half-year such as 2026-H1 or 2026-H2, got "${period.slice(0, 40)}"` }] };
    const year = Number(m[1]);
    if (year < 1998) return { ok: false, errors: [{ field: 'period', message: 'period must be 1998 or later' }] };
    return { ok: true, period: halfYear(year, m[2] === '1' ? 1 : 2) };
  }
  if (!fromText && !toText) return { ok: true, period: halfYearOf(now) };
  const errors: FieldError[] = [];
  const start = fromText ? parseDay(fromText) : null;
  const last = toText ? parseDay(toText) : null;
  if (!fromText) errors.push({ field: 'from', message: 'from is required with to: the first day, such as 2026-01-01' });
  else if (!start) errors.push({ field: 'from', message: `from must be a date such as 2026-01-01, got "${fromText.slice(0, 40)}"` });
  if (!toText) errors.push({ field: 'to', message: 'to is required with from: the last day, such as 2026-06-30' });
  else if (!last) errors.push({ field: 'to', message: `to must be a date such as 2026-06-30, got "${toText.slice(0, 40)}"` });
  if (errors.length) return { ok: false, errors };
  if (last!.getTime() < start!.getTime()) return { ok: false, errors: [{ field: 'to', message: `to (${toText}) must not be before from (${fromText})` }] };
  const end = new Date(last!.getTime() + DAY);
  if ((end.getTime() - start!.getTime()) / DAY > MAX_PERIOD_DAYS)
    return { ok: false, errors: [{ field: 'to', message: `a period may be at most ${MAX_PERIOD_DAYS} days long` }] };
  return { ok: true, period: { from: fromText, to: toText, label: `${fromText} to ${toText}`, half_year: null, start: start!, end } };
}

/** The months (YYYY-MM) a period touches, in order: the time series' columns. */
export function monthsOf(p: Pick<Period, 'start' | 'end'>): string[] {
  const out: string[] = [];
  const last = new Date(p.end.getTime() - 1);
  let y = p.start.getUTCFullYear();
  let m = p.start.getUTCMonth();
  while (y < last.getUTCFullYear() || (y === last.getUTCFullYear() && m <= last.getUTCMonth())) {
    out.push(`${y}-${String(m + 1).padStart(2, '0')}`);
    if (++m === 12) {
      m = 0;
      y++;
    }
  }
  return out;
}

/** The query string that asks for this period again (links, downloads). */
export function periodQuery(p: Period): string {
  return p.half_year ? `period=${p.half_year}` : `from=${p.from}&to=${p.to}`;
}
