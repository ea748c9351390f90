import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exponentialBackoff } from '../../src/domain/backoff.ts';
import { backoffSeconds } from '../../src/services/mailer.ts';

test('the wait doubles from the base after each failure and stops at the cap', () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5].map((a) => exponentialBackoff(a, 30, 200)),
    [30, 60, 120, 200, 200],
  );
  assert.equal(exponentialBackoff(0, 30, 200), 30, 'no failure yet waits the base');
  assert.equal(exponentialBackoff(10_000, 1, 5_000), 5_000, 'a huge attempt count is the cap, not Infinity');
  assert.deepEqual([1, 2, 8].map(backoffSeconds), [30, 60, 3600], 'mail: 30 s doubling, at most an hour');
});
