import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { backoffMs, interpretBatchAnswer, interpretExistingPuid, MAX_BATCH, nextBatch } from '../../src/dsa/domain/transparency-submission.ts';
import { configFromEnv, Secret, transparencyDbFromEnv } from '../../src/config.ts';

const pending = (n: number, alone: number[] = []) => Array.from({ length: n }, (_, i) => ({ puid: `sor-${i}`, sendAlone: alone.includes(i) }));

test('batches: up to the size asked, never more than 100, at least one; one that must go alone goes alone', () => {
  assert.equal(nextBatch(pending(250), 100).length, 100);
  assert.equal(nextBatch(pending(250), 500).length, MAX_BATCH);
  assert.equal(nextBatch(pending(250), 0).length, 1);
  assert.equal(nextBatch(pending(250), 7).length, 7);
  assert.deepEqual(
    nextBatch(pending(3), 100).map((p) => p.puid),
    ['sor-0', 'sor-1', 'sor-2'],
    'oldest first, in order',
  );
  assert.deepEqual(nextBatch([], 100), []);
  assert.deepEqual(
    nextBatch(pending(5, [0]), 100).map((p) => p.puid),
    ['sor-0'],
  );
  assert.deepEqual(
    nextBatch(pending(5, [2]), 100).map((p) => p.puid),
    ['sor-0', 'sor-1', 'sor-3', 'sor-4'],
    'it waits for its own turn rather than sink the others again',
  );
});

const puids = ['sor-a', 'sor-b', 'sor-c'];

test('201: the batch is stored', () => {
  assert.deepEqual(interpretBatchAnswer(puids, { status: 201, body: { statements: [] } }), { outcome: 'stored' });
});

test('no answer, 5xx, 401, 429, a redirect: nothing was stored, try again later, the reason kept', () => {
  const r = (status: number | null, body: unknown = null, error?: string) => interpretBatchAnswer(puids, { status, body, error });
  assert.deepEqual(r(null, null, 'ECONNRESET'), { outcome: 'retry', error: 'no answer: ECONNRESET' });
  assert.deepEqual(r(500, { message: 'Server Error' }), { outcome: 'retry', error: 'HTTP 500: Server Error' });
  assert.deepEqual(r(503, '<html>down</html>'), { outcome: 'retry', error: 'HTTP 503' });
  assert.deepEqual(r(401, { message: 'Unauthenticated.' }), {
    outcome: 'retry',
    error: 'HTTP 401 (the Transparency Database refused the token): Unauthenticated.',
  });
  assert.equal(r(429).outcome, 'retry');
  assert.equal(r(302).outcome, 'retry');
  assert.equal(r(200).outcome, 'retry', 'only 201 means stored');
});

test('422 naming a duplicate puid, an invalid statement and leaving one alone', () => {
  const r = interpretBatchAnswer(puids, {
    status: 422,
    body: {
      message: 'The given data was invalid.',
      errors: {
        'statements.0.puid': ['The identifier given is not unique within this platform.'],
        'statements.2.decision_facts': ['The decision facts field is required.'],
        'statements.2.category': ['The selected category is invalid.'],
      },
    },
  });
  assert.deepEqual(r, {
    outcome: 'refused',
    duplicates: ['sor-a'],
    invalid: [{ puid: 'sor-c', error: 'decision_facts: The decision facts field is required.; category: The selected category is invalid.' }],
    resend: ['sor-b'],
    error: 'HTTP 422: 1 already stored, 1 invalid, 1 to send again',
  });
});

test('422 for a batch of one in the single-statement form is that statement’s', () => {
  const dup = interpretBatchAnswer(['sor-x'], { status: 422, body: { message: 'x', errors: { puid: ['The puid has already been taken.'] } } });
  assert.equal(dup.outcome === 'refused' && dup.duplicates[0], 'sor-x');
  const bad = interpretBatchAnswer(['sor-x'], { status: 422, body: { message: 'x', errors: { content_date: ['The content date is not a valid date.'] } } });
  assert.deepEqual(bad.outcome === 'refused' && bad.invalid, [{ puid: 'sor-x', error: 'content_date: The content date is not a valid date.' }]);
  const vague = interpretBatchAnswer(['sor-x'], { status: 422, body: 'Unprocessable' });
  assert.deepEqual(vague.outcome === 'refused' && vague.invalid, [{ puid: 'sor-x', error: 'HTTP 422: HTTP 422 without a reason' }]);
});

test('422 that names no statement of several: each goes alone next, so the next answer does', () => {
  const r = interpretBatchAnswer(puids, {
    status: 422,
    body: { message: 'The statements field must have at most 100 items.', errors: { statements: ['too many'] } },
  });
  assert.deepEqual(r, { outcome: 'isolate', error: 'HTTP 422: The statements field must have at most 100 items.; statements: too many' });
  assert.equal(
    interpretBatchAnswer(puids, { status: 422, body: { errors: { 'statements.7.puid': ['taken'] } } }).outcome,
    'isolate',
    'an index outside the batch names none of it',
  );
});

test('existing-puid: found, not found, or no telling', () => {
  assert.equal(interpretExistingPuid(200), 'exists');
  assert.equal(interpretExistingPuid(302), 'exists');
  assert.equal(interpretExistingPuid(404), 'absent');
  assert.equal(interpretExistingPuid(500), 'unknown');
  assert.equal(interpretExistingPuid(401), 'unknown');
  assert.equal(interpretExistingPuid(null), 'unknown');
});

test('backoff doubles from the base up to the cap', () => {
  const b = { baseMs: 1000, maxMs: 30_000 };
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 7, 100].map((n) => backoffMs(n, b)),
    [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000],
  );
  assert.equal(backoffMs(0, b), 1000, 'the first failure waits the base');
  assert.equal(backoffMs(1), 10_000);
});

test('configuration: off when unset, both variables or neither, a plain base URL; the token never shows', () => {
  assert.equal(configFromEnv({}).transparencyDb, null);
  const c = transparencyDbFromEnv('https://transparency.dsa.ec.europa.eu/', 'tok-secret-123');
  assert.equal(c?.url, 'https://transparency.dsa.ec.europa.eu');
  assert.equal(c?.token.reveal(), 'tok-secret-123');
  assert.equal(c?.batchSize, 100);
  for (const shown of [JSON.stringify(c), inspect(c, { depth: 5 }), String(c?.token), `${new Secret('x')}`]) assert.doesNotMatch(shown, /tok-secret-123|"x"/);
  assert.throws(() => transparencyDbFromEnv('https://tdb.example', undefined), /SAFEHARBOR_DSA_TDB_TOKEN is required/);
  assert.throws(() => transparencyDbFromEnv(undefined, 'tok'), /SAFEHARBOR_DSA_TDB_URL is not/);
  assert.throws(() => transparencyDbFromEnv('not a url', 'tok'), /SAFEHARBOR_DSA_TDB_URL must be a URL/);
  assert.throws(() => transparencyDbFromEnv('ftp://tdb.example', 'tok'), /SAFEHARBOR_DSA_TDB_URL must be an http\(s\) URL/);
  assert.throws(() => transparencyDbFromEnv('https://user:pw@tdb.example', 'tok'), /plain base URL/);
  assert.equal(configFromEnv({ SAFEHARBOR_DSA_TDB_URL: 'http://127.0.0.1:9/', SAFEHARBOR_DSA_TDB_TOKEN: 't' }).transparencyDb?.url, 'http://127.0.0.1:9');
});
