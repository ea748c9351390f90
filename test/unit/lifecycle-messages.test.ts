import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lifecycleMessage, counterNoticeText } from '../../src/domain/lifecycle-messages.ts';
import { validateCounterNotice } from '../../src/domain/counter-notice.ts';
import { counterNoticeFromReading } from '../../src/intake/reading-to-counter-notice.ts';
import type { NoticeFacts } from '../../src/domain/messages.ts';
import type { DmcaSubmission } from '../../src/domain/notice.ts';

const notice: NoticeFacts = {
  id: '11111111-2222-4333-8444-555555555555',
  createdAt: new Date('2026-03-02T12:00:00Z'),
  statusUrl: 'https://desk.test/status/abc',
  trustedFlagger: false,
  submission: {
    kind: 'copyright',
    regime: 'dmca',
    notify: { owner: 'send', host: 'send' },
    claimant: { name: 'Jane Doe', email: 'jane@rights.test', address: '1 Studio Way', country: 'US' },
    work: { description: 'A film' },
  } as unknown as DmcaSubmission,
};
const cn = validateCounterNotice(
  {
    material: { urls: ['https://site.example/a'] },
    statements: { good_faith_mistake: true, consent_to_jurisdiction: true, accept_service_of_process: true },
    subscriber: { name: 'Olive Owner', address: '9 Elm St', country: 'DE', phone: '+49 30 1234567' },
    signature: 'Olive Owner',
  },
  { urls: ['https://site.example/a'] },
);
assert.ok(cn.ok);
const ctx = {
  provider: 'Desk',
  notice,
  stepId: 'step-1',
  timeZone: 'America/New_York',
  portalUrl: 'https://desk.test/portal/notices/x',
  replyAddress: null,
  counterNotice: { id: 'cn-1', receivedAt: new Date('2026-03-02T15:00:00Z'), body: cn.counterNotice },
};

test("the complainant's copy carries the whole counter notice and the restore day in the calendar's zone", () => {
  const m = lifecycleMessage(
    { kind: 'counter_notice_copy', counterNoticeId: 'cn-1', restoreAt: new Date('2026-03-17T04:00:00Z') },
    { role: 'complainant' },
    ['https://site.example/a'],
    ctx,
  )!;
  assert.equal(m.to, 'jane@rights.test');
  assert.equal(m.recipientRole, 'reporter');
  assert.match(m.body, /We will restore access on 2026-03-17/);
  for (const want of [
    'Olive Owner',
    '9 Elm St',
    '+49 30 1234567',
    'https://site.example/a',
    'any judicial district of the United States in which Desk may be found',
  ])
    assert.ok(m.body.includes(want), want);
});

test('one dedupe key per step, message and recipient; messages other modules write are null', () => {
  const customer = { role: 'customer' as const, customer: { id: 'h1', name: 'Olive', email: 'o@site.test' } };
  const a = lifecycleMessage({ kind: 'restored', cause: 'retraction' }, customer, ['u'], ctx)!;
  const b = lifecycleMessage({ kind: 'restored', cause: 'retraction' }, customer, ['u'], ctx)!;
  assert.equal(a.dedupeKey, b.dedupeKey);
  assert.notEqual(a.dedupeKey, lifecycleMessage({ kind: 'restored', cause: 'counter_notice' }, { role: 'complainant' }, ['u'], ctx)!.dedupeKey);
  assert.match(a.body, /no longer counts against your account/);
  assert.equal(lifecycleMessage({ kind: 'takedown_notice' }, customer, ['u'], ctx), null);
  assert.equal(lifecycleMessage({ kind: 'content_disabled' }, { role: 'complainant' }, ['u'], ctx), null);
});

test('counterNoticeText lists the optional parts only when given', () => {
  const t = counterNoticeText(cn.counterNotice, 'Desk');
  assert.ok(!t.includes('Company:'));
  assert.ok(!t.includes('Explanation:'));
});

test('a reading without the statements or the country fails validation by field, not silently', () => {
  const body = counterNoticeFromReading(
    {
      kind: 'counter_notice',
      infringing_urls: ['https://site.example/a'],
      original_urls: [],
      claimant: { name: 'Sam Owner', email: null, company: null, address: '9 Lane', phone: '+1 555 0199', country: null },
      elements: { signature: true, mistake_statement: false, consent_to_jurisdiction: true },
      missing: ['mistake_statement'],
      work: null,
      other_urls: [],
      acns: null,
      warnings: [],
    },
    'sam@site.test',
  );
  const v = validateCounterNotice(body, { urls: ['https://site.example/a'] });
  assert.ok(!v.ok);
  assert.deepEqual(v.errors.map((e) => e.field).sort(), ['statements.good_faith_mistake', 'subscriber.country']);
  assert.equal((body.subscriber as { email: string }).email, 'sam@site.test', 'the sender stands in for a missing e-mail');
});
