/**
 * Trusted reporters, the plain-data part: the versioned terms, what an application and staff
 * decisions must contain, the stored application row as the policy's `TrustedStatus`, the
 * customer's message about a disclosure, and the rules for webhook targets and signatures.
 * No I/O here; the services load rows and call these.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { zodErrors, type FieldError } from './notice.ts';
import { ORIGIN_DISCLOSURE_SCOPE, type TrustedStatus } from './origin-disclosure-policy.ts';
import type { OutgoingMessage } from './messages.ts';
import { exponentialBackoff } from './backoff.ts';

/** The terms a trusted reporter accepts. A new text gets a new version; acceptance records which. */
export const TRUSTED_REPORTER_TERMS = Object.freeze({
  version: '2026-11-01',
  text: [
    'Trusted reporter terms.',
    '1. Origin addresses are disclosed to you only to pursue the infringement reported in your own notices, before the host of the content or a court.',
    '2. You do not publish, resell or pass on disclosed addresses, except to the hosting provider concerned, your counsel or a court.',
    '3. You keep disclosed addresses confidential and delete them when the matter is closed.',
    '4. Every disclosure is logged, and the site owner may be told that its origin was disclosed.',
    '5. We may suspend or revoke your status at any time, in particular after a breach of these terms; revocation stops all further disclosures at once.',
  ].join('\n'),
});

/** Scopes staff may grant. */
export const GRANTABLE_SCOPES = [ORIGIN_DISCLOSURE_SCOPE] as const;
export type Scope = (typeof GRANTABLE_SCOPES)[number];

const text = (field: string, max: number) =>
  z
    .string({ error: `${field} is required` })
    .trim()
    .min(1, `${field} must not be empty`)
    .max(max, `${field} must be at most ${max} characters`)
    .refine((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(s), `${field} must not contain control characters`);

export const TrustedApplicationSchema = z.object({
  organisation: text('organisation', 200),
  purpose: text('purpose', 2000),
  contact: text('contact', 500),
  accept_terms: z.literal(true, { error: 'accept_terms must be true: read the terms (GET /v1/trusted-reporter/terms) and accept them' }),
  terms_version: z.string({ error: 'terms_version is required: the version of the terms you accept' }).refine((v) => v === TRUSTED_REPORTER_TERMS.version, {
    message: `terms_version must be the current version, ${TRUSTED_REPORTER_TERMS.version}`,
  }),
});
export type TrustedApplication = z.infer<typeof TrustedApplicationSchema>;

export const TermsAcceptanceSchema = TrustedApplicationSchema.pick({ accept_terms: true, terms_version: true });

const reason = text('reason', 2000);

/** Approval: scopes to grant and an optional end, which must lie in the future. */
export function parseApproval(
  input: unknown,
  now: Date,
): { ok: true; scopes: Scope[]; expiresAt: Date | null; reason: string | null } | { ok: false; errors: FieldError[] } {
  const r = z
    .object({
      scopes: z
        .array(z.enum(GRANTABLE_SCOPES, { error: `each scope must be one of ${GRANTABLE_SCOPES.join(', ')}` }), { error: 'scopes must be a list' })
        .min(1, 'grant at least one scope')
        .default([ORIGIN_DISCLOSURE_SCOPE]),
      expires_at: z.iso.datetime({ offset: true, error: 'expires_at must be a date and time such as 2027-01-01T00:00:00Z' }).nullable().default(null),
      reason: reason.nullable().default(null),
    })
    .safeParse(input ?? {});
  if (!r.success) return { ok: false, errors: zodErrors(r.error) };
  const expiresAt = r.data.expires_at === null ? null : new Date(r.data.expires_at);
  if (expiresAt && expiresAt <= now) return { ok: false, errors: [{ field: 'expires_at', message: 'expires_at must lie in the future' }] };
  return { ok: true, scopes: [...new Set(r.data.scopes)], expiresAt, reason: r.data.reason };
}

/** Rejection, suspension and revocation need a reason (it goes to the log and the reporter). */
export function parseReason(input: unknown): { ok: true; reason: string } | { ok: false; errors: FieldError[] } {
  const r = z.object({ reason }).safeParse(input ?? {});
  return r.success ? { ok: true, reason: r.data.reason } : { ok: false, errors: zodErrors(r.error) };
}

export interface TrustedRow {
  status: 'applied' | 'active' | 'rejected' | 'suspended' | 'revoked';
  applied_at: Date;
  approved_at: Date | null;
  expires_at: Date | null;
  terms_version: string;
  terms_accepted_at: Date;
  ended_at: Date | null;
  decision_reason: string | null;
}

/** The policy's view of a reporter's latest application; a rejected one counts as never trusted. */
export function trustedStatusOf(row: TrustedRow | null): TrustedStatus | null {
  if (!row) return null;
  switch (row.status) {
    case 'applied':
      return { status: 'applied', appliedAt: row.applied_at };
    case 'active':
      return {
        status: 'active',
        approvedAt: row.approved_at!,
        termsVersion: row.terms_version,
        termsAcceptedAt: row.terms_accepted_at,
        expiresAt: row.expires_at,
      };
    case 'suspended':
      return { status: 'suspended', suspendedAt: row.ended_at!, reason: row.decision_reason ?? '' };
    case 'revoked':
      return { status: 'revoked', revokedAt: row.ended_at!, reason: row.decision_reason ?? '' };
    case 'rejected':
      return null;
  }
}

/** Which staff decision applies to an application in a state (the rest are refused). */
export type TrustDecision = 'approve' | 'reject' | 'suspend' | 'revoke';
const DECISIONS: Record<TrustedRow['status'], readonly TrustDecision[]> = {
  applied: ['approve', 'reject'],
  active: ['suspend', 'revoke'],
  suspended: ['approve', 'revoke'],
  rejected: [],
  revoked: [],
};
export function decisionAllowed(status: TrustedRow['status'], d: TrustDecision): boolean {
  return DECISIONS[status].includes(d);
}

export interface DisclosureForCustomer {
  zone: string;
  disclosedAt: Date;
  which: 'at_report' | 'current';
  organisation: string;
}

/** The zone customer's message: one per zone listing every disclosure due together. */
export function customerDisclosureMessage(
  provider: string,
  account: { id: string; name: string; email: string },
  zone: string,
  ds: readonly DisclosureForCustomer[],
  dedupeKey: string,
): OutgoingMessage {
  const lines = ds.map(
    (d) =>
      `- ${d.disclosedAt.toISOString().replace('T', ' ').slice(0, 16)} UTC: ${d.which === 'current' ? 'the current origin' : 'the origin at the time of the report'}, to ${d.organisation}`,
  );
  return {
    dedupeKey,
    recipientRole: 'owner',
    to: account.email,
    subject: `[${provider}] The origin address of ${zone} was disclosed`,
    body: [
      `Dear ${account.name},`,
      '',
      `In answer to copyright notices about ${zone}, ${provider} disclosed the address of the server behind this site (its origin) to a vetted trusted reporter:`,
      '',
      ...lines,
      '',
      'Trusted reporters have agreed to use the address only to pursue the reported infringement with the host of the content or before a court, and not to publish it.',
      `If you believe a disclosure was wrong, reply to this message.`,
      '',
      `— ${provider}`,
    ].join('\n'),
    attachments: [],
  };
}

/** Why a URL may not receive webhooks; null when it may. `allowLoopback` is for tests only. */
export function webhookUrlProblem(raw: string, allowLoopback: boolean): string | null {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return 'url must be an absolute https:// URL';
  }
  if (u.username || u.password) return 'url must not contain a user name or password';
  if (raw.length > 2000) return 'url must be at most 2000 characters';
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (u.protocol === 'http:') {
    if (!(allowLoopback && isLoopbackName(host))) return 'url must use https';
  } else if (u.protocol !== 'https:') return 'url must use https';
  if (ipaddr.isValid(host) && !allowLoopback && !isPublicAddress(host)) return 'url must not point at a private, loopback or reserved address';
  if (!allowLoopback && (host === 'localhost' || host.endsWith('.localhost') || !host.includes('.'))) return 'url must name a public host';
  return null;
}

