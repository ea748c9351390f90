import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCalendar, US_FEDERAL_CALENDAR } from '../../src/domain/business-days.ts';
import { isItemState } from '../../src/domain/item-state.ts';
import {
  availableCommands,
  coarseState,
  receiveItem,
  computeRestoreWindow,
  isContentDisabled,
  isRestoreOverdue,
  nextWakeAt,
  parseLifecyclePolicy,
  parseLifecycleState,
  restoreWindowOf,
  startLifecycle,
  strikeStatusOf,
  transition,
  DEFAULT_LIFECYCLE_POLICY,
  LIFECYCLE_KINDS,
  type LifecycleContext,
  type LifecycleEvent,
  type LifecyclePolicy,
  type LifecycleState,
  type SideEffect,
  type TransitionResult,
} from '../../src/domain/takedown-lifecycle.ts';

const at = (iso: string) => new Date(iso);
const ctx = (now: string | Date, policy: Partial<LifecyclePolicy> = {}, calendar = US_FEDERAL_CALENDAR): LifecycleContext => ({
  now: typeof now === 'string' ? at(now) : now,
  calendar,
  policy: { ...DEFAULT_LIFECYCLE_POLICY, ...policy },
});

/** Applies an event that must change the state; returns the result. */
function go(s: LifecycleState, ev: LifecycleEvent, c: LifecycleContext): Extract<TransitionResult, { changed: true }> {
  const r = transition(s, ev, c);
  assert.ok(r.ok, `${s.kind} + ${ev.type}: ${!r.ok ? `${r.error.code}: ${r.error.message}` : ''}`);
  assert.ok(r.changed, `${s.kind} + ${ev.type} should change the state (${!r.changed ? r.note : ''})`);
  return r;
}
/** Applies an event that must be a no-op; returns the note. */
function noop(s: LifecycleState, ev: LifecycleEvent, c: LifecycleContext): string {
  const r = transition(s, ev, c);
  assert.ok(r.ok, `${s.kind} + ${ev.type}: ${!r.ok ? `${r.error.code}: ${r.error.message}` : ''}`);
  assert.ok(!r.changed, `${s.kind} + ${ev.type} should be a no-op`);
  assert.equal(r.state, s, 'a no-op returns the very same state');
  assert.deepEqual(r.effects, []);
  return r.note;
}
/** Applies an event that must fail with this code; returns the message. */
function refused(s: LifecycleState, ev: LifecycleEvent, c: LifecycleContext, code: string): string {
  const r = transition(s, ev, c);
  assert.ok(!r.ok, `${s.kind} + ${ev.type} should be refused`);
  assert.equal(r.error.code, code, r.error.message);
  assert.equal(r.error.event, ev.type);
  return r.error.message;
}

const messages = (effects: SideEffect[]) => effects.filter((e) => e.type === 'message').map((e) => (e.type === 'message' ? `${e.to}:${e.message.kind}` : ''));

// A Monday in February (EST): reported, disabled and notified the same day; counter notice on
// Wednesday 2026-02-25 10:00 EST, forwarded half an hour later. DST starts on 2026-03-08.
const REPORTED = '2026-02-23T15:00:00Z';
const DISABLED = '2026-02-23T16:00:00Z';
const NOTIFIED = '2026-02-23T16:05:00Z';
const CN_RECEIVED = '2026-02-25T15:00:00Z';
const FORWARDED = '2026-02-25T15:30:00Z';
// 10th business day after Wed 2026-02-25 is Wed 2026-03-11; the window opens at local midnight
// starting Thursday the 12th, in EDT (04:00Z). 14th business day: Tue 2026-03-17 → 2026-03-18T04:00Z.
const EARLIEST = '2026-03-12T04:00:00.000Z';
const LATEST = '2026-03-18T04:00:00.000Z';

function notified(): LifecycleState {
  let s: LifecycleState = startLifecycle(at(REPORTED));
  s = go(s, { type: 'disable', by: 'staff' }, ctx(DISABLED)).state;
  return go(s, { type: 'notify_customer' }, ctx(NOTIFIED)).state;
}
function countered(id = 'cn-1'): LifecycleState {
  return go(notified(), { type: 'receive_counter_notice', counterNoticeId: id }, ctx(CN_RECEIVED)).state;
}
function forwarded(policy: Partial<LifecyclePolicy> = {}): LifecycleState {
  return go(countered(), { type: 'forward_counter_notice' }, ctx(FORWARDED, policy)).state;
}

