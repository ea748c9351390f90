// The pure parts of `safeharbor submit`: lines, grouping, keys, the template, the state file,
// the retry policy and the summary.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LineSplitter, MAX_LINE_CHARS, classifyLine } from '../../src/cli/submit/lines.ts';
import { ZoneGrouper, bufferFor, zoneOf, type Batch } from '../../src/cli/submit/grouping.ts';
import { KEY_PREFIX, idempotencyKey, noticeBody } from '../../src/cli/submit/notice-body.ts';
import { buildTemplate } from '../../src/cli/submit/template.ts';
import { StateFileError, emptyState, parseState, serializeState, stateMismatch } from '../../src/cli/submit/state.ts';
import { DEFAULT_RETRY, retryAfterMs, retryDecision } from '../../src/cli/submit/retry.ts';
import { renderSummary, summarise, type NoticeStatus, type SentBatch } from '../../src/cli/submit/summary.ts';
import { normaliseUrl } from '../../src/domain/url.ts';

const splitAll = (chunks: string[]) => {
  const s = new LineSplitter();
  return [...chunks.flatMap((c) => s.push(c)), ...s.end()];
};

describe('lines', () => {
  test('any line break, also split across chunks, ends a line; numbers count every line', () => {
    const whole = splitAll(['a\nb\r\nc\rd']);
    assert.deepEqual(
      whole.map((l) => [l.line, l.text]),
      [
        [1, 'a'],
        [2, 'b'],
        [3, 'c'],
        [4, 'd'],
      ],
    );
    // The same text cut at every position gives the same lines.
    const text = 'one\r\ntwo\n\nthree\rfour\r\n';
    for (let cut = 0; cut <= text.length; cut++) {
      assert.deepEqual(
        splitAll([text.slice(0, cut), text.slice(cut)]).map((l) => l.text),
        ['one', 'two', '', 'three', 'four'],
        `cut at ${cut}`,
      );
    }
    assert.deepEqual(
      splitAll(['x\r', '\r', '\ny']).map((l) => l.text),
      ['x', '', 'y'],
    );
  });

  test('a line longer than any URL is kept only in part and reported, without holding it whole', () => {
    const long = 'h'.repeat(MAX_LINE_CHARS * 3);
    const lines = splitAll([long.slice(0, 10_000), long.slice(10_000), '\nhttps://a.example/\n']);
    assert.equal(lines.length, 2);
    assert.equal(lines[0]!.tooLong, true);
    assert.equal(lines[0]!.text.length, MAX_LINE_CHARS);
    assert.match((classifyLine(lines[0]!) as { reason: string }).reason, /line is longer than \d+ characters/);
    assert.deepEqual(classifyLine(lines[1]!), { line: 2, type: 'url', submitted: 'https://a.example/', url: 'https://a.example/', host: 'a.example' });
  });

  test('blank lines and # comments are skipped; a bad URL says why; a BOM on the first line is dropped', () => {
    assert.equal(classifyLine({ line: 3, text: '   ', tooLong: false }).type, 'skip');
    assert.equal(classifyLine({ line: 3, text: '  # a comment', tooLong: false }).type, 'skip');
    assert.deepEqual(classifyLine({ line: 1, text: '\uFEFFhttps://a.example/x ', tooLong: false }), {
      line: 1,
      type: 'url',
      submitted: 'https://a.example/x',
      url: 'https://a.example/x',
      host: 'a.example',
    });
    assert.deepEqual(classifyLine({ line: 7, text: 'ftp://a.example/', tooLong: false }), {
      line: 7,
      type: 'bad',
      reason: 'unsupported scheme "ftp:": only http and https URLs can be acted on',
    });
  });
});

const add = (g: ZoneGrouper, raw: string): Batch[] => {
  const v = normaliseUrl(raw);
  assert.ok(v.ok, raw);
  return g.add(raw, v.url, v.host);
};

