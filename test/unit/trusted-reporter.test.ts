import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decisionAllowed,
  isPublicAddress,
  parseApproval,
  parseReason,
  trustedStatusOf,
  verifyWebhookSignature,
  webhookBackoffSeconds,
  webhookSignature,
  webhookTargetAddresses,
  webhookUrlProblem,
  TrustedApplicationSchema,
  TRUSTED_REPORTER_TERMS,
  type TrustedRow,
} from '../../src/domain/trusted-reporter.ts';

const NOW = new Date('2026-11-23T12:00:00Z');

test('webhook targets: https to public hosts only; http and private addresses only with the loopback flag, and then only loopback for http', () => {
  assert.equal(webhookUrlProblem('https://hooks.example.com/safeharbor', false), null);
  assert.match(webhookUrlProblem('http://hooks.example.com/x', false)!, /https/);
  assert.match(webhookUrlProblem('ftp://hooks.example.com/x', false)!, /https/);
  assert.match(webhookUrlProblem('not a url', false)!, /absolute/);
  assert.match(webhookUrlProblem('https://user:pw@hooks.example.com/', false)!, /password/);
  for (const inward of [
    'https://127.0.0.1/x',
    'https://10.1.2.3/x',
    'https://192.168.0.1/x',
    'https://169.254.169.254/latest',
    'https://[::1]/x',
    'https://100.64.0.1/',
    'https://[::ffff:10.0.0.1]/',
  ]) {
    assert.match(webhookUrlProblem(inward, false)!, /private|loopback|reserved/, inward);
  }
  assert.match(webhookUrlProblem('https://localhost/x', false)!, /public host/);
  assert.match(webhookUrlProblem('https://intranet/x', false)!, /public host/);
  assert.equal(webhookUrlProblem('http://127.0.0.1:8080/hook', true), null);
  assert.equal(webhookUrlProblem('http://localhost:8080/hook', true), null);
  assert.match(webhookUrlProblem('http://hooks.example.com/x', true)!, /https/, 'the flag allows plain http to loopback only');
});

test('webhook target addresses: decided once from one resolution; one inward answer refuses them all; literals are their own answer', () => {
  // Public answers are kept, normalised and deduplicated, with their family: the connection goes to these.
  assert.deepEqual(webhookTargetAddresses('hooks.example.com', ['8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8'], false), {
    ok: true,
    addresses: [
      { address: '8.8.8.8', family: 4 },
      { address: '2606:4700:4700::1111', family: 6 },
    ],
  });
  // A rebinding answer mixes a public address with an inward one: nothing is connected to.
  for (const inward of ['127.0.0.1', '10.0.0.5', '169.254.169.254', '::1', '::ffff:127.0.0.1', 'fd00::1', '0.0.0.0', '100.64.0.1', '192.0.2.1']) {
    const r = webhookTargetAddresses('hooks.example.com', ['8.8.8.8', inward], false);
    assert.deepEqual(r, { ok: false, problem: 'the host hooks.example.com resolves to a non-public address' }, inward);
  }
  assert.deepEqual(webhookTargetAddresses('hooks.example.com', [], false), { ok: false, problem: 'the host hooks.example.com does not resolve' });
  assert.equal(webhookTargetAddresses('hooks.example.com', ['not-an-ip'], true).ok, false);
  // An IP literal is not resolved: what the resolver says does not matter.
  assert.deepEqual(webhookTargetAddresses('8.8.4.4', ['127.0.0.1'], false), { ok: true, addresses: [{ address: '8.8.4.4', family: 4 }] });
  assert.deepEqual(webhookTargetAddresses('[::1]', [], false), { ok: false, problem: 'the host ::1 resolves to a non-public address' });
  // Local testing: loopback and private answers pass, still only what was resolved.
  assert.deepEqual(webhookTargetAddresses('localhost', ['127.0.0.1', '::1'], true), {
    ok: true,
    addresses: [
      { address: '127.0.0.1', family: 4 },
      { address: '::1', family: 6 },
    ],
  });
  assert.deepEqual(webhookTargetAddresses('[::1]', [], true), { ok: true, addresses: [{ address: '::1', family: 6 }] });
});

