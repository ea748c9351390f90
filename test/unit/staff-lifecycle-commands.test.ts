import { test } from 'node:test';
import assert from 'node:assert/strict';
import { US_FEDERAL_CALENDAR } from '../../src/domain/business-days.ts';
import {
  coarseState,
  startLifecycle,
  transition,
  DEFAULT_LIFECYCLE_POLICY,
  type LifecycleContext,
  type LifecycleEvent,
  type LifecyclePolicy,
  type LifecycleState,
} from '../../src/domain/takedown-lifecycle.ts';
import {
  LIFECYCLE_STEPS,
  STAFF_LIFECYCLE_COMMANDS,
  STAFF_REASON_MAX,
  parseStaffLifecycleRequest,
  staffCommands,
} from '../../src/domain/staff-lifecycle-commands.ts';

const ctx = (now: string, policy: Partial<LifecyclePolicy> = {}): LifecycleContext => ({
  now: new Date(now),
  calendar: US_FEDERAL_CALENDAR,
  policy: { ...DEFAULT_LIFECYCLE_POLICY, ...policy },
});
const run = (s: LifecycleState, events: readonly LifecycleEvent[], c: LifecycleContext): LifecycleState => {
  for (const ev of events) {
    const r = transition(s, ev, c);
    assert.ok(r.ok, `${s.kind} + ${ev.type}: ${!r.ok ? r.error.message : ''}`);
    s = r.state;
  }
  return s;
};
// As in takedown-lifecycle.test.ts: counter notice on Wed 2026-02-25; the window opens 2026-03-12T04:00Z.
const notified = () =>
  run(startLifecycle(new Date('2026-02-23T15:00:00Z')), [{ type: 'disable', by: 'staff' }, { type: 'notify_customer' }], ctx('2026-02-23T16:00:00Z'));
const forwarded = (policy: Partial<LifecyclePolicy> = {}) =>
  run(notified(), [{ type: 'receive_counter_notice', counterNoticeId: 'cn-1' }, { type: 'forward_counter_notice' }], ctx('2026-02-25T15:00:00Z', policy));
const EARLIEST = '2026-03-12T04:00:00.000Z';

test('staff commands: the machine’s available commands that are staff’s to give by hand', () => {
  assert.deepEqual(
    staffCommands(startLifecycle(new Date('2026-02-23T15:00:00Z')), ctx('2026-02-23T16:00:00Z')),
    ['retract'],
    'disable and reject are the review decision',
  );
  const disabled = run(startLifecycle(new Date('2026-02-23T15:00:00Z')), [{ type: 'disable', by: 'staff' }], ctx('2026-02-23T16:00:00Z'));
  assert.deepEqual(staffCommands(disabled, ctx('2026-02-23T16:00:00Z')), ['notify_customer', 'retract']);
  assert.deepEqual(staffCommands(notified(), ctx('2026-02-24T00:00:00Z')), ['retract', 'close']);
  assert.deepEqual(
    staffCommands(forwarded(), ctx('2026-03-01T00:00:00Z')),
    ['retract'],
    'no restore before the window opens; no counter notice or court action by hand',
  );
  assert.deepEqual(staffCommands(forwarded(), ctx(EARLIEST)), ['restore', 'retract']);
  assert.deepEqual(
    staffCommands(forwarded({ automaticRestore: false }), ctx('2026-06-01T00:00:00Z', { automaticRestore: false })),
    ['restore', 'retract'],
    'with automatic restore off, staff restore',
  );
  const restored = run(forwarded(), LIFECYCLE_STEPS.restore, ctx(EARLIEST));
  assert.equal(restored.kind, 'closed');
  assert.deepEqual(staffCommands(restored, ctx(EARLIEST)), [], 'restored and closed: nothing left to do');
});

test('a staff restore runs the very effects of the background restore, and closes the case as it does', () => {
  const c = ctx('2026-03-20T00:00:00Z');
  const byStaff = transition(forwarded(), LIFECYCLE_STEPS.restore[0], c);
  const bySchedule = transition(forwarded(), LIFECYCLE_STEPS.tick[0], c);
  assert.ok(byStaff.ok && byStaff.changed && bySchedule.ok && bySchedule.changed);
  const messages = (r: typeof byStaff) => (r.ok ? r.effects.filter((e) => e.type === 'message') : []);
  assert.deepEqual(messages(byStaff), messages(bySchedule), 'both parties told the same');
  assert.deepEqual(
    byStaff.effects.filter((e) => e.type !== 'cancel_tick'),
    bySchedule.effects,
    'the same strike change and messages',
  );
  assert.equal(coarseState(byStaff.state), 'restored', 'off the edge blocklist: it follows the projection');
  assert.deepEqual(
    LIFECYCLE_STEPS.restore.map((e) => e.type),
    ['restore', 'close'],
  );
  assert.deepEqual(
    LIFECYCLE_STEPS.tick.map((e) => e.type),
    ['tick', 'close'],
  );
  // Too early: refused with the date it may happen.
  const early = transition(forwarded(), LIFECYCLE_STEPS.restore[0], ctx('2026-03-01T00:00:00Z'));
  assert.ok(!early.ok && early.error.code === 'too_early');
  assert.match(early.error.message, /may be restored from 2026-03-12/);
});

test('the request: positions, command and reason checked together, every problem by field', () => {
  const ok = parseStaffLifecycleRequest({ positions: [3, 1, 3], command: 'restore', reason: '  Window passed, no court action  ' }, 100);
  assert.deepEqual(ok, { ok: true, request: { positions: [1, 3], command: 'restore', reason: 'Window passed, no court action' } });
  for (const c of STAFF_LIFECYCLE_COMMANDS) assert.ok(parseStaffLifecycleRequest({ positions: [0], command: c, reason: 'x' }, 1).ok, c);

  const fields = (input: unknown, max = 100) => {
    const r = parseStaffLifecycleRequest(input, max);
    assert.ok(!r.ok);
    return r.errors.map((e) => e.field);
  };
  assert.deepEqual(fields({}), ['positions', 'command', 'reason']);
  assert.deepEqual(fields(null), ['positions', 'command', 'reason']);
  assert.deepEqual(fields([1, 2]), ['positions', 'command', 'reason']);
  assert.deepEqual(fields({ positions: [], command: 'restore', reason: 'x' }), ['positions']);
  assert.deepEqual(fields({ positions: [0, -1, 1.5, '2'], command: 'restore', reason: 'x' }), ['positions[1]', 'positions[2]', 'positions[3]']);
  assert.deepEqual(fields({ positions: [0, 1, 2], command: 'restore', reason: 'x' }, 2), ['positions']);
  assert.deepEqual(fields({ positions: [0], command: 'disable', reason: 'x' }), ['command'], 'the review decision is not a lifecycle command');
  assert.deepEqual(fields({ positions: [0], command: 'tick', reason: 'x' }), ['command']);
  assert.deepEqual(fields({ positions: [0], command: 'restore', reason: '   ' }), ['reason']);
  assert.deepEqual(fields({ positions: [0], command: 'restore', reason: 'x'.repeat(STAFF_REASON_MAX + 1) }), ['reason']);
});
