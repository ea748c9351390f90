import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  EVENTS_FOR_ROLE,
  itemStateChange,
  itemStateChangedPayload,
  noticeProcessedPayload,
  noticeReceivedPayload,
  parseWebhookEvents,
  webhookAudience,
  webhookDedupeKey,
  webhookPayloadId,
  WEBHOOK_EVENTS,
} from '../../src/domain/webhook-events.ts';

test('events: a reporter may have every event, a customer the two about its items, staff none', () => {
  assert.deepEqual(parseWebhookEvents('reporter', ['notice.received', 'item.state_changed', 'notice.received']), {
    ok: true,
    events: ['notice.received', 'item.state_changed'],
  });
  assert.deepEqual(parseWebhookEvents('reporter', [...WEBHOOK_EVENTS]), { ok: true, events: [...WEBHOOK_EVENTS] });
  assert.deepEqual(parseWebhookEvents('customer', ['item.state_changed', 'notice.processed']), {
    ok: true,
    events: ['item.state_changed', 'notice.processed'],
  });
  assert.deepEqual(EVENTS_FOR_ROLE.staff, []);
  const staff = parseWebhookEvents('staff', ['notice.processed']);
  assert.equal(staff.ok, false);
});

test('events omitted: a reporter gets origin.changed as the first version did; a customer must name them', () => {
  assert.deepEqual(parseWebhookEvents('reporter', undefined), { ok: true, events: ['origin.changed'] });
  const c = parseWebhookEvents('customer', undefined);
  assert.ok(!c.ok);
  assert.equal(c.error.field, 'events');
  assert.match(c.error.message, /^events is required: a list of one or more of notice\.processed, item\.state_changed$/);
});

test('events: each problem named, on the field events', () => {
  const cases: [Parameters<typeof parseWebhookEvents>[0], unknown, RegExp][] = [
    ['reporter', [], /non-empty list/],
    ['reporter', 'notice.received', /non-empty list/],
    ['reporter', ['notice.recieved'], /"notice\.recieved" is not a webhook event; the events are notice\.received, /],
    ['reporter', [42], /42 is not a webhook event/],
    ['customer', ['origin.changed'], /origin\.changed is not available to the customer role; yours are notice\.processed, item\.state_changed/],
    ['customer', ['notice.received'], /notice\.received is for the reporter who filed the notice; customers hear of a notice .* with notice\.processed/],
  ];
  for (const [role, input, want] of cases) {
    const r = parseWebhookEvents(role, input);
    assert.ok(!r.ok, JSON.stringify(input));
    assert.equal(r.error.field, 'events');
    assert.match(r.error.message, want);
  }
});

test('audience: the reporter of its own notice, the customer of its own item — nobody else', () => {
  const subject = { reporterId: 'r1', accountId: 'acc1' };
  assert.equal(webhookAudience({ id: 'r1', role: 'reporter', accountId: null }, subject), 'reporter');
  assert.equal(webhookAudience({ id: 'r2', role: 'reporter', accountId: null }, subject), null, 'another reporter');
  assert.equal(webhookAudience({ id: 'c1', role: 'customer', accountId: 'acc1' }, subject), 'customer');
  assert.equal(webhookAudience({ id: 'c2', role: 'customer', accountId: 'acc2' }, subject), null, 'another account');
  assert.equal(webhookAudience({ id: 'c3', role: 'customer', accountId: null }, { reporterId: 'r1', accountId: null }), null, 'no account is nobody’s');
  assert.equal(webhookAudience({ id: 'r1', role: 'customer', accountId: 'acc9' }, subject), null, 'a customer is never the reporter');
  assert.equal(webhookAudience({ id: 'r1', role: 'staff', accountId: 'acc1' }, subject), null, 'staff');
  assert.equal(webhookAudience({ id: 'c1', role: 'customer', accountId: 'acc1' }, { reporterId: 'r1', accountId: null }), null, 'the notice as a whole');
});

test('item state change: from the logged before/after, only when the state moved', () => {
  assert.deepEqual(itemStateChange({ state: 'pending_review' }, { state: 'content_disabled', reason: null }), {
    from: 'pending_review',
    to: 'content_disabled',
    reason: null,
  });
  assert.deepEqual(itemStateChange({ state: 'pending_review' }, { state: 'rejected', reason: 'not_infringing' }), {
    from: 'pending_review',
    to: 'rejected',
    reason: 'not_infringing',
  });
  assert.deepEqual(itemStateChange({ state: 'forwarded' }, { state: 'restored' }), { from: 'forwarded', to: 'restored', reason: undefined });
  assert.equal(itemStateChange({ state: 'content_disabled', lifecycle: 'a' }, { state: 'content_disabled', lifecycle: 'b' }), null, 'a lifecycle step only');
  assert.equal(itemStateChange(null, { state: 'x' }), null);
  assert.equal(itemStateChange({ state: 'x' }, 'nonsense'), null);
});

test('payloads: the customer is not told the channel; counts sum to items; the receiver id is stable', () => {
  const n = { id: 'n1', kind: 'copyright', regime: 'dmca', channel: 'api', receivedAt: new Date('2026-01-01T00:00:00Z') };
  const at = new Date('2026-01-01T00:00:05Z');
  const rep = noticeProcessedPayload('evt_1', 'reporter', n, at, { pending_review: 1, forwarded: 2, invalid: 1 });
  assert.deepEqual(rep, {
    type: 'notice.processed',
    id: 'evt_1',
    notice: { id: 'n1', kind: 'copyright', regime: 'dmca', received_at: '2026-01-01T00:00:00.000Z', processed_at: '2026-01-01T00:00:05.000Z', channel: 'api' },
    counts: { forwarded: 2, invalid: 1, pending_review: 1 },
    items: 4,
  });
  const cust = noticeProcessedPayload('evt_1', 'customer', n, at, { forwarded: 2 });
  assert.ok(!('channel' in cust.notice));
  assert.equal(cust.items, 2);
  assert.deepEqual(noticeReceivedPayload('evt_2', n, { items: 3, invalid: 1 }).notice, {
    id: 'n1',
    kind: 'copyright',
    regime: 'dmca',
    channel: 'api',
    received_at: '2026-01-01T00:00:00.000Z',
  });
  assert.deepEqual(
    itemStateChangedPayload(
      'evt_3',
      { noticeId: 'n1', position: 2, url: 'https://a.example/x', zone: 'a.example' },
      { from: 'pending_review', to: 'rejected', reason: 'x' },
      at,
    ),
    {
      type: 'item.state_changed',
      id: 'evt_3',
      notice_id: 'n1',
      item: { position: 2, url: 'https://a.example/x', zone: 'a.example' },
      from: 'pending_review',
      to: 'rejected',
      reason: 'x',
      changed_at: '2026-01-01T00:00:05.000Z',
    },
  );
  assert.equal(webhookPayloadId(17, '0b6e3c2a-4f1d-4a8e-9c3b-2d7e5f6a1b2c'), 'evt_17_0b6e3c2a');
  assert.equal(webhookDedupeKey('item.state_changed', 17, 'w1'), 'item.state_changed:17:w1');
  assert.equal(webhookDedupeKey('origin.changed', 17, 'w1'), 'origin.changed:17:w1', 'the key origin changes were queued under before');
});