test('the whole §512(g) path: report, takedown, notice, counter notice, copy, automatic restore on schedule, close', () => {
  const r0 = startLifecycle(at(REPORTED));
  assert.deepEqual(r0, { kind: 'reported', reportedAt: at(REPORTED) });
  assert.equal(coarseState(r0), 'pending_review');
  assert.equal(strikeStatusOf(r0), null);

  const d = go(r0, { type: 'disable', by: 'staff' }, ctx(DISABLED));
  assert.deepEqual(d.state, { kind: 'content_disabled', takedown: { reportedAt: at(REPORTED), disabledAt: at(DISABLED), disabledBy: 'staff' } });
  assert.deepEqual(d.effects, [
    { type: 'strike', status: 'active', previous: null },
    { type: 'message', to: 'complainant', message: { kind: 'content_disabled' } },
  ]);
  assert.equal(coarseState(d.state), 'content_disabled');
  assert.ok(isContentDisabled(d.state));

  const n = go(d.state, { type: 'notify_customer' }, ctx(NOTIFIED));
  assert.equal(n.state.kind, 'customer_notified');
  assert.deepEqual(n.effects, [{ type: 'message', to: 'customer', message: { kind: 'takedown_notice' } }]);

  const c = go(n.state, { type: 'receive_counter_notice', counterNoticeId: 'cn-1' }, ctx(CN_RECEIVED));
  assert.equal(c.state.kind, 'counter_notice_received');
  assert.equal(strikeStatusOf(c.state), 'disputed');
  assert.equal(restoreWindowOf(c.state), null, 'no window before the complainant has its copy');
  assert.deepEqual(c.effects, [
    { type: 'strike', status: 'disputed', previous: 'active' },
    { type: 'message', to: 'customer', message: { kind: 'counter_notice_received', counterNoticeId: 'cn-1' } },
  ]);

  const f = go(c.state, { type: 'forward_counter_notice' }, ctx(FORWARDED));
  assert.equal(f.state.kind, 'counter_notice_forwarded');
  const w = restoreWindowOf(f.state)!;
  assert.equal(w.earliest.toISOString(), EARLIEST);
  assert.equal(w.latest.toISOString(), LATEST);
  assert.equal(w.scheduled.toISOString(), EARLIEST);
  assert.deepEqual(f.effects, [
    { type: 'message', to: 'complainant', message: { kind: 'counter_notice_copy', counterNoticeId: 'cn-1', restoreAt: at(EARLIEST) } },
    { type: 'message', to: 'customer', message: { kind: 'restore_scheduled', restoreAt: at(EARLIEST) } },
    { type: 'schedule_tick', at: at(EARLIEST) },
  ]);
  assert.deepEqual(nextWakeAt(f.state, DEFAULT_LIFECYCLE_POLICY), at(EARLIEST));
  assert.equal(coarseState(f.state), 'content_disabled');

  // The clock moves: a millisecond before the window opens nothing happens; at the minute it does.
  assert.match(noop(f.state, { type: 'tick' }, ctx(new Date(at(EARLIEST).getTime() - 1))), /restoration is due at 2026-03-12 00:00 \(America\/New_York\)/);
  const r = go(f.state, { type: 'tick' }, ctx(EARLIEST));
  assert.equal(r.state.kind, 'restored');
  assert.ok(r.state.kind === 'restored' && r.state.restoredBy === 'schedule');
  assert.deepEqual(r.effects, [
    { type: 'strike', status: 'countered', previous: 'disputed' },
    { type: 'message', to: 'customer', message: { kind: 'restored', cause: 'counter_notice' } },
    { type: 'message', to: 'complainant', message: { kind: 'restored', cause: 'counter_notice' } },
  ]);
  assert.equal(coarseState(r.state), 'restored');
  assert.equal(strikeStatusOf(r.state), 'countered');
  assert.equal(nextWakeAt(r.state, DEFAULT_LIFECYCLE_POLICY), null);
  assert.ok(!isContentDisabled(r.state));

  const closed = go(r.state, { type: 'close' }, ctx('2026-03-20T12:00:00Z'));
  assert.deepEqual(closed.state, { kind: 'closed', closedAt: at('2026-03-20T12:00:00Z'), last: r.state });
  assert.deepEqual(closed.effects, []);
  assert.equal(coarseState(closed.state), 'restored');
  assert.equal(strikeStatusOf(closed.state), 'countered');
  assert.deepEqual(restoreWindowOf(closed.state), w);
});

test('staff restore: refused before the window opens (with the date), allowed from its first instant, cancels the tick', () => {
  const f = forwarded();
  const msg = refused(f, { type: 'restore' }, ctx('2026-03-11T23:59:00Z'), 'too_early');
  assert.match(msg, /may be restored from 2026-03-12 00:00 \(America\/New_York\)/);
  assert.match(msg, /received on 2026-02-25/);
  const r = go(f, { type: 'restore' }, ctx(EARLIEST));
  assert.ok(r.state.kind === 'restored' && r.state.restoredBy === 'staff');
  assert.deepEqual(
    r.effects.map((e) => e.type),
    ['strike', 'cancel_tick', 'message', 'message'],
  );
  // The tick that was scheduled fires anyway: harmless.
  noop(r.state, { type: 'tick' }, ctx('2026-03-12T04:00:01Z'));
});

test('a court action before restoration keeps the content down; after restoration it is too late', () => {
  const f = forwarded();
  const c = go(f, { type: 'court_action_filed', reference: 'S.D.N.Y. 1:26-cv-01234' }, ctx('2026-03-10T15:00:00Z'));
  assert.equal(c.state.kind, 'court_action_filed');
  assert.deepEqual(c.effects, [
    { type: 'strike', status: 'active', previous: 'disputed' },
    { type: 'cancel_tick' },
    { type: 'message', to: 'customer', message: { kind: 'court_action_filed', reference: 'S.D.N.Y. 1:26-cv-01234' } },
  ]);
  assert.equal(coarseState(c.state), 'content_disabled');
  assert.equal(strikeStatusOf(c.state), 'active');
  assert.equal(nextWakeAt(c.state, DEFAULT_LIFECYCLE_POLICY), null);
  // The scheduled time comes and goes: nothing happens; staff cannot restore either.
  noop(c.state, { type: 'tick' }, ctx('2026-03-12T05:00:00Z'));
  assert.match(refused(c.state, { type: 'restore' }, ctx('2026-03-13T05:00:00Z'), 'not_allowed'), /court action \(S\.D\.N\.Y\. 1:26-cv-01234\)/);
  // A second notice of the same action: no-op.
  noop(c.state, { type: 'court_action_filed', reference: 'S.D.N.Y. 1:26-cv-01234' }, ctx('2026-03-13T05:00:00Z'));
  // The case can be closed with the content down.
  const closed = go(c.state, { type: 'close' }, ctx('2026-04-01T12:00:00Z')).state;
  assert.equal(coarseState(closed), 'content_disabled');
  assert.ok(isContentDisabled(closed));

  // Arriving at the scheduled minute but before the tick ran: still in time (we have not restored).
  go(f, { type: 'court_action_filed', reference: 'case 2' }, ctx(EARLIEST));
  // After restoration: too late.
  const restored = go(f, { type: 'tick' }, ctx(EARLIEST)).state;
  assert.match(refused(restored, { type: 'court_action_filed', reference: 'case 3' }, ctx('2026-03-13T12:00:00Z'), 'too_late'), /restored on 2026-03-12/);
  // And on a case that had no counter notice, a court action has nothing to answer.
  refused(notified(), { type: 'court_action_filed', reference: 'x' }, ctx('2026-03-01T00:00:00Z'), 'not_allowed');
});