function isLoopbackName(host: string): boolean {
  return host === 'localhost' || (ipaddr.isValid(host) && ipaddr.process(host).range() === 'loopback');
}

/**
 * The addresses a webhook delivery may connect to, decided once from one resolution of its host:
 * the caller connects to these and to nothing else (a second lookup could answer differently —
 * DNS rebinding). An IP literal host is its own answer. Without `allowLoopback` every answer must
 * be public: a name that also resolves inward could be used to reach inside, so one such answer
 * refuses them all. Addresses come back normalised (IPv4-mapped IPv6 as IPv4) with their family.
 */
export function webhookTargetAddresses(
  host: string,
  resolved: readonly string[],
  allowLoopback: boolean,
): { ok: true; addresses: { address: string; family: 4 | 6 }[] } | { ok: false; problem: string } {
  const bare = host.replace(/^\[|\]$/g, '');
  const answers = ipaddr.isValid(bare) ? [bare] : resolved;
  if (!answers.length) return { ok: false, problem: `the host ${bare} does not resolve` };
  const out: { address: string; family: 4 | 6 }[] = [];
  for (const a of answers) {
    if (!ipaddr.isValid(a)) return { ok: false, problem: `the host ${bare} resolves to something that is not an address` };
    if (!allowLoopback && !isPublicAddress(a)) return { ok: false, problem: `the host ${bare} resolves to a non-public address` };
    const ip = ipaddr.process(a);
    const address = ip.toString();
    if (!out.some((o) => o.address === address)) out.push({ address, family: ip.kind() === 'ipv6' ? 6 : 4 });
  }
  return { ok: true, addresses: out };
}

/** Only globally routable unicast addresses (no private, loopback, link-local, CGNAT, multicast, reserved). */
export function isPublicAddress(ip: string): boolean {
  if (!ipaddr.isValid(ip)) return false;
  return ipaddr.process(ip).range() === 'unicast';
}

/** The signature header's value: HMAC-SHA256 over "<timestamp>.<body>", so a replayed body with a new timestamp fails. */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** For receivers (and tests): check a delivery's signature and that it is recent. */
export function verifyWebhookSignature(secret: string, timestamp: string, body: string, signature: string, now: Date, toleranceSeconds = 300): boolean {
  const ts = Number(timestamp);
  if (!Number.isInteger(ts) || Math.abs(now.getTime() / 1000 - ts) > toleranceSeconds) return false;
  const want = Buffer.from(webhookSignature(secret, ts, body));
  const got = Buffer.from(signature);
  return want.length === got.length && timingSafeEqual(want, got);
}

export const WEBHOOK_MAX_ATTEMPTS = 10;

/** Seconds until the next attempt after `attempt` failed ones: 30 s doubling, at most 6 h. */
export function webhookBackoffSeconds(attempt: number): number {
  return exponentialBackoff(attempt, 30, 6 * 3600);
}
