// One process works on two notices at once (notice-processor.ts noticeWorker's two lanes): the
// second notice filed is claimed while the first is still being processed, and each is still
// processed exactly once, every item resolved once.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { storeKinds } from '../support/stores.ts';
import { startTestServer, dmcaNotice, waitUntil, type TestServer } from '../support/server.ts';

// Above the inline limit (1,000), so the worker, not the request, processes them; over one batch (5,000).
const N = 6_000;

for (const kind of storeKinds()) {
  describe(`the notice worker's two lanes (${kind} store)`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(kind);
      await s.loadZones('account_id,account_name,account_email,zone,mode,origin\na1,Mirror,owner@mirror.test,mirror.example,proxied,1.1.1.1\n');
    });
    after(async () => {
      await s?.close();
    });

    test('two notices filed together are worked on at the same time, each once', async () => {
      const { token } = await s.reporter();
      // Both filed before the worker looks, so both are waiting when it starts.
      await s.server.daemon.notices.stop();
      const ids: string[] = [];
      for (const k of [0, 1]) {
        const urls = Array.from({ length: N }, (_, i) => (i % 3 ? `https://mirror.example/${k}/${i}` : `https://elsewhere-${k}-${i}.example/`));
        const res = await s.api('/v1/notices', { token, body: dmcaNotice(urls) });
        assert.equal(res.status, 201);
        ids.push(res.body.id);
      }
      s.server.daemon.notices.start();
      for (const id of ids) {
        await waitUntil(
          () => s.api(`/v1/notices/${id}?items_limit=1`, { token }),
          (r) => r.body.status === 'processed',
          120_000,
          'the notice to be processed',
        );
      }
      const changes = (
        await sql<{ notice_id: string; to: string }>`
          SELECT notice_id, after->>'status' AS to FROM events
          WHERE type = 'notice.status_changed' AND notice_id = ANY(${ids}::uuid[]) ORDER BY id`.execute(s.store.db)
      ).rows;
      assert.deepEqual(changes.map((c) => c.to).sort(), ['processed', 'processed', 'processing', 'processing'], 'each notice claimed once and finished once');
      // Both were claimed before either was finished.
      assert.deepEqual(
        changes.slice(0, 2).map((c) => c.to),
        ['processing', 'processing'],
      );
      const resolved = (
        await sql<{ n: number; items: number }>`
          SELECT count(*)::int AS n, count(DISTINCT subject_id)::int AS items FROM events WHERE type = 'item.resolved' AND notice_id = ANY(${ids}::uuid[])`.execute(
          s.store.db,
        )
      ).rows[0]!;
      assert.deepEqual(resolved, { n: 2 * N, items: 2 * N });
    });
  });
}
