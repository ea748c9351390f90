// When `safeharbor submit` tries a request again. Everything it sends carries an Idempotency-Key,
// so a retry after a lost answer files nothing twice: the server replays the first notice.
import { exponentialBackoff } from '../../domain/backoff.ts';

export interface RetryPolicy {
  maxAttempts: number;
  baseMs: number;
  capMs: number;
  /** Longest Retry-After honoured; a longer one is waited for this long, then retried. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 10, baseMs: 500, capMs: 30_000, maxRetryAfterMs: 120_000 };

export type Outcome = { status: number; retryAfter?: string | null } | { networkError: string };

export type Decision = { retry: true; delayMs: number; why: string } | { retry: false };

/** Retry-After as a delay: delta-seconds or an HTTP date (RFC 9110 §10.2.3); null when absent or unreadable. */
export function retryAfterMs(value: string | null | undefined, now: number): number | null {
  if (!value) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * After `attempt` (1-based) ended in `outcome`: 429 waits as long as Retry-After says (or backs
 * off without one); 5xx, 408 and connection errors back off exponentially with jitter; anything
 * else is the answer. `random` is Math.random in use, fixed in tests.
 */
export function retryDecision(attempt: number, outcome: Outcome, now: number, policy: RetryPolicy = DEFAULT_RETRY, random = Math.random): Decision {
  if (attempt >= policy.maxAttempts) return { retry: false };
  const backoff = () => Math.round(exponentialBackoff(attempt, policy.baseMs, policy.capMs) * (0.5 + random() / 2));
  if ('networkError' in outcome) return { retry: true, delayMs: backoff(), why: outcome.networkError };
  if (outcome.status === 429) {
    const after = retryAfterMs(outcome.retryAfter, now);
    return { retry: true, delayMs: after === null ? backoff() : Math.min(after, policy.maxRetryAfterMs), why: 'rate limited (429)' };
  }
  if (outcome.status >= 500 || outcome.status === 408) return { retry: true, delayMs: backoff(), why: `server answered ${outcome.status}` };
  return { retry: false };
}
