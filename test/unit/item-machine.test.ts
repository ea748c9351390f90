// The one state machine of an item (domain/takedown-lifecycle.ts) as a whole: total over every
// state and event, projected onto the public item states, receipt under both takedown policies,
// and the one writer of notice_items.state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { US_FEDERAL_CALENDAR } from '../../src/domain/business-days.ts';
import { ITEM_STATES } from '../../src/domain/item-state.ts';
import {
  coarseState,
  receiptEvents,
  receiveItem,
  transition,
  DEFAULT_LIFECYCLE_POLICY,
  LIFECYCLE_KINDS,
  type LifecycleContext,
  type LifecycleEvent,
  type LifecyclePolicy,
  type LifecycleState,
} from '../../src/domain/takedown-lifecycle.ts';

const DAY = 86_400_000;
const T0 = new Date('2026-01-05T15:00:00Z').getTime();
const ctx = (t: number, policy: Partial<LifecyclePolicy> = {}): LifecycleContext => ({
  now: new Date(t),
  calendar: US_FEDERAL_CALENDAR,
  policy: { ...DEFAULT_LIFECYCLE_POLICY, automaticTakedown: true, ...policy },
});

const EVENTS: LifecycleEvent[] = [
  { type: 'resolve', resolution: { to: 'not_on_network', reason: 'not ours' } },
  { type: 'resolve', resolution: { to: 'forwarded' } },
  { type: 'resolve', resolution: { to: 'hosted', reason: 'under review' } },
  { type: 'disable', by: 'staff' },
  { type: 'disable', by: 'policy' },
  { type: 'reject', reason: 'not infringing' },
  { type: 'notify_customer' },
  { type: 'receive_counter_notice', counterNoticeId: 'cn-a' },
  { type: 'forward_counter_notice' },
  { type: 'court_action_filed', reference: 'case 1' },
  { type: 'restore' },
  { type: 'retract' },
  { type: 'close' },
  { type: 'tick' },
  { type: 'reverse_decision', complaintId: 'complaint-1' },
];
const EVENT_TYPES = [
  'resolve',
  'disable',
  'reject',
  'notify_customer',
  'receive_counter_notice',
  'forward_counter_notice',
  'court_action_filed',
  'restore',
  'retract',
  'close',
  'tick',
  'reverse_decision',
] as const satisfies readonly LifecycleEvent['type'][];

/** One state of every kind (and more), reached from receipt by the events above. */
function reachable(): LifecycleState[] {
  const out: LifecycleState[] = [];
  const seen = new Set<string>();
  let frontier: LifecycleState[] = [receiveItem(new Date(T0)), receiveItem(new Date(T0), 'not a web address')];
  for (let depth = 1; depth <= 8 && frontier.length; depth++) {
    const next: LifecycleState[] = [];
    for (const s of frontier) {
      out.push(s);
      for (const ev of EVENTS) {
        const r = transition(s, ev, ctx(T0 + depth * 16 * DAY));
        if (r.ok && r.changed && !seen.has(JSON.stringify(r.state))) {
          seen.add(JSON.stringify(r.state));
          next.push(r.state);
        }
      }
    }
    frontier = next;
  }
  return out;
}

test('total: every state × every event is answered — a new state with effects, no change with a note, or a refusal with a code and a sentence', () => {
  const states = reachable();
  assert.deepEqual([...new Set(states.map((s) => s.kind))].sort(), [...LIFECYCLE_KINDS].sort(), 'every kind is covered');
  assert.deepEqual([...new Set(EVENTS.map((e) => e.type))].sort(), [...EVENT_TYPES].sort(), 'every event type is covered');
  let answers = 0;
  for (const s of states) {
    for (const ev of EVENTS) {
      const r = transition(s, ev, ctx(T0 + 200 * DAY));
      answers++;
      if (!r.ok) {
        assert.ok(r.error.code.length > 0, `${s.kind} + ${ev.type}: a code`);
        assert.ok(r.error.message.length > 10, `${s.kind} + ${ev.type}: a sentence (${r.error.message})`);
        assert.equal(r.error.event, ev.type);
      } else if (!r.changed) {
        assert.equal(r.state, s, `${s.kind} + ${ev.type}: no change keeps the very state`);
        assert.ok(r.note.length > 5, `${s.kind} + ${ev.type}: a note`);
        assert.deepEqual(r.effects, []);
      } else {
        assert.notDeepEqual(r.state, s, `${s.kind} + ${ev.type}: a change changes the state`);
      }
    }
  }
  assert.ok(answers > 500, `${answers} answers`);
});

