import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ITEM_STATES, canTransition, isItemState, isSettled, type ItemState } from '../../src/domain/item-state.ts';

test('the item states, in their documented order', () => {
  assert.deepEqual(
    [...ITEM_STATES],
    ['received', 'invalid', 'not_on_network', 'forwarded', 'pending_review', 'content_disabled', 'rejected', 'restored', 'retracted'],
  );
  assert.equal(new Set(ITEM_STATES).size, ITEM_STATES.length);
});

test('exactly the listed transitions are legal', () => {
  const legal = new Set([
    'received>invalid',
    'received>not_on_network',
    'received>forwarded',
    'received>pending_review',
    'forwarded>rejected',
    'pending_review>content_disabled',
    'pending_review>rejected',
    'forwarded>retracted',
    'pending_review>retracted',
    'content_disabled>restored',
    'content_disabled>retracted',
  ]);
  for (const from of ITEM_STATES) {
    for (const to of ITEM_STATES) {
      assert.equal(canTransition(from, to), legal.has(`${from}>${to}`), `${from} -> ${to}`);
    }
  }
});

test('no state moves to itself, and nothing goes back to received', () => {
  for (const s of ITEM_STATES) {
    assert.equal(canTransition(s, s), false, s);
    assert.equal(canTransition(s, 'received'), false, s);
  }
});

test('end states have no way out', () => {
  for (const from of ['invalid', 'not_on_network', 'rejected', 'restored', 'retracted'] as const) {
    for (const to of ITEM_STATES) assert.equal(canTransition(from, to), false, `${from} -> ${to}`);
  }
});

test('every state can be reached from received', () => {
  const reached = new Set<ItemState>(['received']);
  for (let changed = true; changed;) {
    changed = false;
    for (const from of [...reached]) {
      for (const to of ITEM_STATES) {
        if (!reached.has(to) && canTransition(from, to)) {
          reached.add(to);
          changed = true;
        }
      }
    }
  }
  assert.deepEqual([...reached].sort(), [...ITEM_STATES].sort());
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

test('canTransition: an unknown name is never a legal step (an unknown from-state throws)', () => {
  // Callers check isItemState first; a name outside the list must not pass as legal.
  for (const bad of ['deleted', 'toString', 'constructor', '__proto__']) {
    assert.throws(() => canTransition(bad as ItemState, 'received'), TypeError, bad);
    assert.equal(canTransition('received', bad as ItemState), false, bad);
  }
});

test('isSettled: everything but received and pending_review', () => {
  assert.deepEqual(
    ITEM_STATES.filter((s) => !isSettled(s)),
    ['received', 'pending_review'],
  );
  // A settled state that is not an end state can still be changed by staff.
  assert.ok(isSettled('forwarded'));
  assert.ok(canTransition('forwarded', 'rejected'));
});
