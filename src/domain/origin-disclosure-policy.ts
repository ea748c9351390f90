/**
 * Who may learn the origin IP address behind a proxied zone, and when the zone's customer is told.
 *
 * A proxy hides where a site is really served from; that protects honest customers from attacks
 * and pirate sites from their hosts. The desk resolves this by disclosing the origin only to
 * vetted *trusted reporters* — with an active, unrevoked, unexpired status, accepted terms, and a
 * credential carrying the disclosure scope — and only for items of their own notices on proxied
 * zones; staff may always see it. Everything else is refused with a reason that names the
 * missing condition, so the API can say it and the disclosure log can record it.
 *
 * Pure decisions: the requester's status, the item and `now` are plain parameters. The service
 * loads them fresh for every request (a cached status would let a revoked reporter through) and
 * asks again right before delivering anything queued (a webhook about an origin change), so a
 * revocation stops all further disclosures at once.
 */
import { z } from 'zod';
import { zodErrors, type FieldError } from './notice.ts';

/** The scope a credential needs for origin disclosure. */
export const ORIGIN_DISCLOSURE_SCOPE = 'origin:read';

/**
 * A reporter's trusted status, each with the data it has: terms are accepted only once active,
 * and a revocation is final (a new application starts again from `applied`).
 */
export type TrustedStatus =
  /** Applied; staff have not vetted yet. */
  | { status: 'applied'; appliedAt: Date }
  /** Vetted by staff; must still accept the terms. */
  | { status: 'approved'; approvedAt: Date }
  | { status: 'active'; approvedAt: Date; termsVersion: string; termsAcceptedAt: Date; expiresAt: Date | null }
  /** Paused by staff (e.g. while a complaint about the reporter is looked into). */
  | { status: 'suspended'; suspendedAt: Date; reason: string }
  /** Withdrawn, e.g. after the reporter published disclosed data. */
  | { status: 'revoked'; revokedAt: Date; reason: string };

export interface Requester {
  principalId: string;
  role: 'staff' | 'reporter' | 'customer';
  /** Null: the reporter never applied. */
  trust: TrustedStatus | null;
  /** Scopes of the credential used for this request (a signed-in session: the principal's). */
  scopes: readonly string[];
}

export type OriginWhich = 'at_report' | 'current';

export interface DisclosureTarget {
  /** Principal who filed the notice the item belongs to. */
  noticeOwnerId: string;
  noticeFiledAt: Date;
  /** The item's coarse state. */
  itemState: string;
  /** The zone's service mode; null when the URL is not on the network. */
  zoneMode: 'proxied' | 'hosted' | null;
  /** The origin when the notice was filed, or the one in force now. */
  which: OriginWhich;
}

export type CustomerNoticePolicy =
  /** The customer is told at once (the default: disclosure is no secret from the one it concerns). */
  | { when: 'immediately' }
  /** Told after a delay, so a host can act before the site moves. */
  | { when: 'delayed'; delayHours: number }
  /** Not told (e.g. where the law or a court forbids tipping the customer off). */
  | { when: 'never' };

export interface OriginDisclosurePolicy {
  /** Master switch: off, only staff see origins. */
  enabled: boolean;
  /** Whether the current origin (not only the one at the time of the report) may be disclosed. */
  allowCurrent: boolean;
  /** The terms version a reporter must have accepted; null: any accepted version. */
  requiredTermsVersion: string | null;
  /** Items of notices older than this many days are not disclosed; null: no limit. */
  maxNoticeAgeDays: number | null;
  customerNotice: CustomerNoticePolicy;
}

export const DEFAULT_ORIGIN_DISCLOSURE_POLICY: Readonly<OriginDisclosurePolicy> = Object.freeze({
  enabled: true,
  allowCurrent: true,
  requiredTermsVersion: null,
  maxNoticeAgeDays: null,
  customerNotice: Object.freeze({ when: 'immediately' }) as CustomerNoticePolicy,
});