test('a court action before we forwarded: the complainant still gets its copy, without a restore date', () => {
  const c = go(countered(), { type: 'court_action_filed', reference: 'C.D. Cal. 2:26-cv-9' }, ctx('2026-02-25T16:00:00Z'));
  assert.ok(c.state.kind === 'court_action_filed' && c.state.forwardedAt === null);
  assert.ok(!c.effects.some((e) => e.type === 'cancel_tick'), 'nothing was scheduled');
  const f = go(c.state, { type: 'forward_counter_notice' }, ctx('2026-02-25T17:00:00Z'));
  assert.ok(f.state.kind === 'court_action_filed' && f.state.forwardedAt?.toISOString() === '2026-02-25T17:00:00.000Z');
  assert.deepEqual(f.effects, [{ type: 'message', to: 'complainant', message: { kind: 'counter_notice_copy', counterNoticeId: 'cn-1', restoreAt: null } }]);
  noop(f.state, { type: 'forward_counter_notice' }, ctx('2026-02-25T18:00:00Z'));
});

test('retraction from every state with content down restores it and removes the strike', () => {
  const states: LifecycleState[] = [];
  let s: LifecycleState = startLifecycle(at(REPORTED));
  s = go(s, { type: 'disable', by: 'staff' }, ctx(DISABLED)).state;
  states.push(s);
  s = go(s, { type: 'notify_customer' }, ctx(NOTIFIED)).state;
  states.push(s);
  s = go(s, { type: 'receive_counter_notice', counterNoticeId: 'cn-1' }, ctx(CN_RECEIVED)).state;
  states.push(s);
  s = go(s, { type: 'forward_counter_notice' }, ctx(FORWARDED)).state;
  states.push(s);
  states.push(go(s, { type: 'court_action_filed', reference: 'x' }, ctx('2026-03-02T12:00:00Z')).state);
  for (const before of states) {
    const r = go(before, { type: 'retract' }, ctx('2026-03-05T12:00:00Z'));
    assert.deepEqual(r.state, { kind: 'retracted', retractedAt: at('2026-03-05T12:00:00Z'), before });
    assert.equal(coarseState(r.state), 'retracted');
    assert.equal(strikeStatusOf(r.state), 'retracted');
    assert.ok(!isContentDisabled(r.state));
    const expected: SideEffect[] = [{ type: 'strike', status: 'retracted', previous: strikeStatusOf(before) }];
    if (before.kind === 'counter_notice_forwarded') expected.push({ type: 'cancel_tick' });
    expected.push(
      { type: 'message', to: 'customer', message: { kind: 'restored', cause: 'retraction' } },
      { type: 'message', to: 'complainant', message: { kind: 'retraction_confirmed', contentRestored: true } },
    );
    assert.deepEqual(r.effects, expected, before.kind);
    noop(r.state, { type: 'retract' }, ctx('2026-03-06T12:00:00Z'));
    // Content is up: a counter notice now is pointless, a new takedown needs a new notice.
    refused(r.state, { type: 'receive_counter_notice', counterNoticeId: 'cn-late' }, ctx('2026-03-06T12:00:00Z'), 'already_restored');
    refused(r.state, { type: 'disable', by: 'staff' }, ctx('2026-03-06T12:00:00Z'), 'not_allowed');
    noop(r.state, { type: 'restore' }, ctx('2026-03-06T12:00:00Z'));
  }
});

test('retraction before any action: nothing to restore, no strike, the complainant is told', () => {
  const r = go(startLifecycle(at(REPORTED)), { type: 'retract' }, ctx('2026-02-23T15:30:00Z'));
  assert.deepEqual(r.effects, [{ type: 'message', to: 'complainant', message: { kind: 'retraction_confirmed', contentRestored: false } }]);
  assert.equal(coarseState(r.state), 'retracted');
  assert.equal(strikeStatusOf(r.state), null);
  refused(r.state, { type: 'disable', by: 'staff' }, ctx('2026-02-23T16:00:00Z'), 'not_allowed');
  refused(r.state, { type: 'receive_counter_notice', counterNoticeId: 'cn' }, ctx('2026-02-23T16:00:00Z'), 'not_allowed');
  refused(r.state, { type: 'restore' }, ctx('2026-02-23T16:00:00Z'), 'not_allowed');
  refused(startLifecycle(at(REPORTED)), { type: 'reject', reason: '  ' }, ctx(DISABLED), 'invalid_event');
});

