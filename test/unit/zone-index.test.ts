import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ZoneIndex } from '../../src/lookup/zone-index.ts';

function index(zones: Record<string, number>): ZoneIndex {
  const z = new ZoneIndex();
  for (const [name, id] of Object.entries(zones)) z.set(name, id);
  return z;
}

test('an empty index matches nothing', () => {
  const z = new ZoneIndex();
  assert.equal(z.size, 0);
  assert.equal(z.match('example.com'), undefined);
  assert.equal(z.match('www.example.com'), undefined);
  assert.equal(z.delete('example.com'), false);
});

test('matches the zone itself and hosts below it', () => {
  const z = index({ 'example.com': 1 });
  assert.deepEqual(z.match('example.com'), { zone: 'example.com', zoneId: 1 });
  assert.deepEqual(z.match('www.example.com'), { zone: 'example.com', zoneId: 1 });
  assert.deepEqual(z.match('a.b.c.d.example.com'), { zone: 'example.com', zoneId: 1 });
});

test('longest suffix wins', () => {
  const z = index({ 'example.com': 1, 'b.example.com': 2, 'c.b.example.com': 3 });
  assert.deepEqual(z.match('a.b.example.com'), { zone: 'b.example.com', zoneId: 2 });
  assert.deepEqual(z.match('b.example.com'), { zone: 'b.example.com', zoneId: 2 });
  assert.deepEqual(z.match('x.c.b.example.com'), { zone: 'c.b.example.com', zoneId: 3 });
  assert.deepEqual(z.match('a.c.example.com'), { zone: 'example.com', zoneId: 1 });
  assert.deepEqual(z.match('bb.example.com'), { zone: 'example.com', zoneId: 1 });
});

test('a subzone matches even when its parent is not a zone', () => {
  const z = index({ 'b.example.com': 2 });
  assert.deepEqual(z.match('a.b.example.com'), { zone: 'b.example.com', zoneId: 2 });
  assert.equal(z.match('example.com'), undefined);
  assert.equal(z.match('c.example.com'), undefined);
});

test('never matches across a label boundary', () => {
  const z = index({ 'example.com': 1, 'b.example.com': 2 });
  assert.equal(z.match('badexample.com'), undefined);
  assert.equal(z.match('www.badexample.com'), undefined);
  assert.deepEqual(z.match('ab.example.com'), { zone: 'example.com', zoneId: 1 });
  assert.equal(z.match('example.com.evil'), undefined);
  assert.equal(z.match('xample.com'), undefined);
  assert.equal(z.match('com'), undefined);
});

test('public-suffix zones under multi-label suffixes', () => {
  const z = index({ 'shop-77.co.uk': 77, 'example.com.au': 5 });
  assert.deepEqual(z.match('www.shop-77.co.uk'), { zone: 'shop-77.co.uk', zoneId: 77 });
  assert.equal(z.match('other.co.uk'), undefined);
  assert.equal(z.match('co.uk'), undefined);
  assert.deepEqual(z.match('cdn.example.com.au'), { zone: 'example.com.au', zoneId: 5 });
});

test('hosts that are not normalised, single labels and IP addresses simply miss', () => {
  const z = index({ 'example.com': 1 });
  assert.equal(z.match(''), undefined);
  assert.equal(z.match('com'), undefined);
  assert.equal(z.match('WWW.EXAMPLE.COM'), undefined);
  assert.equal(z.match('192.0.2.1'), undefined);
  assert.equal(z.match('[2001:db8::1]'), undefined);
  assert.equal(z.match('a'.repeat(250) + '.example.com'), undefined); // longer than any DNS name
  assert.equal(z.match('.'), undefined);
  assert.equal(z.match('example.com.'), undefined); // trailing dot: not normalised
});

