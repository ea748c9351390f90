// SAFEHARBOR_NOTICE_VIEW_CACHE_MS: GET /v1/notices/{id} answered from a view cached in the
// process (services/notice-view-cache.ts). Whoever may read the notice is still decided on every
// request; a write is seen at once by the process that made it, by another one when the commit's
// notification arrives, and a change behind Safeharbor's back after at most the max age.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { storeKinds } from '../support/stores.ts';
import { dmcaNotice, startTestServer, waitUntil, type TestServer } from '../support/server.ts';
import type { Store } from '../../src/storage/store.ts';
import type { RunningServer } from '../../src/server.ts';
import { configFromEnv } from '../../src/config.ts';
import { appendEvents } from '../../src/storage/events.ts';
import { serverCaller, serversOnOneDatabase, type SharedDatabaseServers } from '../support/server-call.ts';

const ZONES = `account_id,account_name,account_email,zone,mode,origin
h1,Hosted One,one@hosted.test,hosted-one.example,hosted,198.51.100.1
`;
const URLS = ['https://hosted-one.example/a', 'https://hosted-one.example/b', 'https://hosted-one.example/c'];

/** An item's reason changed behind Safeharbor's back: no event, so nothing is announced. */
const unannounced = (db: Store['db'], noticeId: string, reason: string) =>
  sql`UPDATE notice_items SET reason = ${reason} WHERE notice_id = ${noticeId}::uuid AND position = 0`.execute(db);

test('SAFEHARBOR_NOTICE_VIEW_CACHE_MS is read in milliseconds, 2 s by default', () => {
  assert.equal(configFromEnv({}).noticeViewCacheMs, 2000);
  assert.equal(configFromEnv({ SAFEHARBOR_NOTICE_VIEW_CACHE_MS: '250' }).noticeViewCacheMs, 250);
  assert.equal(configFromEnv({ SAFEHARBOR_NOTICE_VIEW_CACHE_MS: '0' }).noticeViewCacheMs, 0);
  assert.throws(() => configFromEnv({ SAFEHARBOR_NOTICE_VIEW_CACHE_MS: '-1' }), /SAFEHARBOR_NOTICE_VIEW_CACHE_MS/);
});