export const OriginDisclosurePolicySchema = z.object({
  enabled: z.boolean({ error: 'enabled must be true or false' }).default(true),
  allowCurrent: z.boolean({ error: 'allowCurrent must be true or false' }).default(true),
  requiredTermsVersion: z
    .string({ error: 'requiredTermsVersion must be a string or null' })
    .trim()
    .min(1, 'requiredTermsVersion must not be empty')
    .nullable()
    .default(null),
  maxNoticeAgeDays: z
    .number({ error: 'maxNoticeAgeDays must be a whole number of days or null' })
    .int('maxNoticeAgeDays must be a whole number of days or null')
    .min(1, 'maxNoticeAgeDays must be at least 1')
    .nullable()
    .default(null),
  customerNotice: z
    .discriminatedUnion(
      'when',
      [
        z.object({ when: z.literal('immediately') }),
        z.object({
          when: z.literal('delayed'),
          delayHours: z
            .number({ error: 'customerNotice.delayHours must be a number of hours' })
            .int('customerNotice.delayHours must be a whole number of hours')
            .min(1, 'customerNotice.delayHours must be at least 1')
            .max(24 * 365, 'customerNotice.delayHours must be at most a year (8760)'),
        }),
        z.object({ when: z.literal('never') }),
      ],
      { error: 'customerNotice.when must be "immediately", "delayed" (with delayHours) or "never"' },
    )
    .default({ when: 'immediately' }),
});

/** A policy from configuration (missing fields take the defaults); every problem by field. */
export function parseOriginDisclosurePolicy(input: unknown): { ok: true; policy: OriginDisclosurePolicy } | { ok: false; errors: FieldError[] } {
  const r = OriginDisclosurePolicySchema.safeParse(input ?? {});
  return r.success ? { ok: true, policy: r.data } : { ok: false, errors: zodErrors(r.error) };
}

export const DENY_REASONS = {
  disabled_by_policy: 'Origin disclosure is switched off.',
  not_trusted: 'Only trusted reporters may receive origin addresses.',
  application_pending: 'Your application as a trusted reporter has not been vetted yet.',
  terms_not_accepted: 'Accept the trusted reporter terms first.',
  terms_outdated: 'The trusted reporter terms have changed: accept the current version first.',
  suspended: 'Your trusted reporter status is suspended.',
  revoked: 'Your trusted reporter status was revoked.',
  expired: 'Your trusted reporter status has expired.',
  missing_scope: `This credential lacks the "${ORIGIN_DISCLOSURE_SCOPE}" scope.`,
  not_own_notice: 'The item belongs to a notice you did not file.',
  not_on_network: 'The URL is not on our network: there is no origin to disclose.',
  not_proxied: 'The site is hosted by us, not proxied: there is no third-party origin to disclose.',
  item_rejected: 'Staff rejected this URL: its origin is not disclosed.',
  current_not_allowed: 'Only the origin at the time of your report is disclosed.',
  notice_too_old: 'The notice is too old for origin disclosure.',
} as const;
export type DenyReason = keyof typeof DENY_REASONS;

export type DisclosureDecision =
  /** `basis` goes into the disclosure log ("why"), with the terms version the reporter accepted. */
  { allow: true; basis: 'staff' | 'trusted_reporter'; termsVersion: string | null } | { allow: false; reason: DenyReason; message: string };

const DAY_MS = 86_400_000;

function deny(reason: DenyReason, detail?: string): DisclosureDecision {
  return { allow: false, reason, message: detail ? `${DENY_REASONS[reason]} ${detail}` : DENY_REASONS[reason] };
}

/**
 * Whether the requester may receive this item's origin now. Checked in order: staff (always
 * allowed), the policy switch, the reporter's trusted status (revoked, suspended, expired come before anything about
 * the item, so a revoked reporter learns nothing else), the credential's scope, ownership of the
 * notice, the item and zone, which origin, the notice's age.
 */