describe('grouping by zone', () => {
  test('the zone is the registrable domain (ICANN suffixes), or the IP address', () => {
    assert.equal(zoneOf('www.films.example.co.uk'), 'example.co.uk');
    assert.equal(zoneOf('cdn.a.example'), 'a.example');
    assert.equal(zoneOf('203.0.113.9'), '203.0.113.9');
    assert.equal(zoneOf('[2001:db8::1]'), '[2001:db8::1]');
    assert.equal(zoneOf('user.github.io'), 'github.io', 'private suffixes are not zones boundaries, as the zone import sees it');
  });

  test("a zone's URLs stay together; small zones are packed into as few notices as fit; a big zone is split into full notices", () => {
    const g = new ZoneGrouper({ maxPerNotice: 5 });
    const emitted: Batch[] = [];
    for (let i = 0; i < 12; i++) emitted.push(...add(g, `https://big.example/${i}`));
    for (const [zone, n] of [
      ['c.example', 3],
      ['a.example', 2],
      ['b.example', 2],
      ['d.example', 1],
    ] as const) {
      for (let i = 0; i < n; i++) emitted.push(...add(g, `https://www.${zone}/${i}`));
    }
    assert.equal(emitted.length, 2, 'big.example leaves as two full notices while reading');
    assert.deepEqual(
      emitted.map((b) => b.zones),
      [[['big.example', 5]], [['big.example', 5]]],
    );
    const rest = g.finish();
    // First-fit decreasing, ties by name: c 3, a 2 | b 2, big.example's last 2, d 1.
    assert.deepEqual(
      rest.map((b) => b.zones),
      [
        [
          ['c.example', 3],
          ['a.example', 2],
        ],
        [
          ['b.example', 2],
          ['big.example', 2],
          ['d.example', 1],
        ],
      ],
    );
    assert.deepEqual(rest[1]!.urls, [
      'https://www.b.example/0',
      'https://www.b.example/1',
      'https://big.example/10',
      'https://big.example/11',
      'https://www.d.example/0',
    ]);
    assert.deepEqual(g.finish(), [], 'nothing is left after finish');
  });

  test('duplicates (after normalisation) are folded within the buffer and counted', () => {
    const g = new ZoneGrouper({ maxPerNotice: 100 });
    add(g, 'https://a.example/x');
    add(g, 'HTTPS://A.EXAMPLE/x');
    add(g, 'https://a.example/y');
    assert.equal(g.duplicatesFolded, 1);
    assert.deepEqual(g.finish(), [{ urls: ['https://a.example/x', 'https://a.example/y'], zones: [['a.example', 2]] }]);
  });

  test('memory is bounded: a full buffer is packed and sent, and the same input always gives the same notices', () => {
    assert.equal(bufferFor({ maxPerNotice: 10_000 }), 200_000);
    assert.equal(bufferFor({ maxPerNotice: 250_000 }), 500_000);
    const run = () => {
      const g = new ZoneGrouper({ maxPerNotice: 4, bufferUrls: 6 });
      const out: Batch[] = [];
      for (let i = 0; i < 20; i++) out.push(...add(g, `https://z${i % 7}.example/${i}`));
      return [...out, ...g.finish()];
    };
    const batches = run();
    assert.deepEqual(run(), batches);
    assert.equal(
      batches.reduce((n, b) => n + b.urls.length, 0),
      20,
      'every URL once',
    );
    assert.ok(batches.every((b) => b.urls.length <= 4));
    // Six URLs of six zones fill the buffer: packed 4 + 2 before the 7th line is read.
    assert.deepEqual(
      batches[0]!.zones.map(([z]) => z),
      ['z0.example', 'z1.example', 'z2.example', 'z3.example'],
    );
  });

  test('a buffer of one-URL zones with a small maximum packs in near-linear time (a linear first-fit search would be quadratic)', () => {
    const g = new ZoneGrouper({ maxPerNotice: 2, bufferUrls: 50_000 });
    const out: Batch[] = [];
    for (let i = 0; i < 50_000; i++) out.push(...g.add(`https://z${i}.example/`, `https://z${i}.example/`, `z${i}.example`));
    out.push(...g.finish());
    assert.equal(out.length, 25_000);
    assert.ok(out.every((b) => b.urls.length === 2 && b.zones.length === 2));
  });
});

describe('idempotency keys', () => {
  test('derived from template and URLs: equal bodies, equal keys, whatever the key order; anything else changes them', () => {
    const t = { kind: 'copyright', work: { description: 'Film' } };
    const k = idempotencyKey(noticeBody(t, ['https://a.example/1']));
    assert.ok(k.startsWith(KEY_PREFIX) && k.length <= 255);
    assert.equal(idempotencyKey(noticeBody({ work: { description: 'Film' }, kind: 'copyright' }, ['https://a.example/1'])), k);
    assert.notEqual(idempotencyKey(noticeBody(t, ['https://a.example/2'])), k);
    assert.notEqual(idempotencyKey(noticeBody({ ...t, work: { description: 'Other film' } }, ['https://a.example/1'])), k);
  });
});