test('retraction after restoration: a no-op (content already up, strike already not counting)', () => {
  const restored = go(forwarded(), { type: 'tick' }, ctx('2026-03-12T10:00:00Z')).state;
  assert.match(noop(restored, { type: 'retract' }, ctx('2026-03-20T10:00:00Z')), /already|restored on 2026-03-12/);
  assert.equal(strikeStatusOf(restored), 'countered');
  const closed = go(restored, { type: 'close' }, ctx('2026-03-21T10:00:00Z')).state;
  noop(closed, { type: 'retract' }, ctx('2026-03-22T10:00:00Z'));
});

test('a counter notice after restoration: the same one is a duplicate, another is refused as already restored', () => {
  const restored = go(forwarded(), { type: 'restore' }, ctx('2026-03-13T15:00:00Z')).state;
  assert.match(
    noop(restored, { type: 'receive_counter_notice', counterNoticeId: 'cn-1' }, ctx('2026-03-14T10:00:00Z')),
    /cn-1 was already received on 2026-02-25/,
  );
  assert.match(
    refused(restored, { type: 'receive_counter_notice', counterNoticeId: 'cn-2' }, ctx('2026-03-14T10:00:00Z'), 'already_restored'),
    /restored on 2026-03-13 after counter notice cn-1/,
  );
  // A different counter notice while one is pending: conflict.
  assert.match(refused(countered(), { type: 'receive_counter_notice', counterNoticeId: 'cn-2' }, ctx('2026-02-26T10:00:00Z'), 'conflict'), /cn-1/);
  refused(forwarded(), { type: 'receive_counter_notice', counterNoticeId: 'cn-2' }, ctx('2026-02-26T10:00:00Z'), 'conflict');
});

test('double events are idempotent: the second one changes nothing and has no effects', () => {
  const c0 = ctx('2026-03-01T12:00:00Z');
  const d = go(startLifecycle(at(REPORTED)), { type: 'disable', by: 'staff' }, ctx(DISABLED)).state;
  assert.match(noop(d, { type: 'disable', by: 'staff' }, c0), /already disabled \(since 2026-02-23\)/);
  assert.match(noop(d, { type: 'disable', by: 'policy' }, c0), /already disabled/);
  const n = notified();
  noop(n, { type: 'notify_customer' }, c0);
  noop(n, { type: 'disable', by: 'staff' }, c0);
  const cn = countered();
  noop(cn, { type: 'receive_counter_notice', counterNoticeId: 'cn-1' }, c0);
  noop(cn, { type: 'notify_customer' }, c0);
  const f = forwarded();
  noop(f, { type: 'forward_counter_notice' }, c0);
  noop(f, { type: 'receive_counter_notice', counterNoticeId: ' cn-1 ' }, c0);
  const rej = go(startLifecycle(at(REPORTED)), { type: 'reject', reason: 'not infringing' }, ctx(DISABLED)).state;
  noop(rej, { type: 'reject', reason: 'not infringing' }, c0);
  noop(rej, { type: 'close' }, c0);
  noop(rej, { type: 'tick' }, c0);
  const closed = go(n, { type: 'close' }, c0).state;
  noop(closed, { type: 'close' }, c0);
  noop(closed, { type: 'notify_customer' }, c0);
  noop(closed, { type: 'disable', by: 'staff' }, c0);
});

test('a counter notice arriving before our notification went out still counts; notify is then a no-op', () => {
  const d = go(startLifecycle(at(REPORTED)), { type: 'disable', by: 'staff' }, ctx(DISABLED)).state;
  const c = go(d, { type: 'receive_counter_notice', counterNoticeId: 'cn-1' }, ctx('2026-02-23T17:00:00Z')).state;
  assert.ok(c.kind === 'counter_notice_received' && c.customerNotifiedAt === null);
  assert.match(noop(c, { type: 'notify_customer' }, ctx('2026-02-23T17:05:00Z')), /already answered with a counter notice/);
});

test('rejection: only before a takedown; the complainant hears the reason; final', () => {
  const r = go(startLifecycle(at(REPORTED)), { type: 'reject', reason: ' The material is licensed. ' }, ctx(DISABLED));
  assert.deepEqual(r.state, { kind: 'rejected', reportedAt: at(REPORTED), rejectedAt: at(DISABLED), reason: 'The material is licensed.' });
  assert.deepEqual(r.effects, [{ type: 'message', to: 'complainant', message: { kind: 'rejected', reason: 'The material is licensed.' } }]);
  assert.equal(coarseState(r.state), 'rejected');
  for (const ev of [{ type: 'disable', by: 'staff' }, { type: 'notify_customer' }, { type: 'retract' }, { type: 'restore' }] as LifecycleEvent[]) {
    assert.match(refused(r.state, ev, ctx('2026-03-01T00:00:00Z'), 'not_allowed'), /rejected this URL on 2026-02-23 \(The material is licensed\.\)/);
  }
  assert.match(refused(r.state, { type: 'forward_counter_notice' }, ctx('2026-03-01T00:00:00Z'), 'not_allowed'), /no counter notice to forward/);
  refused(notified(), { type: 'reject', reason: 'x' }, ctx('2026-03-01T00:00:00Z'), 'not_allowed');
});

test('automatic takedown only when the policy allows it', () => {
  const r = startLifecycle(at(REPORTED));
  assert.match(refused(r, { type: 'disable', by: 'policy' }, ctx(DISABLED), 'forbidden_by_policy'), /staff must review/);
  const d = go(r, { type: 'disable', by: 'policy' }, ctx(DISABLED, { automaticTakedown: true }));
  assert.ok(d.state.kind === 'content_disabled' && d.state.takedown.disabledBy === 'policy');
  refused(r, { type: 'disable', by: 'robot' } as unknown as LifecycleEvent, ctx(DISABLED), 'invalid_event');
});

