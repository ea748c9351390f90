// The rules of internal complaints (DSA Art. 20, dsa/domain/complaint.ts) and their mails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  complaintDeadline,
  decisionFor,
  decisionsFromEvents,
  mayComplain,
  mayDecide,
  parseComplaintDecision,
  parseComplaintFiling,
  reversalEvents,
  type ComplaintFacts,
  type Decision,
  type DecisionEventRow,
} from '../../src/dsa/domain/complaint.ts';
import { complaintOutcomeMessage, complaintReceiptMessage } from '../../src/dsa/domain/complaint-messages.ts';
import type { NoticeFacts } from '../../src/domain/messages.ts';
import type { NoticeSubmission } from '../../src/domain/notice.ts';

const at = (iso: string) => new Date(iso);
const STAFF_A = 'principal:aaaaaaaa-0000-4000-8000-000000000001';
const STAFF_B = 'principal:bbbbbbbb-0000-4000-8000-000000000002';
const REPORTER = 'rrrrrrrr-0000-4000-8000-000000000003';

const item = (id: number, position: number, accountId: string | null) => ({ id, position, url: `https://site.example/${position}`, accountId });

const ROWS: DecisionEventRow[] = [
  {
    type: 'notice.takedown_started',
    actor: 'system',
    at: at('2026-01-01T10:00:00Z'),
    data: { step_id: 'receipt-1', items: 1, by: 'policy' },
    after: null,
    item: null,
  },
  { type: 'item.resolved', actor: 'system', at: at('2026-01-01T10:00:00Z'), data: null, after: { state: 'content_disabled' }, item: item(1, 0, 'h1') },
  { type: 'item.resolved', actor: 'system', at: at('2026-01-01T10:00:00Z'), data: null, after: { state: 'pending_review' }, item: item(2, 1, 'h2') },
  { type: 'item.reviewed', actor: STAFF_A, at: at('2026-01-02T10:00:00Z'), data: { decision_id: 'd-1' }, after: { state: 'rejected' }, item: item(2, 1, 'h2') },
  { type: 'notice.reviewed', actor: STAFF_A, at: at('2026-01-02T10:00:00Z'), data: { decision_id: 'd-1', decision: 'reject' }, after: null, item: null },
  // A review that changed nothing is no decision.
  { type: 'notice.reviewed', actor: STAFF_A, at: at('2026-01-03T10:00:00Z'), data: { decision_id: 'd-2', decision: 'disable' }, after: null, item: null },
];

const open = (over: Partial<ComplaintFacts> = {}): ComplaintFacts => ({
  id: 'c-1',
  decisionId: 'd-1',
  decisionActor: STAFF_A,
  party: 'customer',
  accountId: 'h2',
  reporterId: null,
  state: 'open',
  positions: [1, 2, 3],
  decidedAt: null,
  decidedBy: null,
  ...over,
});

test('decisions are read from the log: the restriction by policy at receipt and each staff review that changed something', () => {
  const ds = decisionsFromEvents('n-1', REPORTER, ROWS);
  assert.deepEqual(
    ds.map((d) => [d.id, d.kind, d.actor, d.items.map((i) => i.position)]),
    [
      ['receipt:n-1', 'restriction', 'system', [0]],
      ['d-1', 'rejection', STAFF_A, [1]],
    ],
  );
  assert.equal(decisionFor(ds, { party: 'customer', accountId: 'h1' }, undefined)!.id, 'receipt:n-1', 'the latest that concerns the customer');
  assert.equal(decisionFor(ds, { party: 'notifier', reporterId: REPORTER }, undefined)!.id, 'd-1');
  assert.equal(decisionFor(ds, { party: 'customer', accountId: 'h1' }, 'nope'), null);
});