test('public addresses', () => {
  assert.ok(isPublicAddress('203.0.113.7') === false, 'documentation range is reserved');
  assert.ok(isPublicAddress('8.8.8.8'));
  assert.ok(isPublicAddress('2606:4700:4700::1111'));
  assert.ok(!isPublicAddress('fc00::1'));
  assert.ok(!isPublicAddress('0.0.0.0'));
  assert.ok(!isPublicAddress('nonsense'));
});

test('signatures cover timestamp and body; stale or altered deliveries fail', () => {
  const ts = Math.floor(NOW.getTime() / 1000);
  const sig = webhookSignature('whsec_k', ts, '{"a":1}');
  assert.match(sig, /^v1=[0-9a-f]{64}$/);
  assert.ok(verifyWebhookSignature('whsec_k', String(ts), '{"a":1}', sig, NOW));
  assert.ok(!verifyWebhookSignature('whsec_k', String(ts), '{"a":2}', sig, NOW));
  assert.ok(!verifyWebhookSignature('whsec_k', String(ts + 1), '{"a":1}', sig, NOW));
  assert.ok(!verifyWebhookSignature('whsec_other', String(ts), '{"a":1}', sig, NOW));
  assert.ok(!verifyWebhookSignature('whsec_k', String(ts), '{"a":1}', sig, new Date(NOW.getTime() + 301_000)), 'too old');
});

test('backoff doubles from 30 s up to 6 h', () => {
  assert.deepEqual([1, 2, 3, 4].map(webhookBackoffSeconds), [30, 60, 120, 240]);
  assert.equal(webhookBackoffSeconds(30), 6 * 3600);
});

test('an application needs every field, accepted terms of the current version; all problems at once', () => {
  const r = TrustedApplicationSchema.safeParse({ organisation: ' ', contact: 'x'.repeat(501), accept_terms: 'yes', terms_version: 'old' });
  assert.ok(!r.success);
  const fields = new Set(r.error.issues.map((i) => i.path.join('.')));
  assert.deepEqual([...fields].sort(), ['accept_terms', 'contact', 'organisation', 'purpose', 'terms_version']);
  assert.ok(
    TrustedApplicationSchema.safeParse({ organisation: 'A', purpose: 'B', contact: 'C', accept_terms: true, terms_version: TRUSTED_REPORTER_TERMS.version })
      .success,
  );
});

test('approval: known scopes, an end in the future; reasons required', () => {
  const ok = parseApproval({ expires_at: '2027-01-01T00:00:00Z' }, NOW);
  assert.ok(ok.ok && ok.scopes.join() === 'origin:read' && ok.expiresAt?.toISOString() === '2027-01-01T00:00:00.000Z');
  const bad = parseApproval({ scopes: ['admin'], expires_at: 'soon' }, NOW);
  assert.ok(!bad.ok);
  assert.deepEqual(bad.errors.map((e) => e.field).sort(), ['expires_at', 'scopes[0]']);
  const past = parseApproval({ expires_at: '2026-01-01T00:00:00Z' }, NOW);
  assert.ok(!past.ok && past.errors[0]!.field === 'expires_at');
  assert.ok(!parseReason({}).ok);
  assert.ok(parseReason({ reason: 'Published addresses' }).ok);
});

test('the stored application as the policy sees it; decisions by state', () => {
  const row: TrustedRow = {
    status: 'active',
    applied_at: NOW,
    approved_at: NOW,
    expires_at: null,
    terms_version: 'v1',
    terms_accepted_at: NOW,
    ended_at: null,
    decision_reason: null,
  };
  assert.deepEqual(trustedStatusOf(row), { status: 'active', approvedAt: NOW, termsVersion: 'v1', termsAcceptedAt: NOW, expiresAt: null });
  assert.equal(trustedStatusOf({ ...row, status: 'rejected', ended_at: NOW, decision_reason: 'no' }), null);
  assert.deepEqual(trustedStatusOf({ ...row, status: 'revoked', ended_at: NOW, decision_reason: 'leak' }), {
    status: 'revoked',
    revokedAt: NOW,
    reason: 'leak',
  });
  assert.equal(trustedStatusOf(null), null);
  assert.ok(decisionAllowed('applied', 'approve') && decisionAllowed('applied', 'reject') && decisionAllowed('active', 'revoke'));
  assert.ok(!decisionAllowed('revoked', 'approve') && !decisionAllowed('rejected', 'approve') && !decisionAllowed('active', 'reject'));
});