test('policy: restore on the 14th business day, or by hand only; overdue after the latest day', () => {
  const late = forwarded({ restoreAfterBusinessDays: 14 });
  assert.equal(restoreWindowOf(late)!.scheduled.toISOString(), LATEST);
  const manual = forwarded({ automaticRestore: false });
  const r = transition(countered(), { type: 'forward_counter_notice' }, ctx(FORWARDED, { automaticRestore: false }));
  assert.ok(r.ok && r.changed && !r.effects.some((e) => e.type === 'schedule_tick'));
  assert.equal(nextWakeAt(manual, { ...DEFAULT_LIFECYCLE_POLICY, automaticRestore: false }), null);
  assert.match(noop(manual, { type: 'tick' }, ctx('2026-03-30T00:00:00Z', { automaticRestore: false })), /switched off/);
  assert.ok(!isRestoreOverdue(manual, new Date(at(LATEST).getTime() - 1)));
  assert.ok(isRestoreOverdue(manual, at(LATEST)));
  const restored = go(manual, { type: 'restore' }, ctx('2026-03-30T00:00:00Z', { automaticRestore: false }));
  assert.ok(!restored.effects.some((e) => e.type === 'cancel_tick'), 'nothing was scheduled');
  assert.ok(!isRestoreOverdue(restored.state, at('2026-04-30T00:00:00Z')));
});

test('the window counts from receipt; a late forward pushes the schedule to give the complainant 10 business days, never past the 14th', () => {
  const c = countered(); // received Wed 2026-02-25
  // Forwarded the next business day (Thu): scheduled after the 10th business day from Thursday.
  const next = go(c, { type: 'forward_counter_notice' }, ctx('2026-02-26T14:00:00Z')).state;
  const w1 = restoreWindowOf(next)!;
  assert.equal(w1.earliest.toISOString(), EARLIEST);
  assert.equal(w1.latest.toISOString(), LATEST);
  assert.equal(w1.scheduled.toISOString(), '2026-03-13T04:00:00.000Z');
  // Forwarded six business days late: clamped to the latest allowed.
  const veryLate = go(c, { type: 'forward_counter_notice' }, ctx('2026-03-05T14:00:00Z')).state;
  assert.equal(restoreWindowOf(veryLate)!.scheduled.toISOString(), LATEST);
  // Direct computation agrees.
  assert.deepEqual(
    computeRestoreWindow(at(CN_RECEIVED), at(FORWARDED), { calendar: US_FEDERAL_CALENDAR, policy: DEFAULT_LIFECYCLE_POLICY }),
    restoreWindowOf(forwarded()),
  );
});

test('deadlines across the year end skip Christmas and New Year (observed days), in EST', () => {
  // Counter notice on Friday 2026-12-18, 11:00 EST. 10th business day: Tue 2027-01-05;
  // 14th: Mon 2027-01-11.
  let s: LifecycleState = startLifecycle(at('2026-12-14T15:00:00Z'));
  s = go(s, { type: 'disable', by: 'staff' }, ctx('2026-12-14T16:00:00Z')).state;
  s = go(s, { type: 'notify_customer' }, ctx('2026-12-14T16:00:00Z')).state;
  s = go(s, { type: 'receive_counter_notice', counterNoticeId: 'cn-x' }, ctx('2026-12-18T16:00:00Z')).state;
  s = go(s, { type: 'forward_counter_notice' }, ctx('2026-12-18T16:10:00Z')).state;
  const w = restoreWindowOf(s)!;
  assert.equal(w.earliest.toISOString(), '2027-01-06T05:00:00.000Z');
  assert.equal(w.latest.toISOString(), '2027-01-12T05:00:00.000Z');
  refused(s, { type: 'restore' }, ctx('2027-01-06T04:59:59Z'), 'too_early');
  // Without federal holidays the window would open four days earlier (Dec 25, Jan 1 are business days).
  const plain = createCalendar({ usFederalHolidays: false });
  const w2 = computeRestoreWindow(at('2026-12-18T16:00:00Z'), at('2026-12-18T16:10:00Z'), { calendar: plain, policy: DEFAULT_LIFECYCLE_POLICY });
  assert.equal(w2.earliest.toISOString(), '2027-01-02T05:00:00.000Z');
});

test('receipt late on Friday evening in New York counts from Friday, whatever UTC says', () => {
  // 23:30 EST Friday 2026-02-27 = 04:30Z Saturday. Business day 1 is Monday March 2; the 10th is Fri March 13.
  const c = go(
    notified(),
    { type: 'receive_counter_notice', counterNoticeId: 'cn-1', receivedAt: at('2026-02-28T04:30:00Z') },
    ctx('2026-02-28T04:31:00Z'),
  ).state;
  const f = go(c, { type: 'forward_counter_notice' }, ctx('2026-02-28T04:35:00Z')).state;
  assert.equal(restoreWindowOf(f)!.earliest.toISOString(), '2026-03-14T04:00:00.000Z');
});