test('a 253-character host is still walked', () => {
  const z = index({ 'example.com': 1 });
  const host = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(49)}.example.com`;
  assert.equal(host.length, 253);
  assert.deepEqual(z.match(host), { zone: 'example.com', zoneId: 1 });
});

test('set replaces the id of an existing zone, whatever its encoded size', () => {
  const z = index({ 'example.com': 1 });
  for (const id of [0, 127, 128, 300, 16_383, 16_384, 2 ** 31, 2 ** 40 + 5, Number.MAX_SAFE_INTEGER, 7]) {
    z.set('example.com', id);
    assert.equal(z.size, 1);
    assert.deepEqual(z.match('www.example.com'), { zone: 'example.com', zoneId: id });
  }
});

test('delete removes exactly one zone and reports whether it existed', () => {
  const z = index({ 'example.com': 1, 'b.example.com': 2, 'example.net': 3 });
  assert.equal(z.delete('b.example.com'), true);
  assert.equal(z.size, 2);
  assert.deepEqual(z.match('a.b.example.com'), { zone: 'example.com', zoneId: 1 });
  assert.equal(z.delete('b.example.com'), false);
  assert.equal(z.delete('nope.example.com'), false);
  assert.equal(z.delete(''), false);
  assert.equal(z.delete('EXAMPLE.NET'), false);
  assert.equal(z.size, 2);
  assert.equal(z.delete('example.com'), true);
  assert.equal(z.match('a.b.example.com'), undefined);
  assert.deepEqual(z.match('example.net'), { zone: 'example.net', zoneId: 3 });
  z.set('example.com', 9);
  assert.deepEqual(z.match('x.example.com'), { zone: 'example.com', zoneId: 9 });
  assert.equal(z.size, 2);
});

test('set rejects zone names that are not normalised', () => {
  const z = new ZoneIndex();
  assert.throws(() => z.set('Example.com', 1), {
    name: 'RangeError',
    message: 'zone name "Example.com" is not normalised: "E" is not allowed (use normaliseHost)',
  });
  assert.throws(() => z.set('bücher.example', 1), {
    name: 'RangeError',
    message: 'zone name "bücher.example" is not normalised: "ü" is not allowed (use normaliseHost)',
  });
  assert.throws(() => z.set('example.com.', 1), {
    name: 'RangeError',
    message: 'zone name "example.com." has an empty label',
  });
  assert.throws(() => z.set('.example.com', 1), {
    name: 'RangeError',
    message: 'zone name ".example.com" has an empty label',
  });
  assert.throws(() => z.set('a..example.com', 1), {
    name: 'RangeError',
    message: 'zone name "a..example.com" has an empty label',
  });
  assert.throws(() => z.set('com', 1), {
    name: 'RangeError',
    message: 'zone name "com" must have at least two labels',
  });
  assert.throws(() => z.set('', 1), { name: 'RangeError', message: 'zone name must be 1 to 253 characters, got 0' });
  assert.throws(() => z.set('a'.repeat(250) + '.com', 1), {
    name: 'RangeError',
    message: 'zone name must be 1 to 253 characters, got 254',
  });
  assert.throws(() => z.set(7 as unknown as string, 1), { name: 'TypeError' });
  assert.equal(z.size, 0);
});

test('set rejects ids that are not non-negative safe integers', () => {
  const z = new ZoneIndex();
  for (const id of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
    assert.throws(() => z.set('example.com', id), {
      name: 'RangeError',
      message: `zone id must be a non-negative safe integer, got ${String(id)}`,
    });
  }
  assert.equal(z.size, 0);
});

test('grows past many table resizes and finds every zone', () => {
  const z = new ZoneIndex();
  const n = 50_000;
  for (let i = 0; i < n; i++) z.set(`site${i}.com`, i);
  assert.equal(z.size, n);
  for (let i = 0; i < n; i++) {
    assert.deepEqual(z.match(`www.site${i}.com`), { zone: `site${i}.com`, zoneId: i });
  }
  assert.equal(z.match(`site${n}.com`), undefined);
  assert.ok(z.byteLength > 0);
});

test('matches a naive reference under random set/delete churn (exercises deletion shifts and compaction)', () => {
  let seed = 12345;
  const random = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const parents = Array.from({ length: 300 }, (_, i) => `d${i}.${['com', 'co.uk', 'net'][i % 3]}`);
  const universe = [...parents];
  for (const p of parents) for (const s of ['a', 'b', 'x.a']) universe.push(`${s}.${p}`);

  const z = new ZoneIndex();
  const reference = new Map<string, number>();
  const naiveMatch = (host: string): { zone: string; zoneId: number } | undefined => {
    let best: { zone: string; zoneId: number } | undefined;
    for (const [zone, zoneId] of reference) {
      if ((host === zone || host.endsWith('.' + zone)) && (!best || zone.length > best.zone.length)) {
        best = { zone, zoneId };
      }
    }
    return best;
  };

  for (let step = 0; step < 20_000; step++) {
    const name = universe[Math.floor(random() * universe.length)]!;
    if (random() < 0.55) {
      const id = Math.floor(random() * 2 ** (1 + Math.floor(random() * 40)));
      z.set(name, id);
      reference.set(name, id);
    } else {
      assert.equal(z.delete(name), reference.delete(name), `delete ${name}`);
    }
    assert.equal(z.size, reference.size);
    if (step % 500 === 0) {
      for (const host of universe) {
        assert.deepEqual(z.match(`www.${host}`), naiveMatch(`www.${host}`), `step ${step} host www.${host}`);
      }
    }
  }
  for (const host of universe) {
    assert.deepEqual(z.match(host), naiveMatch(host), host);
    assert.deepEqual(z.match(`q.${host}`), naiveMatch(`q.${host}`), `q.${host}`);
  }
});

test('delete of everything empties the index, which is reusable', () => {
  const z = new ZoneIndex();
  const n = 20_000;
  for (let i = 0; i < n; i++) z.set(`zone-${i}.example.org`, i);
  for (let i = 0; i < n; i += 2) assert.equal(z.delete(`zone-${i}.example.org`), true);
  assert.equal(z.size, n / 2);
  for (let i = 0; i < n; i++) {
    const m = z.match(`www.zone-${i}.example.org`);
    assert.deepEqual(m, i % 2 ? { zone: `zone-${i}.example.org`, zoneId: i } : undefined);
  }
  for (let i = 1; i < n; i += 2) assert.equal(z.delete(`zone-${i}.example.org`), true);
  assert.equal(z.size, 0);
  assert.equal(z.match('www.zone-1.example.org'), undefined);
  z.set('zone-1.example.org', 42);
  assert.deepEqual(z.match('www.zone-1.example.org'), { zone: 'zone-1.example.org', zoneId: 42 });
});
