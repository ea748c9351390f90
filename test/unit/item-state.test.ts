import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ITEM_STATES, isItemState, isSettled } from '../../src/domain/item-state.ts';
import { US_FEDERAL_CALENDAR } from '../../src/domain/business-days.ts';
import { coarseState, receiveItem, transition, DEFAULT_LIFECYCLE_POLICY, type LifecycleContext } from '../../src/domain/takedown-lifecycle.ts';

const c: LifecycleContext = { now: new Date('2026-02-23T16:00:00Z'), calendar: US_FEDERAL_CALENDAR, policy: DEFAULT_LIFECYCLE_POLICY };

test('the item states, in their documented order', () => {
  assert.deepEqual(
    [...ITEM_STATES],
    ['received', 'invalid', 'not_on_network', 'forwarded', 'pending_review', 'content_disabled', 'rejected', 'restored', 'retracted'],
  );
  assert.equal(new Set(ITEM_STATES).size, ITEM_STATES.length);
});

test('isItemState: only the exact names, not prototype keys or look-alikes', () => {
  for (const s of ITEM_STATES) assert.ok(isItemState(s), s);
  for (const s of [
    '',
    'Received',
    'RECEIVED',
    ' received',
    'received ',
    'pending-review',
    'deleted',
    'toString',
    'constructor',
    '__proto__',
    'hasOwnProperty',
    'received\u0000',
    'forwarded,rejected',
  ]) {
    assert.equal(isItemState(s), false, JSON.stringify(s));
  }
});

test('isSettled: everything but received and pending_review', () => {
  assert.deepEqual(
    ITEM_STATES.filter((s) => !isSettled(s)),
    ['received', 'pending_review'],
  );
  // A settled state that is not an end state can still be changed by staff: the one machine
  // (takedown-lifecycle.ts) takes a forwarded URL to rejected. Its unit test checks the whole
  // list of coarse steps; invalid is a first state (filing), not a step.
  assert.ok(isSettled('forwarded'));
  const fwd = transition(receiveItem(new Date('2026-02-23T15:00:00Z')), { type: 'resolve', resolution: { to: 'forwarded' } }, c);
  assert.ok(fwd.ok && fwd.changed);
  const rej = transition(fwd.state, { type: 'reject', reason: 'abusive' }, c);
  assert.ok(rej.ok && rej.changed && coarseState(rej.state) === 'rejected');
  assert.equal(coarseState(receiveItem(new Date(0), 'not a URL')), 'invalid');
});