test('receipt time: from the event when given, never in the future nor before the takedown', () => {
  const n = notified();
  const ok = go(n, { type: 'receive_counter_notice', counterNoticeId: 'cn-1', receivedAt: at('2026-02-24T10:00:00Z') }, ctx('2026-02-25T10:00:00Z'));
  assert.ok(ok.state.kind === 'counter_notice_received' && ok.state.counterNotice.receivedAt.toISOString() === '2026-02-24T10:00:00.000Z');
  assert.match(
    refused(
      n,
      { type: 'receive_counter_notice', counterNoticeId: 'cn-1', receivedAt: at('2026-02-26T10:00:00Z') },
      ctx('2026-02-25T10:00:00Z'),
      'invalid_event',
    ),
    /future/,
  );
  assert.match(
    refused(
      n,
      { type: 'receive_counter_notice', counterNoticeId: 'cn-1', receivedAt: at('2026-02-20T10:00:00Z') },
      ctx('2026-02-25T10:00:00Z'),
      'invalid_event',
    ),
    /before the content was disabled/,
  );
  refused(n, { type: 'receive_counter_notice', counterNoticeId: 'cn-1', receivedAt: new Date(NaN) }, ctx('2026-02-25T10:00:00Z'), 'invalid_event');
  refused(n, { type: 'receive_counter_notice', counterNoticeId: '  ' }, ctx('2026-02-25T10:00:00Z'), 'invalid_event');
  refused(countered(), { type: 'court_action_filed', reference: '' }, ctx('2026-02-26T10:00:00Z'), 'invalid_event');
  refused(countered(), { type: 'court_action_filed', reference: 'x', receivedAt: at('2026-02-27T10:00:00Z') }, ctx('2026-02-26T10:00:00Z'), 'invalid_event');
});

test('the context is checked: an invalid clock or a policy outside 10–14 business days is a programming error', () => {
  assert.throws(() => transition(notified(), { type: 'tick' }, ctx(new Date(NaN))), /ctx\.now must be a valid Date/);
  assert.throws(() => transition(notified(), { type: 'tick' }, ctx(NOTIFIED, { restoreAfterBusinessDays: 9 })), /from 10 to 14/);
  assert.throws(() => transition(notified(), { type: 'tick' }, ctx(NOTIFIED, { restoreAfterBusinessDays: 15 })), /from 10 to 14/);
  assert.throws(() => startLifecycle(new Date('nope')), /reportedAt/);
});

test('closing: only where nothing is pending; a closed case with content down reopens on retraction or counter notice', () => {
  const c0 = ctx('2026-04-01T12:00:00Z');
  refused(startLifecycle(at(REPORTED)), { type: 'close' }, c0, 'not_allowed');
  assert.match(
    refused(go(startLifecycle(at(REPORTED)), { type: 'disable', by: 'staff' }, ctx(DISABLED)).state, { type: 'close' }, c0, 'not_allowed'),
    /notify the customer first/,
  );
  refused(countered(), { type: 'close' }, c0, 'not_allowed');
  assert.match(refused(forwarded(), { type: 'close' }, ctx('2026-03-01T12:00:00Z'), 'not_allowed'), /due back on 2026-03-12/);

  const closed = go(notified(), { type: 'close' }, c0).state;
  assert.equal(closed.kind, 'closed');
  assert.equal(coarseState(closed), 'content_disabled');
  assert.equal(strikeStatusOf(closed), 'active');
  // Months later the customer counters: the case reopens.
  const re = go(closed, { type: 'receive_counter_notice', counterNoticeId: 'cn-9' }, ctx('2026-09-01T12:00:00Z'));
  assert.equal(re.state.kind, 'counter_notice_received');
  assert.deepEqual(
    re.effects.map((e) => e.type),
    ['strike', 'message'],
  );
  // Or the complainant retracts: content back, strike gone.
  const rt = go(closed, { type: 'retract' }, ctx('2026-09-01T12:00:00Z'));
  assert.ok(rt.state.kind === 'retracted' && rt.state.before.kind === 'customer_notified');
  assert.deepEqual(
    rt.effects.map((e) => e.type),
    ['strike', 'message', 'message'],
  );
  // Other changes are refused while closed, and the error names the closed state.
  const cn = go(countered(), { type: 'court_action_filed', reference: 'x' }, ctx('2026-02-26T00:00:00Z')).state;
  const closedCourt = go(cn, { type: 'close' }, c0).state;
  const r = transition(closedCourt, { type: 'forward_counter_notice' }, c0);
  assert.ok(!r.ok && r.error.code === 'not_allowed' && r.error.state === 'closed' && /closed on 2026-04-01/.test(r.error.message));
  const r2 = transition(closedCourt, { type: 'restore' }, c0);
  assert.ok(!r2.ok && r2.error.state === 'closed');
});

test('availableCommands lists what would change the state now', () => {
  assert.deepEqual(availableCommands(startLifecycle(at(REPORTED)), ctx(DISABLED)), ['disable', 'reject', 'retract']);
  const d = go(startLifecycle(at(REPORTED)), { type: 'disable', by: 'staff' }, ctx(DISABLED)).state;
  assert.deepEqual(availableCommands(d, ctx(NOTIFIED)), ['notify_customer', 'receive_counter_notice', 'retract']);
  assert.deepEqual(availableCommands(notified(), ctx('2026-02-24T00:00:00Z')), ['receive_counter_notice', 'retract', 'close']);
  assert.deepEqual(availableCommands(countered(), ctx('2026-02-26T00:00:00Z')), ['forward_counter_notice', 'court_action_filed', 'retract']);
  assert.deepEqual(availableCommands(forwarded(), ctx('2026-03-01T00:00:00Z')), ['court_action_filed', 'retract']);
  assert.deepEqual(availableCommands(forwarded(), ctx(EARLIEST)), ['court_action_filed', 'restore', 'retract']);
});