const complete = { work: 'Film', name: 'Jane Doe', email: 'jane@studio.test', address: '1 Studio Way', country: 'US', signature: 'Jane Doe', affirm: true };

describe('the notice template', () => {
  test('flags make a complete DMCA notice: --work --name --email --address --country --signature --affirm', () => {
    const r = buildTemplate(undefined, complete);
    assert.ok(r.ok, JSON.stringify(r));
    assert.deepEqual(r.template, {
      work: { description: 'Film' },
      claimant: { name: 'Jane Doe', email: 'jane@studio.test', address: '1 Studio Way', country: 'US' },
      signature: 'Jane Doe',
      statements: { good_faith_belief: true, accuracy_and_authority: true },
    });
  });

  test('flags lay over the --notice file: --company, --kind, --regime, --explanation, and --affirm affirms what the regime asks', () => {
    const file = { claimant: { name: 'Sam', email: 'old@bank.test' }, notify: { host: 'send-anon' }, work: { urls: ['https://studio.test/'] } };
    const r = buildTemplate(file, {
      kind: 'phishing',
      regime: 'dsa',
      email: 'sam@bank.test',
      company: 'Example Bank',
      explanation: 'A copy of our login page.',
      affirm: true,
    });
    assert.equal(r.ok, false, 'work is not part of a phishing report');
    const { work: _work, ...phishing } = file;
    const r2 = buildTemplate(phishing, {
      kind: 'phishing',
      regime: 'dsa',
      email: 'sam@bank.test',
      company: 'Example Bank',
      explanation: 'A copy of our login page.',
      affirm: true,
    });
    assert.ok(r2.ok, JSON.stringify(r2));
    assert.deepEqual(r2.template, {
      claimant: { name: 'Sam', email: 'sam@bank.test', company: 'Example Bank' },
      notify: { host: 'send-anon' },
      kind: 'phishing',
      regime: 'dsa',
      explanation: 'A copy of our login page.',
      statements: { accurate_and_complete: true },
    });
    const w = buildTemplate(file, complete);
    assert.deepEqual(w.ok && w.template.work, { urls: ['https://studio.test/'], description: 'Film' }, '--work keeps work.urls of the file');
  });

  test("a kind's missing elements are every one named, with the flag that sets it, before anything is sent", () => {
    const r = buildTemplate(undefined, { ...complete, email: undefined, affirm: false });
    assert.equal(r.ok, false);
    assert.deepEqual(!r.ok && r.errors.map((e) => e.field), ['claimant.email', 'statements.good_faith_belief', 'statements.accuracy_and_authority']);
    assert.match(!r.ok ? r.errors[0]!.message : '', /^email is required \(--email, or claimant\.email in the --notice file\)$/);
    const t = buildTemplate({ kind: 'trademark', claimant: { name: 'A', email: 'a@b.test' }, explanation: 'x' }, {});
    assert.deepEqual(!t.ok && t.errors.map((e) => e.field), ['trademark']);
    const u = buildTemplate({ urls: ['https://a.example/'] }, complete);
    assert.deepEqual(!u.ok && u.errors, [{ field: 'urls', message: 'the URLs come from the input file: leave urls out of the --notice file' }]);
    assert.deepEqual(buildTemplate([1], {}), { ok: false, errors: [{ field: '(notice)', message: 'the --notice file must hold a JSON object' }] });
  });
});

