/**
 * The order of the staff review queue: what must be decided first comes first. Trusted flaggers'
 * notices within their expertise first (DSA Art. 22(1): decided "with priority and without undue
 * delay"), then the kind's priority (report-kinds.ts: 0 is CSAM, 1 phishing, threats and intimate
 * imagery, …), then the oldest. And by when each notice should be decided: the kind's own target.
 *
 * The order is written down once, as QUEUE_ORDER: compareQueue sorts by it here, and the queue's
 * SQL (services/staff-views.ts) orders and pages by the same list, column by column.
 */
import { KIND_RULES, type ReportKind } from '../../domain/report-kinds.ts';

export interface QueueEntry {
  id: string;
  kind: ReportKind;
  /** Filed by a trusted flagger within its expertise (notices.trusted_flagger, set at filing). */
  trustedFlagger: boolean;
  /** The kind's priority when the notice was filed (notices.priority): 0 is decided first. */
  priority: number;
  createdAt: Date;
}

export type QueueKey = keyof QueueEntry & ('trustedFlagger' | 'priority' | 'createdAt' | 'id');

/** Most important first; the id last makes the order total, so a page boundary is exact. */
export const QUEUE_ORDER: readonly { key: QueueKey; dir: 'asc' | 'desc' }[] = [
  { key: 'trustedFlagger', dir: 'desc' },
  { key: 'priority', dir: 'asc' },
  { key: 'createdAt', dir: 'asc' },
  { key: 'id', dir: 'asc' },
];

const rank = (v: QueueEntry[QueueKey]): number | string => (typeof v === 'boolean' ? Number(v) : v instanceof Date ? v.getTime() : v);

export function compareQueue(a: QueueEntry, b: QueueEntry): number {
  for (const { key, dir } of QUEUE_ORDER) {
    const x = rank(a[key]);
    const y = rank(b[key]);
    if (x !== y) return (x < y ? -1 : 1) * (dir === 'asc' ? 1 : -1);
  }
  return 0;
}

/** The provider's target for the first decision: receipt plus the kind's decideWithinHours. */
export function dueBy(kind: ReportKind, createdAt: Date): Date {
  return new Date(createdAt.getTime() + KIND_RULES[kind].decideWithinHours * 3_600_000);
}