test('states survive storage as JSON; impossible states are refused', () => {
  const s = go(forwarded(), { type: 'court_action_filed', reference: 'x' }, ctx('2026-03-02T00:00:00Z')).state;
  const closed = go(s, { type: 'close' }, ctx('2026-03-03T00:00:00Z')).state;
  for (const state of [startLifecycle(at(REPORTED)), notified(), forwarded(), s, closed]) {
    const back = parseLifecycleState(JSON.stringify(state));
    assert.ok(back.ok);
    assert.deepEqual(back.state, state);
    const obj = parseLifecycleState(JSON.parse(JSON.stringify(state)));
    assert.ok(obj.ok);
    assert.deepEqual(obj.state, state);
  }
  // Closed wrapping a report, retracted wrapping a closed case, a window before forwarding: no.
  assert.ok(!parseLifecycleState({ kind: 'closed', closedAt: REPORTED, last: { kind: 'reported', reportedAt: REPORTED } }).ok);
  assert.ok(!parseLifecycleState({ kind: 'retracted', retractedAt: REPORTED, before: JSON.parse(JSON.stringify(closed)) }).ok);
  const bad = parseLifecycleState({ ...JSON.parse(JSON.stringify(countered())), forwardedAt: FORWARDED, kind: 'counter_notice_forwarded' });
  assert.ok(!bad.ok);
  assert.ok(bad.errors.some((e) => e.field === 'restoreWindow'));
  assert.ok(!parseLifecycleState('{not json').ok);
  assert.ok(!parseLifecycleState({ kind: 'reported', reportedAt: 'yesterday' }).ok);
});

test('lifecycle policy configuration', () => {
  assert.deepEqual(parseLifecyclePolicy(undefined), { ok: true, policy: { ...DEFAULT_LIFECYCLE_POLICY } });
  const r = parseLifecyclePolicy({ restoreAfterBusinessDays: 9, automaticRestore: 'yes' });
  assert.ok(!r.ok);
  assert.deepEqual(r.errors.map((e) => e.field).sort(), ['automaticRestore', 'restoreAfterBusinessDays']);
  assert.match(r.errors.find((e) => e.field === 'restoreAfterBusinessDays')!.message, /at least 10/);
  const r2 = parseLifecyclePolicy({ restoreAfterBusinessDays: 15 });
  assert.ok(!r2.ok && /at most 14/.test(r2.errors[0]!.message));
});

// ---------------------------------------------------------------------------------------------
// Exhaustive exploration: every state reachable within a few steps, every event, checked
// against invariants that the wiring relies on.

const EVENTS: LifecycleEvent[] = [
  { type: 'resolve', resolution: { to: 'not_on_network', reason: 'not ours' } },
  { type: 'resolve', resolution: { to: 'forwarded' } },
  { type: 'resolve', resolution: { to: 'hosted', reason: 'hosted here: under review' } },
  { type: 'disable', by: 'staff' },
  { type: 'disable', by: 'policy' },
  { type: 'reject', reason: 'not infringing' },
  { type: 'notify_customer' },
  { type: 'receive_counter_notice', counterNoticeId: 'cn-a' },
  { type: 'receive_counter_notice', counterNoticeId: 'cn-b' },
  { type: 'forward_counter_notice' },
  { type: 'court_action_filed', reference: 'case 1' },
  { type: 'restore' },
  { type: 'retract' },
  { type: 'close' },
  { type: 'tick' },
  { type: 'reverse_decision', complaintId: 'complaint-1' },
];

test('exploration: the coarse steps are exactly the documented ones, strike and wake-up effects match the states, retries are no-ops, JSON round-trips', () => {
  const T0 = at('2026-01-05T15:00:00Z').getTime();
  const STEP = 16 * 86_400_000; // long enough for a restore window to open between two steps
  const seenKinds = new Set<string>();
  const seenNew = new Set<string>();
  let frontier: LifecycleState[] = [receiveItem(new Date(T0)), receiveItem(new Date(T0), 'not a web address')];
  const seen = new Set<string>(frontier.map((f) => JSON.stringify(f)));
  let transitions = 0;
  for (let depth = 1; depth <= 9 && frontier.length; depth++) {
    const next: LifecycleState[] = [];
    const c = ctx(new Date(T0 + depth * STEP), { automaticTakedown: true });
    for (const s of frontier) {
      seenKinds.add(s.kind);
      for (const ev of EVENTS) {
        const r = transition(s, ev, c);
        if (!r.ok) {
          assert.ok(r.error.message.length > 10, 'errors say why');
          continue;
        }
        if (!r.changed) {
          assert.equal(r.state, s);
          continue;
        }
        transitions++;
        const from = coarseState(s);
        const to = coarseState(r.state);
        if (from !== to) {
          assert.ok(isItemState(from) && isItemState(to), `coarse ${from} → ${to} (${s.kind} + ${ev.type})`);
          seenNew.add(`${from}>${to}`);
        }
        // The edge blocklist follows the projection (migration 005's triggers): content is down
        // exactly in the states projected to content_disabled, and no effect speaks of the edge.
        assert.equal(isContentDisabled(r.state), to === 'content_disabled', `${r.state.kind}: edge`);
        for (const e of r.effects) assert.ok(['message', 'strike', 'schedule_tick', 'cancel_tick'].includes(e.type), e.type);
        // A strike effect exactly when the strike status changes, naming both ends.
        const st = r.effects.filter((e) => e.type === 'strike');
        const s0 = strikeStatusOf(s);
        const s1 = strikeStatusOf(r.state);
        if (s0 === s1) assert.equal(st.length, 0, `${s.kind} + ${ev.type}: no strike change expected`);
        else assert.deepEqual(st, [{ type: 'strike', status: s1, previous: s0 }], `${s.kind} + ${ev.type}`);
        // A wake-up is scheduled exactly when the new state has one.
        const sched = r.effects.filter((e) => e.type === 'schedule_tick');
        const wake = nextWakeAt(r.state, c.policy);
        assert.deepEqual(sched, wake && !nextWakeAt(s, c.policy) ? [{ type: 'schedule_tick', at: wake }] : []);
        // Messages go to the two parties only.
        for (const m of messages(r.effects)) assert.match(m, /^(customer|complainant):/);
        // A retry of the same event, at the same time, is a no-op.
        const again = transition(r.state, ev, c);
        assert.ok(again.ok && !again.changed, `${s.kind} + ${ev.type} twice: ${again.ok ? '' : again.error.message}`);
        // Storage round trip.
        const back = parseLifecycleState(JSON.stringify(r.state));
        assert.ok(back.ok && JSON.stringify(back.state) === JSON.stringify(r.state));
        const key = JSON.stringify(r.state);
        if (!seen.has(key)) {
          seen.add(key);
          next.push(r.state);
        }
      }
    }
    frontier = next;
  }
  assert.deepEqual([...seenKinds].sort(), [...LIFECYCLE_KINDS].sort(), 'every kind is reachable');
  // The coarse steps item-state.ts used to list as its own model, now taken by the one machine.
  assert.deepEqual(
    [...seenNew].sort(),
    [
      'content_disabled>restored',
      'content_disabled>retracted',
      'forwarded>rejected',
      'forwarded>retracted',
      'pending_review>content_disabled',
      'pending_review>rejected',
      'pending_review>retracted',
      'rejected>content_disabled',
      'received>forwarded',
      'received>not_on_network',
      'received>pending_review',
    ].sort(),
    'the coarse steps the machine takes',
  );
  assert.ok(transitions > 100, `explored ${transitions} transitions`);
});

