/**
 * The repeat-infringer policy of 17 U.S.C. §512(i)(1)(A): a provider keeps its safe harbor only if
 * it has adopted, reasonably implemented and told its customers about a policy that terminates
 * repeat infringers in appropriate circumstances. This module is that policy as data — which
 * notices count as strikes, how many within what window lead to review and to termination — the
 * evaluation of one account against it, and the plain-English text the provider publishes, so
 * that what is published and what is enforced cannot drift apart.
 *
 * Pure: the current time is a parameter; strikes are plain data the store provides.
 *
 * Strikes are per account and per notice: one notice that lists fifty URLs of one customer is one
 * strike, not fifty (the customer received one complaint). The status of a notice's strike is
 * derived from the states of its items on that account (`noticeStrikeStatus`).
 */
import { z } from 'zod';
import { zodErrors, type FieldError } from './notice.ts';

/**
 * Where a notice's strike stands. Only `active` (and `disputed`, if the policy says so) count.
 *
 * - `active`: a valid notice on which content was disabled and which nobody has undone —
 *   including after a counter notice, when the complainant showed a court action was filed.
 * - `disputed`: a counter notice is pending (received or forwarded, restore window running).
 * - `countered`: the content was restored after a counter notice (§512(g)(2)(C)).
 * - `retracted`: the complainant withdrew the notice.
 * - `invalidated`: staff found afterwards that the notice was not valid (e.g. fraudulent or
 *   lacking the §512(c)(3) elements) and reversed the takedown.
 */
export const STRIKE_STATUSES = ['active', 'disputed', 'countered', 'retracted', 'invalidated'] as const;
export type StrikeStatus = (typeof STRIKE_STATUSES)[number];

export interface StrikePolicy {
  /** A strike counts for this many days (24-hour periods) after `at`; a rolling window. */
  windowDays: number;
  /** This many counted strikes within the window put the account in the staff review queue. */
  reviewAt: number;
  /** This many counted strikes within the window mean termination (carried out by staff). */
  terminateAt: number;
  /**
   * Whether a strike with a counter notice still pending counts. Off by default: a customer
   * should not be terminated on notices that the law may oblige us to undo in a few days.
   */
  countDisputed: boolean;
  /**
   * Whether notices forwarded to the customer about a site the provider proxies (content on the
   * customer's own origin, nothing taken down by us) count. On by default: §512(i) covers
   * subscribers of conduit and caching services too, and a customer told again and again that it
   * infringes should not keep its service just because the content lives elsewhere.
   */
  countForwarded: boolean;
}

export const DEFAULT_STRIKE_POLICY: Readonly<StrikePolicy> = Object.freeze({
  windowDays: 365,
  reviewAt: 2,
  terminateAt: 3,
  countDisputed: false,
  countForwarded: true,
});

/** A whole number in [min, max] with its field named in every error (shared by the configurable policies). */
export const wholeNumber = (field: string, min: number, max: number) =>
  z
    .number({ error: `${field} must be a whole number` })
    .int(`${field} must be a whole number`)
    .min(min, `${field} must be at least ${min}`)
    .max(max, `${field} must be at most ${max}`);

export const StrikePolicySchema = z
  .object({
    windowDays: wholeNumber('windowDays', 1, 3650).default(DEFAULT_STRIKE_POLICY.windowDays),
    reviewAt: wholeNumber('reviewAt', 1, 1000).default(DEFAULT_STRIKE_POLICY.reviewAt),
    terminateAt: wholeNumber('terminateAt', 1, 1000).default(DEFAULT_STRIKE_POLICY.terminateAt),
    countDisputed: z.boolean({ error: 'countDisputed must be true or false' }).default(DEFAULT_STRIKE_POLICY.countDisputed),
    countForwarded: z.boolean({ error: 'countForwarded must be true or false' }).default(DEFAULT_STRIKE_POLICY.countForwarded),
  })
  .superRefine((p, ctx) => {
    if (typeof p.reviewAt === 'number' && typeof p.terminateAt === 'number' && p.terminateAt < p.reviewAt) {
      ctx.addIssue({
        code: 'custom',
        path: ['terminateAt'],
        message: `terminateAt (${p.terminateAt}) must not be below reviewAt (${p.reviewAt}): review comes first`,
      });
    }
  });