export function decideOriginDisclosure(requester: Requester, target: DisclosureTarget, policy: OriginDisclosurePolicy, now: Date): DisclosureDecision {
  if (requester.role === 'staff') return { allow: true, basis: 'staff', termsVersion: null };
  if (!policy.enabled) return deny('disabled_by_policy');
  if (requester.role !== 'reporter' || requester.trust === null) return deny('not_trusted');
  const trust = requester.trust;
  switch (trust.status) {
    case 'revoked':
      return deny('revoked');
    case 'suspended':
      return deny('suspended');
    case 'applied':
      return deny('application_pending');
    case 'approved':
      return deny('terms_not_accepted');
    case 'active':
      break;
  }
  if (trust.expiresAt !== null && now >= trust.expiresAt) return deny('expired');
  if (policy.requiredTermsVersion !== null && trust.termsVersion !== policy.requiredTermsVersion) return deny('terms_outdated');
  if (!requester.scopes.includes(ORIGIN_DISCLOSURE_SCOPE)) return deny('missing_scope');
  if (target.noticeOwnerId !== requester.principalId) return deny('not_own_notice');
  if (target.zoneMode === null || target.itemState === 'not_on_network' || target.itemState === 'invalid') return deny('not_on_network');
  if (target.zoneMode !== 'proxied') return deny('not_proxied');
  if (target.itemState === 'rejected') return deny('item_rejected');
  if (target.which === 'current' && !policy.allowCurrent) return deny('current_not_allowed');
  if (policy.maxNoticeAgeDays !== null && now.getTime() - target.noticeFiledAt.getTime() >= policy.maxNoticeAgeDays * DAY_MS) {
    return deny('notice_too_old', `(Limit: ${policy.maxNoticeAgeDays} days.)`);
  }
  return { allow: true, basis: 'trusted_reporter', termsVersion: trust.termsVersion };
}

/**
 * May this reporter receive origin data at all right now (for listing webhooks, showing the
 * disclosure button, delivering a queued origin-change message)? The status and scope checks of
 * `decideOriginDisclosure`, without an item.
 */
export function mayReceiveOrigins(requester: Requester, policy: OriginDisclosurePolicy, now: Date): DisclosureDecision {
  return decideOriginDisclosure(
    requester,
    { noticeOwnerId: requester.principalId, noticeFiledAt: now, itemState: 'forwarded', zoneMode: 'proxied', which: 'at_report' },
    policy,
    now,
  );
}

export type CustomerNoticeTiming = { notify: true; at: Date } | { notify: false };

/** When the zone's customer is to be told of a disclosure made at `disclosedAt`. */
export function customerNoticeFor(disclosedAt: Date, policy: OriginDisclosurePolicy): CustomerNoticeTiming {
  const p = policy.customerNotice;
  switch (p.when) {
    case 'immediately':
      return { notify: true, at: disclosedAt };
    case 'delayed':
      return { notify: true, at: new Date(disclosedAt.getTime() + p.delayHours * 3_600_000) };
    case 'never':
      return { notify: false };
  }
}

export interface LoggedDisclosure {
  id: string;
  zoneId: string | number;
  disclosedAt: Date;
  /** When the customer was told about it; null: not yet. */
  customerNotifiedAt: Date | null;
}

/**
 * Disclosures whose customer notice is due at `now`, grouped by zone (one message per zone lists
 * them all), zones in order of their oldest due disclosure. Already notified ones are skipped.
 */
export function dueCustomerNotices<T extends LoggedDisclosure>(
  disclosures: readonly T[],
  policy: OriginDisclosurePolicy,
  now: Date,
): { zoneId: T['zoneId']; disclosures: T[] }[] {
  const byZone = new Map<T['zoneId'], T[]>();
  const sorted = [...disclosures].sort((a, b) => a.disclosedAt.getTime() - b.disclosedAt.getTime());
  for (const d of sorted) {
    if (d.customerNotifiedAt !== null) continue;
    const t = customerNoticeFor(d.disclosedAt, policy);
    if (!t.notify || t.at > now) continue;
    const list = byZone.get(d.zoneId);
    if (list) list.push(d);
    else byZone.set(d.zoneId, [d]);
  }
  return [...byZone].map(([zoneId, list]) => ({ zoneId, disclosures: list }));
}