test('parties: the customer for its own URLs, the notifier for all; anyone else finds no decision', () => {
  const [receipt, rejection] = decisionsFromEvents('n-1', REPORTER, ROWS) as [Decision, Decision];
  const now = at('2026-02-01T00:00:00Z');
  const mine = mayComplain(receipt, { party: 'customer', accountId: 'h1' }, now, []);
  assert.ok(mine.ok && 'items' in mine && mine.items.length === 1);
  const notifier = mayComplain(rejection, { party: 'notifier', reporterId: REPORTER }, now, []);
  assert.ok(notifier.ok && 'items' in notifier);
  for (const who of [
    { party: 'customer', accountId: 'h2' },
    { party: 'notifier', reporterId: 'someone-else' },
  ] as const) {
    const v = mayComplain(receipt, who, now, []);
    assert.ok(!v.ok && v.error === 'not_found', JSON.stringify(who));
  }
});

test('six months from the decision, calendar months in UTC; refused after with the date and the redress left', () => {
  assert.equal(complaintDeadline(at('2026-01-15T10:00:00Z')).toISOString(), '2026-07-15T10:00:00.000Z');
  assert.equal(complaintDeadline(at('2025-08-31T12:00:00Z')).toISOString(), '2026-02-28T12:00:00.000Z', 'the end of a shorter month');
  const [receipt] = decisionsFromEvents('n-1', REPORTER, ROWS) as [Decision];
  const who = { party: 'customer', accountId: 'h1' } as const;
  assert.ok(mayComplain(receipt, who, at('2026-07-01T10:00:00Z'), []).ok, 'the last day');
  const late = mayComplain(receipt, who, at('2026-07-01T10:00:01Z'), []);
  assert.ok(!late.ok && late.error === 'conflict');
  assert.match(late.message, /until 2026-07-01, six months after it was made on 2026-01-01 .*Art\. 21/);
});

test('one complaint per decision and party: an open one is the same filing; a decided one is final', () => {
  const [, rejection] = decisionsFromEvents('n-1', REPORTER, ROWS) as [Decision, Decision];
  const now = at('2026-02-01T00:00:00Z');
  const who = { party: 'customer', accountId: 'h2' } as const;
  const again = mayComplain(rejection, who, now, [open()]);
  assert.ok(again.ok && 'existing' in again && again.existing.id === 'c-1');
  // Another party's open complaint does not stop this one.
  assert.ok(mayComplain(rejection, { party: 'notifier', reporterId: REPORTER }, now, [open()]).ok);
  const decided = mayComplain(rejection, who, now, [open({ state: 'upheld', decidedAt: at('2026-01-20T00:00:00Z'), decidedBy: STAFF_B })]);
  assert.ok(!decided.ok && decided.error === 'conflict');
  assert.match(decided.message, /decided on 2026-01-20 \(upheld\)/);
});

test('the staff member who decided may not decide the complaint; outcomes need reasons; partial reversals name some URLs of the complaint', () => {
  const d = (x: unknown) => {
    const p = parseComplaintDecision(x);
    assert.ok(p.ok, JSON.stringify(p));
    return p.decision;
  };
  const self = mayDecide(open(), STAFF_A, d({ outcome: 'reversed', reason: 'r' }));
  assert.ok(!self.ok && self.error === 'conflict' && /another staff member/.test(self.message));
  assert.deepEqual(mayDecide(open(), STAFF_B, d({ outcome: 'upheld', reason: 'stands' })), { ok: true, reverse: [] });
  assert.deepEqual(mayDecide(open(), STAFF_B, d({ outcome: 'reversed', reason: 'wrong' })), { ok: true, reverse: [1, 2, 3] });
  assert.deepEqual(mayDecide(open(), STAFF_B, d({ outcome: 'partly_reversed', reason: 'some', positions: [3, 1] })), { ok: true, reverse: [1, 3] });
  const all = mayDecide(open(), STAFF_B, d({ outcome: 'partly_reversed', reason: 'x', positions: [1, 2, 3] }));
  assert.ok(!all.ok && all.field === 'positions');
  const foreign = mayDecide(open(), STAFF_B, d({ outcome: 'partly_reversed', reason: 'x', positions: [9] }));
  assert.ok(!foreign.ok && /not URLs of this complaint: 9/.test(foreign.message));
  const decided = open({ state: 'reversed', decidedBy: STAFF_B, decidedAt: at('2026-01-20T00:00:00Z') });
  assert.deepEqual(mayDecide(decided, STAFF_B, d({ outcome: 'reversed', reason: 'again' })), { ok: true, already: true });
  assert.ok(!mayDecide(decided, STAFF_B, d({ outcome: 'upheld', reason: 'other' })).ok);

  const bad = parseComplaintDecision({ outcome: 'maybe', reason: '  ' });
  assert.ok(!bad.ok);
  assert.deepEqual(bad.errors.map((e) => e.field).sort(), ['outcome', 'reason']);
  const noPositions = parseComplaintDecision({ outcome: 'partly_reversed', reason: 'x' });
  assert.ok(!noPositions.ok && noPositions.errors[0]!.field === 'positions');
  const stray = parseComplaintDecision({ outcome: 'upheld', reason: 'x', positions: [1] });
  assert.ok(!stray.ok && stray.errors[0]!.field === 'positions');
  const filing = parseComplaintFiling({ text: 'x'.repeat(5001) });
  assert.ok(!filing.ok && filing.errors[0]!.field === 'text');
  assert.ok(parseComplaintFiling({ text: ' Wrong. ' }).ok);
});

