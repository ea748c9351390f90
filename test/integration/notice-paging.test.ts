// Keyset paging of notices, newest first, where the store keeps microseconds: notices received in
// the same millisecond are each listed once, on both stores, by the API and in the portal.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { storeKinds } from '../support/stores.ts';
import { dmcaNotice, startTestServer, type TestServer } from '../support/server.ts';
import { customerNotices } from '../../src/services/portal-views.ts';
import type { KeysetCursor } from '../../src/storage/exact-time.ts';

const ZONES = `account_id,account_name,account_email,zone,mode,origin
h1,Hosted One,one@hosted.test,hosted.example,hosted,198.51.100.1
`;

for (const store of storeKinds()) {
  describe(`notice paging within one millisecond (${store} store)`, () => {
    let s: TestServer;
    let reporter: { token: string };
    const ids: string[] = [];

    before(async () => {
      s = await startTestServer(store);
      await s.loadZones(ZONES);
      reporter = await s.reporter('pager@rights.test');
      for (let i = 0; i < 5; i++) {
        const r = await s.api('/v1/notices', { token: reporter.token, body: dmcaNotice([`https://hosted.example/${i}`]) });
        assert.equal(r.status, 201, JSON.stringify(r.body));
        ids.push(r.body.id);
      }
      // Five receipts in one millisecond, a microsecond apart: a cursor that keeps only milliseconds loses or repeats them.
      for (const [i, id] of ids.entries())
        await sql`UPDATE notices SET created_at = ${`2026-12-01T10:00:00.123${String(100 + i).padStart(3, '0')}Z`}::timestamptz WHERE id = ${id}::uuid`.execute(
          s.store.db,
        );
    });
    after(() => s?.close());

    test('the API lists each notice once, a page of one at a time', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const r = await s.api(`/v1/notices?limit=1${cursor ? `&cursor=${cursor}` : ''}`, { token: reporter.token });
        assert.equal(r.status, 200, JSON.stringify(r.body));
        seen.push(...(r.body.notices as { id: string }[]).map((n) => n.id));
        cursor = r.body.next_cursor;
        assert.ok(seen.length <= ids.length, `paging repeats: ${seen.join(' ')}`);
      } while (cursor);
      assert.deepEqual(seen, [...ids].reverse());
    });

    test('the portal lists each notice once, a page of one at a time', async () => {
      const seen: string[] = [];
      let before: KeysetCursor | undefined;
      do {
        const page = await customerNotices(s.store.db, 'h1', { before, limit: 1 });
        seen.push(...page.rows.map((r) => r.id));
        before = page.next ?? undefined;
        assert.ok(seen.length <= ids.length, `paging repeats: ${seen.join(' ')}`);
      } while (before);
      assert.deepEqual(seen, [...ids].reverse());
    });
  });
}
