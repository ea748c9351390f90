// Submission of statements of reasons to the DSA Transparency Database, on both stores, against a
// local server that holds to the database's contract (test/support/transparency-db-server.ts):
// 130 restrictions and one statement the database refuses as invalid; the database fails twice
// with 500, drops a connection, and loses its answer after storing a batch. In the end it holds
// every valid puid exactly once, submitted_at is set for each, the lost batch was recognised as
// already stored, the invalid statement is recorded and not sent again, the work went in several
// batches of at most 100, staff see it all, and the token is nowhere in the server's log.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { storeKinds } from '../support/stores.ts';
import { startTestServer, waitUntil, type TestServer } from '../support/server.ts';
import { startTransparencyDb, type TestTransparencyDb } from '../support/transparency-db-server.ts';
import { Secret } from '../../src/config.ts';

const schema = JSON.parse(readFileSync(new URL('../../src/dsa/statement-schema.json', import.meta.url), 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: true, strictRequired: false }).compile(schema);

const ACCOUNTS = 130;
const id = (i: number) => String(i).padStart(3, '0');
const ZONES =
  'account_id,account_name,account_email,zone,mode,origin\n' +
  Array.from({ length: ACCOUNTS }, (_, i) => `h${id(i)},Hosted ${id(i)},h${id(i)}@hosted.test,site${id(i)}.example,hosted,198.51.100.${(i % 250) + 1}`).join(
    '\n',
  ) +
  '\n';
const TOKEN = `tdb-token-${randomUUID()}`;
const INVALID_PUID = 'sor-fixture-invalid-1';