/** A policy from configuration (missing fields take the defaults); every problem by field. */
export function parseStrikePolicy(input: unknown): { ok: true; policy: StrikePolicy } | { ok: false; errors: FieldError[] } {
  const r = StrikePolicySchema.safeParse(input ?? {});
  return r.success ? { ok: true, policy: r.data } : { ok: false, errors: zodErrors(r.error) };
}

/**
 * How the notice reached the customer: `takedown` — we disabled hosted content (the takedown
 * lifecycle); `forwarded` — a proxied site, the notice was passed on to the customer (an item in
 * state `forwarded` is `active`, one staff rejected afterwards `invalidated`).
 */
export type StrikeSource = 'takedown' | 'forwarded';

/** Does a strike in this status count under the policy (window aside)? */
export function countsAsStrike(status: StrikeStatus, policy: StrikePolicy, source: StrikeSource = 'takedown'): boolean {
  if (source === 'forwarded' && !policy.countForwarded) return false;
  return status === 'active' || (status === 'disputed' && policy.countDisputed);
}

/** Precedence when one notice has several items on an account: the most severe wins. */
const PRECEDENCE: readonly StrikeStatus[] = ['active', 'disputed', 'countered', 'retracted', 'invalidated'];

/**
 * The strike status of one notice on one account, from the strike statuses of its items there
 * (`null` for items that never led to a takedown). One item still disabled keeps the strike
 * active even if the customer countered the others. `null` when no item carries a strike.
 */
export function noticeStrikeStatus(itemStatuses: Iterable<StrikeStatus | null>): StrikeStatus | null {
  let best: number | null = null;
  for (const s of itemStatuses) {
    if (s === null) continue;
    const i = PRECEDENCE.indexOf(s);
    if (i >= 0 && (best === null || i < best)) best = i;
  }
  return best === null ? null : PRECEDENCE[best]!;
}

export interface Strike {
  noticeId: string;
  /** When the strike was incurred: the takedown, or the forwarding to the customer. */
  at: Date;
  status: StrikeStatus;
  /** Default `takedown`. */
  source?: StrikeSource;
}

export type StrikeLevel = 'ok' | 'review' | 'terminate';

export interface AccountStanding {
  /** Strikes that count now: counting status, inside the window. One per notice. */
  count: number;
  level: StrikeLevel;
  /** The counted strikes, oldest first, each with the moment it stops counting. */
  counted: { noticeId: string; at: Date; expiresAt: Date }[];
  /** When the next counted strike leaves the window (the count drops); null without strikes. */
  expiresAt: Date | null;
  /** When the account drops below its current level if nothing new arrives; null at `ok`. */
  levelExpiresAt: Date | null;
  /** More strikes that would bring review / termination; 0 once reached. */
  untilReview: number;
  untilTerminate: number;
}

const DAY_MS = 86_400_000;

/**
 * An account's standing under the policy at `now`. A strike counts while `now` is before
 * `at + windowDays` (a strike exactly `windowDays` old no longer counts). A strike dated after
 * `now` (clock skew between servers) counts: a skewed clock must not let a strike slip through.
 * Entries with the same notice id are one strike: the earliest time, the most severe status.
 */
