/**
 * Submitting statements of reasons to the DSA Transparency Database (POST /api/v1/statements,
 * 1–100 statements a call), the decisions without the I/O: which statements go together, what an
 * answer means for each of them, and how long to wait after a failure.
 *
 * The database stores a batch whole or not at all: anything but 201 means nothing of it was kept.
 * A 422 names the statements at fault (`errors` keyed `statements.<index>.<field>`); a duplicate
 * puid is one of them, and means that statement is there already (an earlier answer was lost),
 * which the caller confirms before it counts it as submitted. The others of a refused batch are
 * sent again at once: they were not at fault.
 */
import { exponentialBackoff } from '../../domain/backoff.ts';

/** The database's limit per call. */
export const MAX_BATCH = 100;

export interface PendingStatement {
  puid: string;
  /** A batch containing it was refused without saying which statement was wrong: it goes alone, so the next answer does. */
  sendAlone: boolean;
}

/** The statements to send next, in the order given (oldest first): up to `size` (1–100), or one that must go alone. */
export function nextBatch<T extends PendingStatement>(pending: readonly T[], size: number): T[] {
  const max = Math.min(MAX_BATCH, Math.max(1, Math.floor(size) || 1));
  const first = pending[0];
  if (!first) return [];
  if (first.sendAlone) return [first];
  return pending.filter((p) => !p.sendAlone).slice(0, max);
}

/** What came back from a POST: the status (null: no answer at all) and the body as parsed JSON (or text). */
export interface Answer {
  status: number | null;
  body: unknown;
  /** Why there was no answer (connection refused or reset, timeout). */
  error?: string;
}

export type BatchOutcome =
  /** 201: every statement of the batch is stored. */
  | { outcome: 'stored' }
  /** 422 naming statements: those with a duplicate puid (to confirm), those invalid (not sent again), the rest (sent again now). */
  | { outcome: 'refused'; duplicates: string[]; invalid: { puid: string; error: string }[]; resend: string[]; error: string }
  /** 422 that names no statement of a batch of several: each is sent alone, so that the next answer does. */
  | { outcome: 'isolate'; error: string }
  /** No answer, 5xx, 401, 429, anything else: nothing stored; try again later. */
  | { outcome: 'retry'; error: string };

const DUPLICATE = /unique|already|taken|exist|duplicate/i;

function fieldErrors(body: unknown): Record<string, string[]> {
  if (!body || typeof body !== 'object') return {};
  const errors = (body as { errors?: unknown }).errors;
  if (!errors || typeof errors !== 'object' || Array.isArray(errors)) return {};
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(errors)) out[k] = (Array.isArray(v) ? v : [v]).map((m) => String(m));
  return out;
}

const messageOf = (body: unknown): string | undefined =>
  body && typeof body === 'object' && typeof (body as { message?: unknown }).message === 'string' ? (body as { message: string }).message : undefined;

const clip = (s: string, n = 2000) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** What an answer to a batch of these puids (in the order sent) means for each of them. */
export function interpretBatchAnswer(puids: readonly string[], a: Answer): BatchOutcome {
  if (a.status === 201) return { outcome: 'stored' };
  if (a.status === null) return { outcome: 'retry', error: clip(`no answer: ${a.error ?? 'connection failed'}`, 500) };
  if (a.status !== 422) {
    const hint = a.status === 401 || a.status === 403 ? ' (the Transparency Database refused the token)' : '';
    const said = messageOf(a.body);
    return { outcome: 'retry', error: clip(`HTTP ${a.status}${hint}${said ? `: ${said}` : ''}`, 500) };
  }
  const errors = fieldErrors(a.body);
  const byIndex = new Map<number, { field: string; messages: string[] }[]>();
  const unattributed: string[] = [];
  for (const [key, messages] of Object.entries(errors)) {
    const m = /^statements\.(\d+)\.(.+)$/.exec(key);
    // A batch of one may be answered in the single-statement form, keyed by the field alone.
    const index = m ? Number(m[1]) : puids.length === 1 && key !== 'statements' ? 0 : -1;
    const field = m ? m[2]! : key;
    if (index < 0 || index >= puids.length) {
      unattributed.push(`${key}: ${messages.join(' ')}`);
      continue;
    }
    byIndex.set(index, [...(byIndex.get(index) ?? []), { field, messages }]);
  }
  const summary = clip([messageOf(a.body), ...unattributed].filter(Boolean).join('; ') || 'HTTP 422 without a reason', 500);
  if (!byIndex.size) {
    if (puids.length > 1) return { outcome: 'isolate', error: `HTTP 422: ${summary}` };
    return {
      outcome: 'refused',
      duplicates: [],
      invalid: [{ puid: puids[0]!, error: clip(`HTTP 422: ${summary}`) }],
      resend: [],
      error: `HTTP 422: ${summary}`,
    };
  }
  const duplicates: string[] = [];
  const invalid: { puid: string; error: string }[] = [];
  const resend: string[] = [];
  puids.forEach((puid, i) => {
    const found = byIndex.get(i);
    if (!found) resend.push(puid);
    else if (found.some((f) => f.field === 'puid' && f.messages.some((msg) => DUPLICATE.test(msg)))) duplicates.push(puid);
    else invalid.push({ puid, error: clip(found.map((f) => `${f.field}: ${f.messages.join(' ')}`).join('; ')) });
  });
  return {
    outcome: 'refused',
    duplicates,
    invalid,
    resend,
    error: `HTTP 422: ${duplicates.length} already stored, ${invalid.length} invalid, ${resend.length} to send again`,
  };
}

/** GET /api/v1/statement/existing-puid/{puid}: found (2xx, or a redirect to it), not there (404), or no telling. */
export function interpretExistingPuid(status: number | null): 'exists' | 'absent' | 'unknown' {
  if (status !== null && ((status >= 200 && status < 300) || status === 302 || status === 303)) return 'exists';
  if (status === 404) return 'absent';
  return 'unknown';
}

export interface Backoff {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { baseMs: 10_000, maxMs: 60 * 60_000 };

/** The wait after the n-th failure in a row (n ≥ 1): doubling from the base, never above the cap. */
export function backoffMs(failures: number, b: Backoff = DEFAULT_BACKOFF): number {
  return exponentialBackoff(failures, b.baseMs, b.maxMs);
}