for (const store of storeKinds()) {
  describe(`DSA Transparency Database submission (${store} store)`, () => {
    let tdb: TestTransparencyDb;
    let s: TestServer;
    const log: string[] = [];
    let noticeId: string;

    before(async () => {
      tdb = await startTransparencyDb(TOKEN);
      s = await startTestServer(store, {
        config: { transparencyDb: { url: tdb.url, token: new Secret(TOKEN), batchSize: 100, retryBaseMs: 50, retryMaxMs: 400, timeoutMs: 5000 } },
        logger: { level: 'info', stream: { write: (line) => void log.push(line) } },
      });
      // Held while the decisions are made, so that the failures below meet the batches in a known order.
      await s.server.daemon.transparencyDb!.stop();
      await s.loadZones(ZONES);
      const dana = await s.reporter('dana@bank.test');
      const n = await s.api('/v1/notices', {
        token: dana.token,
        body: {
          kind: 'phishing',
          regime: 'dsa',
          urls: Array.from({ length: ACCOUNTS }, (_, i) => `https://site${id(i)}.example/login`),
          claimant: { name: 'Dana Notifier', email: 'dana@bank.test', company: 'Example Bank AG' },
          explanation: 'The pages imitate the Example Bank login and collect passwords.',
          statements: { accurate_and_complete: true },
        },
      });
      assert.equal(n.status, 201, JSON.stringify(n.body));
      noticeId = n.body.id;
      await waitUntil(
        () => s.api(`/v1/notices/${noticeId}`, { token: s.adminToken }),
        (x) => x.body.status === 'processed',
        30_000,
        'notice processed',
      );
      const d = await s.api(`/v1/notices/${noticeId}/review`, {
        token: s.adminToken,
        body: { action: 'disable', state: 'pending_review', note: 'Credential-phishing copies of the bank’s login.' },
      });
      assert.equal(d.status, 200, JSON.stringify(d.body));
      // A statement the database refuses: as an earlier version could have stored it, without its facts.
      const model = await s.store.db.selectFrom('statements_of_reasons').select(['statement', 'urls']).executeTakeFirstOrThrow();
      const { decision_facts: _facts, ...withoutFacts } = model.statement;
      await s.store.db
        .insertInto('statements_of_reasons')
        .values({
          id: randomUUID(),
          puid: INVALID_PUID,
          notice_id: noticeId,
          account_id: 'h000',
          step_id: 'fixture',
          restriction: 'content_disabled',
          kind: 'phishing',
          regime: 'dsa',
          urls: model.urls,
          statement: JSON.stringify({ ...withoutFacts, puid: INVALID_PUID }),
          plain: JSON.stringify({}),
          actor: 'system',
          issued_at: new Date(Date.now() + 1000),
        })
        .execute();
      tdb.fail('status500', 2);
      tdb.fail('drop');
      tdb.fail('lose');
      s.server.daemon.transparencyDb!.start();
    });
    after(async () => {
      await s?.close();
      await tdb?.close();
    });

    const overview = async () => {
      const r = await s.api('/v1/statements/submissions?limit=500', { token: s.adminToken });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body;
    };

    test('every statement reaches the database once, through failures, in batches of at most 100', async () => {
      const done = await waitUntil(overview, (o) => o.counts.pending === 0, 60_000, 'nothing pending');
      assert.deepEqual(done.counts, { pending: 0, submitted: ACCOUNTS, failed: 1 });
      const rows = await s.store.db.selectFrom('statements_of_reasons').select(['puid', 'submitted_at']).execute();
      const valid = rows.filter((r) => r.puid !== INVALID_PUID);
      assert.equal(valid.length, ACCOUNTS);
      for (const r of valid) {
        assert.ok(r.submitted_at, `${r.puid} has submitted_at`);
        assert.equal(tdb.storedTimes.get(r.puid), 1, `${r.puid} stored exactly once`);
      }
      assert.equal(tdb.stored.size, ACCOUNTS, 'and nothing else');
      assert.ok(!tdb.stored.has(INVALID_PUID));
      assert.equal(rows.find((r) => r.puid === INVALID_PUID)!.submitted_at, null);

      for (const p of tdb.posts) assert.ok(p.puids.length <= 100, `a batch of ${p.puids.length}`);
      const outcomes = tdb.posts.map((p) => p.outcome);
      assert.deepEqual(outcomes.slice(0, 4), [500, 500, 'dropped', 'lost'], 'the failures, each followed by a try again');
      const stored = tdb.posts.filter((p) => p.outcome === 201 || p.outcome === 'lost');
      assert.ok(stored.length >= 2, `several batches: ${JSON.stringify(outcomes)}`);
      assert.equal(
        stored.reduce((n, p) => n + p.puids.length, 0),
        ACCOUNTS,
      );
    });

    test('the batch whose answer was lost is recognised as stored: confirmed puid by puid, not stored twice', async () => {
      const lost = tdb.posts.find((p) => p.outcome === 'lost')!;
      assert.equal(lost.puids.length, 100);
      const resent = tdb.posts.find((p) => p.outcome === 422 && p.puids.includes(lost.puids[0]!));
      assert.ok(resent, 'sent again, and refused as duplicates');
      assert.deepEqual([...new Set(tdb.lookups)].sort(), [...lost.puids].sort(), 'each confirmed with existing-puid');
      const events = await s.store.db
        .selectFrom('events')
        .select(['type', 'data'])
        .where('type', 'in', ['statement.submitted', 'statement.submission_rejected', 'statement.submission_deferred'])
        .execute();
      const submitted = events.filter((e) => e.type === 'statement.submitted');
      assert.equal(submitted.length, ACCOUNTS, 'one event per statement submitted');
      assert.equal(submitted.filter((e) => (e.data as { via: string }).via === 'already_stored').length, 100);
      assert.equal(events.filter((e) => e.type === 'statement.submission_rejected').length, 1);
      assert.ok(events.filter((e) => e.type === 'statement.submission_deferred').length >= 4, 'each failure in the log');
    });

    test('the statement refused as invalid is recorded with the reason and not sent again', async () => {
      const o = await overview();
      assert.equal(o.failed.length, 1);
      assert.equal(o.failed[0].puid, INVALID_PUID);
      assert.match(o.failed[0].error, /decision_facts/);
      const sentWith = () => tdb.posts.filter((p) => p.puids.includes(INVALID_PUID)).length;
      const before = sentWith();
      assert.equal(before, 1, 'refused on its first answer');
      const posts = tdb.posts.length;
      await new Promise((r) => setTimeout(r, 1500)); // many polls, longer than the longest backoff
      assert.equal(sentWith(), before);
      assert.equal(tdb.posts.length, posts, 'nothing more to send');
    });

    test('staff see every call: the failures with their status, the lookups, the counts', async () => {
      const o = await overview();
      assert.equal(o.enabled, true);
      const submits = o.attempts.filter((a: { kind: string }) => a.kind === 'submit');
      const statuses = submits.map((a: { status_code: number | null }) => a.status_code);
      assert.equal(statuses.filter((c: number | null) => c === 500).length, 2);
      assert.equal(statuses.filter((c: number | null) => c === null).length, 2, 'the dropped connection and the lost answer');
      assert.ok(statuses.includes(201));
      assert.ok(statuses.includes(422));
      assert.equal(o.attempts.filter((a: { kind: string; outcome: string }) => a.kind === 'lookup' && a.outcome === 'exists').length, 100);
      for (const a of submits.filter((x: { status_code: number | null }) => x.status_code === 500)) assert.match(a.error, /HTTP 500/);
      assert.equal((await s.api('/v1/statements/submissions', { token: (await s.reporter()).token })).status, 403);
      const bad = await s.api('/v1/statements/submissions?limit=0', { token: s.adminToken });
      assert.equal(bad.status, 422);
      assert.deepEqual(
        bad.body.errors.map((e: { field: string }) => e.field),
        ['limit'],
      );
    });

    test('the token is sent to the database and never written to the log', async () => {
      assert.equal(tdb.unauthorized, 0, 'every call carried it');
      const anonymous = await fetch(`${tdb.url}/api/v1/statements`, { method: 'POST', body: '{}' });
      assert.equal(anonymous.status, 401, 'the stand-in insists on it, as the database does');
      assert.ok(
        log.some((l) => l.includes('not stored')),
        'the failures were logged (so the log was captured)',
      );
      assert.ok(!log.some((l) => l.includes(TOKEN)), 'no log line holds the token');
      assert.ok(!log.join('\n').includes(TOKEN.slice(-12)));
    });

    test('the batch export still gives valid statements in the database’s shape', async () => {
      let cursor: string | null = '';
      let seen = 0;
      while (cursor !== null) {
        const r = await s.api(`/v1/statements/export?limit=100${cursor ? `&cursor=${cursor}` : ''}`, { token: s.adminToken });
        assert.equal(r.status, 200, JSON.stringify(r.body));
        for (const st of r.body.statements) {
          if (st.puid === INVALID_PUID) continue;
          assert.ok(validate(st), JSON.stringify(validate.errors));
        }
        seen += r.body.statements.length;
        cursor = r.body.next_cursor;
      }
      assert.equal(seen, ACCOUNTS + 1);
    });
  });
}