export function evaluateAccount(strikes: readonly Strike[], policy: StrikePolicy, now: Date): AccountStanding {
  const windowMs = policy.windowDays * DAY_MS;
  const byNotice = new Map<string, { at: number; statuses: StrikeStatus[] }>();
  for (const s of strikes) {
    const at = s.at instanceof Date ? s.at.getTime() : NaN;
    if (!Number.isFinite(at)) throw new RangeError(`strike of notice ${s.noticeId} has an invalid date`);
    // A forwarded notice the policy does not count is no strike at all (not even for precedence).
    if (!countsAsStrike('active', policy, s.source)) continue;
    const seen = byNotice.get(s.noticeId);
    if (seen) {
      seen.at = Math.min(seen.at, at);
      seen.statuses.push(s.status);
    } else byNotice.set(s.noticeId, { at, statuses: [s.status] });
  }
  const t = now.getTime();
  const counted = [...byNotice]
    .filter(([, v]) => {
      const status = noticeStrikeStatus(v.statuses);
      return status !== null && countsAsStrike(status, policy) && t < v.at + windowMs;
    })
    .map(([noticeId, v]) => ({ noticeId, at: new Date(v.at), expiresAt: new Date(v.at + windowMs) }))
    .sort((a, b) => a.at.getTime() - b.at.getTime() || (a.noticeId < b.noticeId ? -1 : a.noticeId > b.noticeId ? 1 : 0));
  const count = counted.length;
  const level: StrikeLevel = count >= policy.terminateAt ? 'terminate' : count >= policy.reviewAt ? 'review' : 'ok';
  const threshold = level === 'terminate' ? policy.terminateAt : level === 'review' ? policy.reviewAt : null;
  // Dropping below `threshold` takes (count - threshold + 1) expiries; strikes expire oldest first.
  const levelExpiresAt = threshold === null ? null : counted[count - threshold]!.expiresAt;
  return {
    count,
    level,
    counted,
    expiresAt: counted[0]?.expiresAt ?? null,
    levelExpiresAt,
    untilReview: Math.max(0, policy.reviewAt - count),
    untilTerminate: Math.max(0, policy.terminateAt - count),
  };
}

const plural = (n: number, one: string, many: string) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/**
 * The policy as the provider publishes it (terms of service, help centre), in plain English,
 * generated from the same data the desk enforces. Paragraphs separated by blank lines.
 */
export function describePolicy(policy: StrikePolicy, options: { providerName?: string } = {}): string {
  const provider = options.providerName?.trim() || 'We';
  const we = provider === 'We' ? 'we' : provider;
  const window = plural(policy.windowDays, 'day', 'days');
  const notCounted = [
    'when the complainant retracts it',
    'when the content was restored after a counter notice (17 U.S.C. §512(g)) and the complainant did not tell us of a court action',
    'when we find that the notice was not valid',
  ];
  if (!policy.countDisputed) notCounted.push('while a counter notice about it is pending');
  const review = plural(policy.reviewAt, 'strike', 'strikes');
  const terminate = plural(policy.terminateAt, 'strike', 'strikes');
  const consequences =
    policy.reviewAt === policy.terminateAt
      ? `An account with ${terminate} or more within any period of ${window} is reviewed by our staff and terminated, unless the review shows that the strikes were mistaken.`
      : `An account with ${review} or more within any period of ${window} is reviewed by our staff, who may warn the customer or restrict the service. ` +
        `An account with ${terminate} or more within such a period is terminated, unless the review shows that the strikes were mistaken.`;
  return [
    'Repeat infringer policy',
    `${provider} ${provider === 'We' ? 'respect' : 'respects'} the rights of copyright owners. In appropriate circumstances ${we} terminate${provider === 'We' ? '' : 's'} the accounts of customers who are repeat infringers (17 U.S.C. §512(i)).`,
    `A strike is recorded against an account for each valid copyright notice (17 U.S.C. §512(c)(3)) that leads us to remove or disable content the account hosts with us${
      policy.countForwarded ? ', and for each such notice that we forward to the customer about a site we proxy or serve for the account' : ''
    }. ` +
      'One notice is one strike, however many URLs of the account it lists. ' +
      `A notice does not count as a strike ${notCounted.slice(0, -1).join('; ')}; or ${notCounted.at(-1)!}.` +
      (policy.countDisputed ? ' A notice whose counter notice is still pending counts until the content is restored.' : ''),
    `A strike counts for ${window} from the time we acted on the notice.`,
    consequences,
    'Termination ends every service of the account: hosting, proxying and DNS. A terminated customer may not open a new account.',
  ].join('\n\n');
}
