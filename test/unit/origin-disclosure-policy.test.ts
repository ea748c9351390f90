import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  customerNoticeFor,
  decideOriginDisclosure,
  dueCustomerNotices,
  mayReceiveOrigins,
  parseOriginDisclosurePolicy,
  DEFAULT_ORIGIN_DISCLOSURE_POLICY,
  DENY_REASONS,
  ORIGIN_DISCLOSURE_SCOPE,
  type DisclosureTarget,
  type OriginDisclosurePolicy,
  type Requester,
  type TrustedStatus,
} from '../../src/domain/origin-disclosure-policy.ts';

const NOW = new Date('2026-05-01T12:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const active = (over: Partial<Extract<TrustedStatus, { status: 'active' }>> = {}): TrustedStatus => ({
  status: 'active',
  approvedAt: new Date('2026-01-01T00:00:00Z'),
  termsVersion: '2026-01',
  termsAcceptedAt: new Date('2026-01-02T00:00:00Z'),
  expiresAt: null,
  ...over,
});
const reporter = (trust: TrustedStatus | null = active(), scopes: string[] = ['notices:write', ORIGIN_DISCLOSURE_SCOPE]): Requester => ({
  principalId: 'rep-1',
  role: 'reporter',
  trust,
  scopes,
});
const item = (over: Partial<DisclosureTarget> = {}): DisclosureTarget => ({
  noticeOwnerId: 'rep-1',
  noticeFiledAt: new Date('2026-04-30T10:00:00Z'),
  itemState: 'forwarded',
  zoneMode: 'proxied',
  which: 'at_report',
  ...over,
});
const policy = (over: Partial<OriginDisclosurePolicy> = {}): OriginDisclosurePolicy => ({ ...DEFAULT_ORIGIN_DISCLOSURE_POLICY, ...over });
const reason = (r: Requester, t: DisclosureTarget = item(), p: OriginDisclosurePolicy = policy(), now = NOW) => {
  const d = decideOriginDisclosure(r, t, p, now);
  return d.allow ? 'allow' : d.reason;
};

test('an active trusted reporter with the scope gets the origin of its own proxied item, at report and current', () => {
  assert.deepEqual(decideOriginDisclosure(reporter(), item(), policy(), NOW), { allow: true, basis: 'trusted_reporter', termsVersion: '2026-01' });
  assert.equal(reason(reporter(), item({ which: 'current' })), 'allow');
  assert.equal(reason(reporter(), item({ itemState: 'content_disabled' })), 'allow');
});

test('staff always may; customers and plain reporters may not', () => {
  assert.deepEqual(
    decideOriginDisclosure({ principalId: 's', role: 'staff', trust: null, scopes: [] }, item({ noticeOwnerId: 'x' }), policy({ enabled: false }), NOW),
    {
      allow: true,
      basis: 'staff',
      termsVersion: null,
    },
  );
  assert.equal(reason({ principalId: 'c', role: 'customer', trust: active(), scopes: [ORIGIN_DISCLOSURE_SCOPE] }), 'not_trusted');
  assert.equal(reason(reporter(null)), 'not_trusted');
});

test('every status short of active is refused with its own reason', () => {
  assert.equal(reason(reporter({ status: 'applied', appliedAt: NOW })), 'application_pending');
  assert.equal(reason(reporter({ status: 'approved', approvedAt: NOW })), 'terms_not_accepted');
  assert.equal(reason(reporter({ status: 'suspended', suspendedAt: NOW, reason: 'complaint' })), 'suspended');
  assert.equal(reason(reporter({ status: 'revoked', revokedAt: NOW, reason: 'published disclosed IPs' })), 'revoked');
});

test('revocation wins over everything: a revoked reporter learns nothing about the item', () => {
  const revoked = reporter({ status: 'revoked', revokedAt: new Date(NOW.getTime() - 1), reason: 'leak' }, []);
  for (const t of [item({ noticeOwnerId: 'someone-else' }), item({ zoneMode: null, itemState: 'not_on_network' }), item({ zoneMode: 'hosted' })]) {
    assert.equal(reason(revoked, t), 'revoked');
  }
  // The same reporter a moment before revocation was allowed: decisions read the status as given.
  assert.equal(reason(reporter()), 'allow');
});

test('expiry is checked against the injected clock', () => {
  const r = reporter(active({ expiresAt: new Date('2026-05-01T12:00:00Z') }));
  assert.equal(reason(r, item(), policy(), new Date(NOW.getTime() - 1)), 'allow');
  assert.equal(reason(r, item(), policy(), NOW), 'expired');
});

test('terms version, scope, ownership', () => {
  assert.equal(reason(reporter(), item(), policy({ requiredTermsVersion: '2026-05' })), 'terms_outdated');
  assert.equal(reason(reporter(), item(), policy({ requiredTermsVersion: '2026-01' })), 'allow');
  assert.equal(reason(reporter(active(), ['notices:write'])), 'missing_scope');
  assert.equal(reason(reporter(active(), [])), 'missing_scope');
  assert.equal(reason(reporter(), item({ noticeOwnerId: 'rep-2' })), 'not_own_notice');
});

test('only proxied zones on the network, not rejected items', () => {
  assert.equal(reason(reporter(), item({ zoneMode: null, itemState: 'not_on_network' })), 'not_on_network');
  assert.equal(reason(reporter(), item({ zoneMode: null, itemState: 'invalid' })), 'not_on_network');
  assert.equal(reason(reporter(), item({ zoneMode: 'hosted', itemState: 'content_disabled' })), 'not_proxied');
  assert.equal(reason(reporter(), item({ itemState: 'rejected' })), 'item_rejected');
});