for (const kind of storeKinds()) {
  describe(`the notice view cache (${kind} store)`, () => {
    let s: TestServer;
    let reporter: { token: string; id: string };
    let noticeId: string;
    const view = (token: string, query = '') => s.api(`/v1/notices/${noticeId}${query}`, { token });

    before(async () => {
      // A max age far beyond the test: whatever it sees fresh, an invalidation made fresh.
      s = await startTestServer(kind, { config: { noticeViewCacheMs: 60_000 } });
      await s.loadZones(ZONES);
      reporter = await s.reporter();
      const r = await s.api('/v1/notices', { token: reporter.token, body: dmcaNotice(URLS) });
      assert.equal(r.status, 201);
      noticeId = r.body.id;
      await waitUntil(
        () => view(reporter.token),
        (x) => x.body.status === 'processed',
        10_000,
        'processed',
      );
    });
    after(async () => {
      await s?.close();
    });

    test('a cached view reaches nobody who may not read the notice, and only in the shape and page asked for', async () => {
      const mine = await view(reporter.token);
      assert.equal(mine.status, 200);
      assert.match(mine.headers.get('content-type') ?? '', /^application\/json/);
      assert.equal(mine.body.items.length, 3);
      assert.equal(mine.body.items[0].internal, undefined);
      const other = await s.reporter();
      for (let i = 0; i < 2; i++) {
        const r = await view(other.token);
        assert.equal(r.status, 404, 'another reporter, though the view is cached');
        assert.equal(JSON.stringify(r.body).includes('hosted-one.example'), false);
      }
      assert.equal((await s.api(`/v1/notices/${noticeId}`)).status, 401);
      const staff = await view(s.adminToken);
      assert.equal(staff.body.items[0].internal.account_id, 'h1', 'staff see the internal fields');
      assert.equal((await view(reporter.token)).body.items[0].internal, undefined, 'and the reporter still does not');
      const page = await view(reporter.token, '?items_limit=1');
      assert.deepEqual([page.body.items.length, page.body.items_page.limit, page.body.items_page.next_after], [1, 1, 0]);
      const next = await view(reporter.token, '?items_limit=1&items_after=0');
      assert.equal(next.body.items[0].position, 1);
      assert.equal((await view(reporter.token, '?items_state=rejected')).body.items.length, 0);
      assert.equal((await view(reporter.token, '?items_state=gone')).status, 422, 'a bad filter is refused, cached view or not');
    });

    test('a write is seen at once by the process that answered it', async () => {
      const before = await view(reporter.token);
      assert.equal(before.body.items[0].state, 'pending_review');
      const r = await s.api(`/v1/notices/${noticeId}/review`, { token: s.adminToken, body: { action: 'reject', reason: 'duplicate', positions: [0] } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal((await view(reporter.token)).body.items[0].state, 'rejected');
      assert.equal((await view(reporter.token, '?items_state=rejected')).body.items.length, 1);
    });

    test('a change made in the process outside a request (the worker, say) is seen once its commit is announced', async () => {
      await view(reporter.token);
      await s.store.db.transaction().execute(async (trx) => {
        await sql`UPDATE notice_items SET reason = 'changed by the worker' WHERE notice_id = ${noticeId}::uuid AND position = 1`.execute(trx);
        await appendEvents(trx, [{ actor: 'system', type: 'item.resolved', subjectType: 'item', subjectId: `${noticeId}:1`, noticeId }]);
      });
      await waitUntil(
        () => view(reporter.token),
        (x) => x.body.items[1].reason === 'changed by the worker',
        5000,
        'the announced change',
      );
    });

    test('an unannounced change is not seen while the view is cached', async () => {
      await view(reporter.token);
      await unannounced(s.store.db, noticeId, 'unannounced');
      assert.notEqual((await view(reporter.token)).body.items[0].reason, 'unannounced');
    });
  });

  describe(`the notice view cache's max age (${kind} store)`, () => {
    test('an unannounced change is seen after at most the max age; 0 reads the notice on every request', async () => {
      for (const maxAgeMs of [1500, 0]) {
        const s = await startTestServer(kind, { config: { noticeViewCacheMs: maxAgeMs } });
        try {
          await s.loadZones(ZONES);
          const r = await s.reporter();
          const filed = await s.api('/v1/notices', { token: r.token, body: dmcaNotice(URLS) });
          const get = () => s.api(`/v1/notices/${filed.body.id}`, { token: r.token });
          await waitUntil(get, (x) => x.body.status === 'processed', 10_000, 'processed');
          const t = Date.now();
          await unannounced(s.store.db, filed.body.id, 'unannounced');
          if (maxAgeMs === 0) {
            assert.equal((await get()).body.items[0].reason, 'unannounced');
            continue;
          }
          // Whether it is still cached just after the change is not asked here: the announcement of
          // the processing commit the last poll already read may arrive late and rightly drop the
          // view (the 60 s cache above shows it is kept). The max age promises an upper bound.
          await waitUntil(
            get,
            (x) => x.body.items[0].reason === 'unannounced',
            maxAgeMs + 1000 - (Date.now() - t),
            `the change within the max age of ${maxAgeMs} ms`,
          );
        } finally {
          await s.close();
        }
      }
    });
  });
}

describe('the notice view cache of two servers on one PostgreSQL database', () => {
  let shared: SharedDatabaseServers | undefined;
  let servers: RunningServer[] = [];
  const admin = 'sh_admin_view_cache';
  const maxAgeMs = 60_000;
  const call = serverCaller(admin);

  before(async () => {
    shared = await serversOnOneDatabase(2, { noticeViewCacheMs: maxAgeMs }, admin);
    ({ servers } = shared);
  });
  after(async () => {
    await shared?.close();
  });

  test('a decision made through either is seen there at once and by the other when the commit is announced', async () => {
    const [a, b] = servers as [RunningServer, RunningServer];
    assert.equal((await call(a, '/v1/zones/import', { csv: ZONES })).status, 200);
    const rep = await call(a, '/v1/principals', { body: { email: 'views@rights.test' } });
    const filed = await call(a, '/v1/notices', { token: rep.body.token, body: dmcaNotice(URLS) });
    assert.equal(filed.status, 201);
    const path = `/v1/notices/${filed.body.id}`;
    const state = async (server: RunningServer, position: number) => (await call(server, path, { token: rep.body.token })).body.items[position].state;
    await waitUntil(
      () => call(a, path, { token: rep.body.token }),
      (r) => r.body.status === 'processed',
      10_000,
      'processed',
    );
    for (const [writer, reader, position] of [
      [a, b, 0],
      [b, a, 1],
    ] as const) {
      // Both processes hold the view now.
      assert.equal(await state(writer, position), 'pending_review');
      assert.equal(await state(reader, position), 'pending_review');
      const t = Date.now();
      const r = await call(writer, `${path}/review`, { body: { action: 'reject', reason: 'duplicate', positions: [position] } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(await state(writer, position), 'rejected', 'the writing process, at once');
      await waitUntil(
        () => state(reader, position),
        (s) => s === 'rejected',
        5000,
        'the other process to drop its view',
      );
      assert.ok(Date.now() - t < maxAgeMs, 'the notification, not the max age, ended it');
    }
  });
});