describe('the state file', () => {
  test('round-trips, refuses what is not one by field, and belongs to one server and reporter', () => {
    const s = emptyState('http://127.0.0.1:8080', 'p-1', '/tmp/urls.txt');
    s.acknowledged['k1'] = { notice_id: 'n-1', urls: 5, zones: 2, acknowledged_at: '2026-07-01T00:00:00.000Z' };
    assert.deepEqual(parseState(serializeState(s), 'f.json'), s);
    assert.throws(
      () => parseState('{', 'f.json'),
      (e: Error) => e instanceof StateFileError && /^f\.json: not a submit state file \(not JSON/.test(e.message),
    );
    assert.throws(() => parseState('{"version":2}', 'f.json'), /not a submit state file of version 1/);
    const bad = JSON.parse(serializeState(s));
    bad.acknowledged.k1.urls = 'five';
    assert.throws(() => parseState(JSON.stringify(bad), 'f.json'), /f\.json: acknowledged\["k1"\] must be/);
    assert.equal(stateMismatch(s, 'http://127.0.0.1:8080', 'p-1', 'f.json'), null);
    assert.match(stateMismatch(s, 'http://other:8080', 'p-1', 'f.json')!, /records notices sent to http:\/\/127\.0\.0\.1:8080, not http:\/\/other:8080/);
    assert.match(stateMismatch(s, 'http://127.0.0.1:8080', 'p-2', 'f.json')!, /notices of reporter p-1, but the token belongs to p-2/);
  });
});

describe('retries', () => {
  const now = Date.parse('2026-07-01T12:00:00Z');
  const half = () => 0.5;
  test('429 waits as long as Retry-After says, in seconds or as a date', () => {
    assert.equal(retryAfterMs('7', now), 7000);
    assert.equal(retryAfterMs('Wed, 01 Jul 2026 12:00:30 GMT', now), 30_000);
    assert.equal(retryAfterMs('soon', now), null);
    assert.deepEqual(retryDecision(1, { status: 429, retryAfter: '7' }, now), { retry: true, delayMs: 7000, why: 'rate limited (429)' });
    assert.deepEqual(retryDecision(1, { status: 429, retryAfter: '3600' }, now).retry && retryDecision(1, { status: 429, retryAfter: '3600' }, now), {
      retry: true,
      delayMs: DEFAULT_RETRY.maxRetryAfterMs,
      why: 'rate limited (429)',
    });
  });
  test('5xx and connection errors back off exponentially up to a cap; 4xx and the last attempt are final', () => {
    const delays = [1, 2, 3, 4, 10].map((a) => {
      const d = retryDecision(a, { status: 503 }, now, { ...DEFAULT_RETRY, maxAttempts: 20 }, half);
      return d.retry ? d.delayMs : null;
    });
    assert.deepEqual(delays, [375, 750, 1500, 3000, 22_500]);
    assert.deepEqual(retryDecision(1, { networkError: 'ECONNREFUSED' }, now, DEFAULT_RETRY, half), { retry: true, delayMs: 375, why: 'ECONNREFUSED' });
    assert.deepEqual(retryDecision(1, { status: 422 }, now), { retry: false });
    assert.deepEqual(retryDecision(1, { status: 409 }, now), { retry: false });
    assert.deepEqual(retryDecision(DEFAULT_RETRY.maxAttempts, { status: 503 }, now), { retry: false });
  });
});

describe('the summary', () => {
  test("adds up the server's counts per state over the notices, and says what is unfinished", () => {
    const batches: SentBatch[] = [
      { key: 'k1', notice_id: 'n1', urls: 3, zones: 1, outcome: 'filed' },
      { key: 'k2', notice_id: 'n2', urls: 2, zones: 2, outcome: 'skipped' },
      { key: 'k3', notice_id: 'n3', urls: 1, zones: 1, outcome: 'replayed' },
    ];
    const statuses = new Map<string, NoticeStatus>([
      ['n1', { status: 'processed', counts: { forwarded: 2, not_on_network: 1 } }],
      ['n2', { status: 'processed', counts: { forwarded: 2 } }],
      ['n3', { status: 'processing', counts: { received: 1 } }],
    ]);
    const lines = { read: 10, urls: 7, skipped: 2, bad: 1, duplicates_folded: 1 };
    const s = summarise({ input: 'urls.txt', dryRun: false, lines, badLines: [{ line: 4, reason: 'no host' }], batches, statuses, error: null });
    assert.deepEqual(s.notices, { total: 3, filed: 1, replayed: 1, skipped: 1, processed: 2, unprocessed: 1 });
    assert.equal(s.urls, 6);
    assert.deepEqual(s.items, { forwarded: 4, not_on_network: 1, received: 1 });
    assert.equal(s.complete, false, 'a bad line means not everything was filed');
    assert.equal(
      renderSummary(s),
      [
        'urls.txt: 10 lines read: 7 URLs, 2 blank or comment, 1 bad line skipped, 1 duplicate folded',
        '3 notices with 6 URLs: 1 filed now, 1 already on the server (same Idempotency-Key), 1 skipped (acknowledged in an earlier run)',
        '2 processed, 1 still being processed (--wait waits for them)',
        'URLs by state: forwarded 4, not_on_network 1, received 1',
      ].join('\n'),
    );
  });
});