test('a reversal: a takedown is restored; a rejection is turned into a takedown, only where the kind allows disabling', () => {
  assert.deepEqual(reversalEvents('restriction', 'whois', 'c-1'), { ok: true, events: [{ type: 'reverse_decision', complaintId: 'c-1' }] });
  assert.deepEqual(reversalEvents('rejection', 'phishing', 'c-1'), {
    ok: true,
    events: [{ type: 'reverse_decision', complaintId: 'c-1' }, { type: 'notify_customer' }],
  });
  const whois = reversalEvents('rejection', 'whois', 'c-1');
  assert.ok(!whois.ok && /disabling the content is not an action/.test(whois.reason));
});

test('mails: the receipt to the complainant; the outcome with its reasons and the redress left; the customer never learns who reported', () => {
  const submission = { kind: 'csam', regime: 'dsa', claimant: { name: 'Hotline Analyst', email: 'analyst@hotline.test' } } as unknown as NoticeSubmission;
  const notice: NoticeFacts = { id: 'n-1', createdAt: at('2026-01-01T00:00:00Z'), submission, statusUrl: null, trustedFlagger: false };
  const c = {
    id: 'c-1',
    party: 'notifier' as const,
    decisionKind: 'rejection' as const,
    decisionAt: at('2026-01-02T00:00:00Z'),
    text: 'Please look again.',
    urls: ['https://site.example/1'],
  };
  const receipt = complaintReceiptMessage('Desk', notice, c, { role: 'notifier', email: 'analyst@hotline.test', name: 'Hotline Analyst' }, null);
  assert.equal(receipt.recipientRole, 'reporter');
  assert.match(receipt.body, /Please look again\.[\s\S]*did not take the decision/);
  const out = complaintOutcomeMessage(
    'Desk',
    notice,
    c,
    { outcome: 'reversed', reason: 'The images are what the report says.', decidedAt: at('2026-01-10T00:00:00Z') },
    { role: 'customer', email: 'one@hosted.test', name: 'Hosted One', accountId: 'h1' },
    c.urls,
    c.urls,
  );
  assert.equal(out.recipientRole, 'owner');
  assert.match(out.body, /a complaint by the reporter/);
  assert.match(out.body, /access to the content is disabled/);
  assert.match(out.body, /The images are what the report says\./);
  assert.match(out.body, /Art\. 21[\s\S]*courts/);
  assert.doesNotMatch(out.body, /Art\. 20\): reply to this message/, 'the complaint itself is no longer offered');
  assert.ok(!out.body.includes('Hotline Analyst') && !out.body.includes('analyst@hotline.test'));
  assert.notEqual(
    out.dedupeKey,
    complaintOutcomeMessage(
      'Desk',
      notice,
      c,
      { outcome: 'reversed', reason: 'r', decidedAt: at('2026-01-10T00:00:00Z') },
      { role: 'notifier', email: 'a@b.test', name: null },
      [],
      [],
    ).dedupeKey,
  );
});