test('policy: switched off, current origin withheld, notice age limit', () => {
  assert.equal(reason(reporter(), item(), policy({ enabled: false })), 'disabled_by_policy');
  assert.equal(reason(reporter(), item({ which: 'current' }), policy({ allowCurrent: false })), 'current_not_allowed');
  assert.equal(reason(reporter(), item({ which: 'at_report' }), policy({ allowCurrent: false })), 'allow');
  const p = policy({ maxNoticeAgeDays: 30 });
  assert.equal(reason(reporter(), item({ noticeFiledAt: new Date(NOW.getTime() - 30 * DAY + 1) }), p), 'allow');
  const old = decideOriginDisclosure(reporter(), item({ noticeFiledAt: new Date(NOW.getTime() - 30 * DAY) }), p, NOW);
  assert.deepEqual(old, { allow: false, reason: 'notice_too_old', message: 'The notice is too old for origin disclosure. (Limit: 30 days.)' });
});

test('every refusal carries a sentence', () => {
  const d = decideOriginDisclosure(reporter(active(), []), item(), policy(), NOW);
  assert.ok(!d.allow);
  assert.equal(d.message, DENY_REASONS.missing_scope);
  assert.match(d.message, /origin:read/);
  for (const m of Object.values(DENY_REASONS)) assert.match(m, /\.$/);
});

test('mayReceiveOrigins: the status and scope checks alone (for webhooks and queued deliveries)', () => {
  assert.deepEqual(mayReceiveOrigins(reporter(), policy(), NOW), { allow: true, basis: 'trusted_reporter', termsVersion: '2026-01' });
  const later = mayReceiveOrigins(reporter({ status: 'revoked', revokedAt: NOW, reason: 'x' }), policy(), NOW);
  assert.ok(!later.allow && later.reason === 'revoked');
  const noScope = mayReceiveOrigins(reporter(active(), []), policy(), NOW);
  assert.ok(!noScope.allow && noScope.reason === 'missing_scope');
});

test('customer notice: immediately by default, after a delay, or never', () => {
  assert.deepEqual(DEFAULT_ORIGIN_DISCLOSURE_POLICY.customerNotice, { when: 'immediately' });
  assert.deepEqual(customerNoticeFor(NOW, policy()), { notify: true, at: NOW });
  assert.deepEqual(customerNoticeFor(NOW, policy({ customerNotice: { when: 'delayed', delayHours: 72 } })), {
    notify: true,
    at: new Date(NOW.getTime() + 72 * HOUR),
  });
  assert.deepEqual(customerNoticeFor(NOW, policy({ customerNotice: { when: 'never' } })), { notify: false });
});

test('due customer notices: grouped per zone, only when due, never twice', () => {
  const d = (id: string, zoneId: number, hoursAgo: number, notified = false) => ({
    id,
    zoneId,
    disclosedAt: new Date(NOW.getTime() - hoursAgo * HOUR),
    customerNotifiedAt: notified ? new Date(NOW.getTime() - HOUR) : null,
  });
  const list = [d('a', 1, 50), d('b', 2, 80), d('c', 1, 10), d('d', 1, 100, true), d('e', 3, 1)];
  const now = dueCustomerNotices(list, policy(), NOW);
  assert.deepEqual(
    now.map((g) => [g.zoneId, g.disclosures.map((x) => x.id)]),
    [
      [2, ['b']],
      [1, ['a', 'c']],
      [3, ['e']],
    ],
  );
  const delayed = dueCustomerNotices(list, policy({ customerNotice: { when: 'delayed', delayHours: 48 } }), NOW);
  assert.deepEqual(
    delayed.map((g) => [g.zoneId, g.disclosures.map((x) => x.id)]),
    [
      [2, ['b']],
      [1, ['a']],
    ],
  );
  // Exactly at the delay: due.
  assert.equal(dueCustomerNotices([d('x', 9, 48)], policy({ customerNotice: { when: 'delayed', delayHours: 48 } }), NOW).length, 1);
  assert.deepEqual(dueCustomerNotices(list, policy({ customerNotice: { when: 'never' } }), NOW), []);
});

test('policy configuration: defaults and field errors', () => {
  const ok = parseOriginDisclosurePolicy(undefined);
  assert.ok(ok.ok);
  assert.deepEqual(ok.policy, {
    enabled: true,
    allowCurrent: true,
    requiredTermsVersion: null,
    maxNoticeAgeDays: null,
    customerNotice: { when: 'immediately' },
  });
  const delayed = parseOriginDisclosurePolicy({ customerNotice: { when: 'delayed', delayHours: 24 } });
  assert.ok(delayed.ok && delayed.policy.customerNotice.when === 'delayed');
  const bad = parseOriginDisclosurePolicy({ enabled: 'no', maxNoticeAgeDays: 0, customerNotice: { when: 'delayed' } });
  assert.ok(!bad.ok);
  assert.deepEqual(bad.errors.map((e) => e.field).sort(), ['customerNotice.delayHours', 'enabled', 'maxNoticeAgeDays']);
  const when = parseOriginDisclosurePolicy({ customerNotice: { when: 'sometimes' } });
  assert.ok(!when.ok && /immediately/.test(when.errors[0]!.message));
});
