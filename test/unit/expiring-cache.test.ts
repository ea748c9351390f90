import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExpiringCache } from '../../src/services/expiring-cache.ts';

const clock = () => {
  let t = 1_000;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
};

test('an entry is served until its max age, then no more', () => {
  const c = clock();
  const cache = new ExpiringCache<string>({ maxEntries: 10, maxAgeMs: 5000, now: c.now });
  cache.set('k', 'v', cache.generation);
  c.advance(4999);
  assert.equal(cache.get('k'), 'v');
  c.advance(1);
  assert.equal(cache.get('k'), undefined);
  assert.equal(cache.size, 0, 'an expired entry found is dropped');
});

test('an entry expires sooner when its own end comes first', () => {
  const c = clock();
  const cache = new ExpiringCache<string>({ maxEntries: 10, maxAgeMs: 5000, now: c.now });
  cache.set('k', 'v', cache.generation, c.now() + 1000);
  c.advance(1000);
  assert.equal(cache.get('k'), undefined);
  cache.set('past', 'v', cache.generation, c.now());
  assert.equal(cache.size, 0, 'nothing already over is stored');
});

test('beyond its size the least recently used entry goes', () => {
  const cache = new ExpiringCache<number>({ maxEntries: 2, maxAgeMs: 5000 });
  cache.set('a', 1, cache.generation);
  cache.set('b', 2, cache.generation);
  assert.equal(cache.get('a'), 1); // b is now the least recently used
  cache.set('c', 3, cache.generation);
  assert.deepEqual([cache.get('a'), cache.get('b'), cache.get('c')], [1, undefined, 3]);
});

test('a value read before a clear is not stored after it', () => {
  const cache = new ExpiringCache<string>({ maxEntries: 10, maxAgeMs: 5000 });
  cache.set('k', 'old', cache.generation);
  const readAt = cache.generation;
  cache.clear(); // e.g. a revocation announced while the read was on its way
  assert.equal(cache.get('k'), undefined);
  cache.set('k', 'read before the clear', readAt);
  assert.equal(cache.get('k'), undefined);
  cache.set('k', 'read after', cache.generation);
  assert.equal(cache.get('k'), 'read after');
});

test('a max age of 0 caches nothing', () => {
  const cache = new ExpiringCache<string>({ maxEntries: 10, maxAgeMs: 0 });
  cache.set('k', 'v', cache.generation);
  assert.equal(cache.get('k'), undefined);
});

test('beyond its weight the least recently used entries go; one heavier than all of it is not stored', () => {
  const cache = new ExpiringCache<string>({ maxEntries: 10, maxAgeMs: 5000, maxWeight: 10 });
  cache.set('a', 'a', cache.generation, Infinity, 4);
  cache.set('b', 'b', cache.generation, Infinity, 4);
  cache.set('c', 'c', cache.generation, Infinity, 4);
  assert.deepEqual([cache.get('a'), cache.get('b'), cache.get('c')], [undefined, 'b', 'c']);
  cache.set('b', 'b2', cache.generation, Infinity, 1); // replacing an entry gives back its weight
  cache.set('d', 'd', cache.generation, Infinity, 5);
  assert.deepEqual([cache.get('b'), cache.get('c'), cache.get('d')], ['b2', 'c', 'd']);
  cache.set('huge', 'x', cache.generation, Infinity, 11);
  assert.equal(cache.get('huge'), undefined);
  assert.equal(cache.size, 3);
});

test('deleteWhere drops the matching keys, and a value read before it is not stored after it', () => {
  const cache = new ExpiringCache<string>({ maxEntries: 10, maxAgeMs: 5000 });
  cache.set('n1 a', 'v', cache.generation);
  cache.set('n1 b', 'v', cache.generation);
  cache.set('n2 a', 'v', cache.generation);
  const readAt = cache.generation;
  cache.deleteWhere((k) => k.startsWith('n1 '));
  assert.deepEqual([cache.get('n1 a'), cache.get('n1 b'), cache.get('n2 a')], [undefined, undefined, 'v']);
  cache.set('n1 a', 'read before', readAt);
  assert.equal(cache.get('n1 a'), undefined);
});
