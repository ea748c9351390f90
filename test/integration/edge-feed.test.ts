// The edge feed's SQL on both stores: the change counter moves once per transaction that changes
// what is blocked, and not for anything else; the feed follows it; ETags hold across unrelated work.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { storeKinds } from '../support/stores.ts';
import { startTestServer, dmcaNotice, waitUntil, type TestServer } from '../support/server.ts';
import { blocklistSeq, EdgeBlocklistCache } from '../../src/services/edge-blocklist.ts';

const ZONES = `account_id,account_name,account_email,zone,mode,origin
h1,Hosted,ops@hosted.test,hosted.example,hosted,198.51.100.9
p1,Proxied,ops@proxied.test,proxied.example,proxied,198.51.100.10
`;

for (const kind of storeKinds()) {
  describe(`edge feed (${kind} store)`, () => {
    let s: TestServer;
    let reporter: { token: string };
    before(async () => {
      s = await startTestServer(kind);
      await s.loadZones(ZONES);
      reporter = await s.reporter();
    });
    after(async () => s?.close());

    const seq = () => blocklistSeq(s.store.db).then(Number);
    const file = async (urls: string[]) => {
      const r = await s.api('/v1/notices', { token: reporter.token, body: dmcaNotice(urls) });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      await waitUntil(
        () => s.api(`/v1/notices/${r.body.id}`, { token: reporter.token }),
        (x) => x.body.status === 'processed',
        20_000,
        'processed',
      );
      return r.body.id as string;
    };

    test('the counter moves once per change of what is blocked, and for nothing else', async () => {
      const cache = new EdgeBlocklistCache(s.store.db, () => 'https://desk.test');
      const first = await cache.get();
      assert.equal(cache.builds, 1);
      assert.equal((await cache.get()).doc.version, first.doc.version);
      assert.equal(cache.builds, 1, 'an unchanged counter: no rebuild');

      const s0 = await seq();
      const id = await file(['https://hosted.example/a', 'https://hosted.example/b', 'https://hosted.example/c', 'https://proxied.example/d']);
      assert.equal(await seq(), s0, 'filing and resolving (pending review, forwarded) blocks nothing');
      const ok = await s.api(`/v1/notices/${id}/review`, { token: s.adminToken, body: { action: 'disable', state: 'pending_review' } });
      assert.equal(ok.body.changed.length, 3);
      assert.equal(await seq(), s0 + 1, 'three items disabled in one transaction: one bump');
      await s.api(`/v1/notices/${id}/review`, { token: s.adminToken, body: { action: 'reject', reason: 'duplicate', positions: [3] } });
      assert.equal(await seq(), s0 + 1, 'rejecting a forwarded item blocks nothing');

      const second = await cache.get();
      assert.equal(cache.builds, 2);
      assert.deepEqual(
        second.doc.urls.map((u) => u.url),
        ['https://hosted.example/a', 'https://hosted.example/b', 'https://hosted.example/c'],
      );
      assert.ok(second.doc.urls.every((u) => u.notice_id === id));

      await sql`UPDATE zones SET status = 'terminated' WHERE name = 'proxied.example'`.execute(s.store.db);
      assert.equal(await seq(), s0 + 2);
      await sql`UPDATE zones SET updated_at = now() WHERE name = 'proxied.example'`.execute(s.store.db);
      assert.equal(await seq(), s0 + 2, 'touching a terminated zone without changing what is blocked');
      assert.deepEqual((await cache.get()).doc.zones, [{ zone: 'proxied.example' }]);
      await sql`UPDATE zones SET status = 'active' WHERE name = 'proxied.example'`.execute(s.store.db);
      assert.equal(await seq(), s0 + 3);
      const back = await cache.get();
      assert.equal(back.doc.version, second.doc.version, 'the same content, the same version');
      await sql`UPDATE edge_blocklist_state SET seq = seq + 1`.execute(s.store.db);
      assert.equal(await cache.get(), back, 'rebuilt to the same content: the rendered snapshot is kept');
    });

    test('GET /v1/edge/blocklist: ETag per format, 304, and unrelated work keeps the ETag', async () => {
      const a = await s.api('/v1/edge/blocklist', { token: s.adminToken });
      const n = await s.api('/v1/edge/blocklist?format=nginx', { token: s.adminToken });
      assert.equal(a.status, 200);
      assert.equal(n.status, 200);
      assert.equal(a.headers.get('etag'), `"${a.body.version}"`);
      assert.equal(n.headers.get('etag'), `"${a.body.version}.nginx"`);
      assert.equal(a.headers.get('cache-control'), 'private, no-cache');
      await file(['https://proxied.example/new', 'https://hosted.example/new']);
      const again = await s.api('/v1/edge/blocklist?format=nginx', { token: s.adminToken, headers: { 'if-none-match': n.headers.get('etag')! } });
      assert.equal(again.status, 304);
      assert.equal(again.body, '');
      assert.equal(
        (await s.api('/v1/edge/blocklist', { token: s.adminToken, headers: { 'if-none-match': n.headers.get('etag')! } })).status,
        200,
        'the JSON has its own ETag',
      );
      assert.equal((await s.api('/v1/edge/blocklist', { token: s.adminToken, headers: { 'if-none-match': '*' } })).status, 304);
      const doc = await s.api('/openapi.json');
      assert.ok(doc.body.paths['/v1/edge/blocklist'].get);
    });
  });
}