test('a complaint upheld against a takedown restores the content and invalidates the strike; not while a court is seized', () => {
  const c = ctx('2026-03-02T10:00:00Z');
  for (const s of [notified(), countered(), forwarded()]) {
    const r = go(s, { type: 'reverse_decision', complaintId: 'cp-1' }, c);
    assert.equal(r.state.kind, 'takedown_reversed');
    assert.equal(coarseState(r.state), 'restored');
    assert.equal(isContentDisabled(r.state), false);
    assert.equal(strikeStatusOf(r.state), 'invalidated');
    assert.deepEqual(messages(r.effects), [], 'the complaint outcome mail tells the parties');
    assert.equal(
      r.effects.some((e) => e.type === 'cancel_tick'),
      s.kind === 'counter_notice_forwarded',
      `${s.kind}: the scheduled restore is cancelled`,
    );
    assert.match(noop(r.state, { type: 'reverse_decision', complaintId: 'cp-1' }, c), /already reversed on complaint cp-1/);
    assert.match(refused(r.state, { type: 'reverse_decision', complaintId: 'cp-2' }, c, 'not_allowed'), /reversed on complaint cp-1/);
    refused(r.state, { type: 'receive_counter_notice', counterNoticeId: 'cn-9' }, c, 'already_restored');
    noop(r.state, { type: 'retract' }, c);
    refused(r.state, { type: 'disable', by: 'staff' }, c, 'not_allowed');
  }
  const court = go(countered(), { type: 'court_action_filed', reference: 'N.D. Cal. 26-1' }, ctx(CN_RECEIVED));
  assert.match(refused(court.state, { type: 'reverse_decision', complaintId: 'cp-1' }, c, 'not_allowed'), /court action/);
  // A closed case reopens: the takedown it closed on is reversed.
  const closed = go(notified(), { type: 'close' }, ctx('2026-03-01T10:00:00Z')).state;
  assert.equal(go(closed, { type: 'reverse_decision', complaintId: 'cp-1' }, c).state.kind, 'takedown_reversed');
  refused(startLifecycle(at(REPORTED)), { type: 'reverse_decision', complaintId: 'cp-1' }, c, 'not_allowed');
  refused(notified(), { type: 'reverse_decision', complaintId: ' ' }, c, 'invalid_event');
});

test('a complaint upheld against a rejection of hosted content disables it (a strike, no mail of its own); a forwarded notice has nothing of ours to disable', () => {
  const c = ctx('2026-03-02T10:00:00Z');
  const rejected = go(startLifecycle(at(REPORTED)), { type: 'reject', reason: 'not infringing' }, ctx(DISABLED)).state;
  const r = go(rejected, { type: 'reverse_decision', complaintId: 'cp-1' }, c);
  assert.ok(r.state.kind === 'content_disabled' && r.state.takedown.complaintId === 'cp-1' && r.state.takedown.disabledBy === 'staff');
  assert.deepEqual(r.effects, [{ type: 'strike', status: 'active', previous: null }]);
  assert.match(noop(r.state, { type: 'reverse_decision', complaintId: 'cp-1' }, c), /already had the content disabled/);
  const notifiedNow = go(r.state, { type: 'notify_customer' }, c);
  assert.deepEqual(messages(notifiedNow.effects), ['customer:takedown_notice']);
  const fwd = go(receiveItem(at(REPORTED)), { type: 'resolve', resolution: { to: 'forwarded' } }, ctx(DISABLED)).state;
  const fwdRejected = go(fwd, { type: 'reject', reason: 'abusive' }, ctx(NOTIFIED)).state;
  assert.match(refused(fwdRejected, { type: 'reverse_decision', complaintId: 'cp-1' }, c, 'not_allowed'), /proxied/);
  const back = parseLifecycleState(JSON.stringify(fwdRejected));
  assert.ok(back.ok && back.state.kind === 'rejected' && back.state.forwarded === true);
});