test('projection: every machine state projects onto one public item state, and every public state is reached', () => {
  const projected = new Set(reachable().map((s) => coarseState(s)));
  for (const p of projected) assert.ok((ITEM_STATES as readonly string[]).includes(p), p);
  assert.deepEqual([...projected].sort(), [...ITEM_STATES].sort());
});

test('receipt: hosted content waits for staff unless automatic takedown is on; then it is disabled by policy and the customer told', () => {
  const hosted = { to: 'hosted', reason: 'under review' } as const;
  const run = (policy: Partial<LifecyclePolicy>, res: Parameters<typeof receiptEvents>[0]) => {
    let s: LifecycleState = receiveItem(new Date(T0));
    const effects: string[] = [];
    for (const ev of receiptEvents(res, { ...DEFAULT_LIFECYCLE_POLICY, ...policy })) {
      const r = transition(s, ev, ctx(T0 + DAY, policy));
      assert.ok(r.ok && r.changed, `${s.kind} + ${ev.type}`);
      s = r.state;
      effects.push(...r.effects.map((e) => (e.type === 'message' ? `${e.to}:${e.message.kind}` : e.type)));
    }
    return { s, effects };
  };
  const off = run({ automaticTakedown: false }, hosted);
  assert.equal(off.s.kind, 'reported');
  assert.equal(coarseState(off.s), 'pending_review');
  assert.deepEqual(off.effects, []);
  const on = run({ automaticTakedown: true }, hosted);
  assert.equal(on.s.kind, 'customer_notified');
  assert.ok(on.s.kind === 'customer_notified' && on.s.takedown.disabledBy === 'policy');
  assert.equal(coarseState(on.s), 'content_disabled');
  assert.deepEqual(on.effects, ['strike', 'complainant:content_disabled', 'customer:takedown_notice']);
  // Proxied and foreign URLs are the same under either policy.
  for (const policy of [{ automaticTakedown: true }, { automaticTakedown: false }]) {
    assert.equal(run(policy, { to: 'forwarded' }).s.kind, 'forwarded');
    assert.equal(run(policy, { to: 'not_on_network', reason: 'x' }).s.kind, 'not_on_network');
  }
  // Disabling by policy is refused when the policy is off (staff must review).
  const r = transition(off.s, { type: 'disable', by: 'policy' }, ctx(T0 + DAY, { automaticTakedown: false }));
  assert.ok(!r.ok && r.error.code === 'forbidden_by_policy');
});

test('one writer: only services/item-steps.ts writes notice_items.state (filing inserts the first state it computes)', () => {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(ts|tsx)$/.test(f)) files.push(p);
    }
  };
  walk('src');
  const writers = new Set<string>();
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(/UPDATE\s+notice_items\b[\s\S]{0,200}?\bSET\b([\s\S]{0,400})/gi)) {
      if (/(^|[\s,])state\s*=/.test(m[1]!)) writers.add(f);
    }
    for (const m of text.matchAll(/updateTable\(\s*'notice_items'\s*\)([\s\S]{0,200})/g)) {
      if (/\bstate\s*:/.test(m[1]!)) writers.add(f);
    }
    if (/INSERT\s+INTO\s+notice_items\b/i.test(text) || /insertInto\(\s*'notice_items'\s*\)/.test(text)) writers.add(`${f} (insert)`);
  }
  assert.deepEqual([...writers].sort(), ['src/services/item-steps.ts', 'src/services/notice-filing.ts (insert)']);
  assert.match(readFileSync('src/services/notice-filing.ts', 'utf8'), /filedItemState/);
});
