// Batches sent as one JSON parameter (storage/json-rows.ts) read back exactly as the values that
// went in, on both stores: the event log and the outbox take their rows this way, so a value
// that came back changed (a quote, a backslash, a date, a null that turned into JSON null) would
// be a changed record.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { freshStore, storeKinds } from '../support/stores.ts';
import { jsonRows } from '../../src/storage/json-rows.ts';
import { appendEvents } from '../../src/storage/events.ts';

const AWKWARD = ['plain', 'a "quoted" word', 'back\\slash', '{"not":"json"}', 'tab\there\nnewline', 'café 日本 😀', '', 'NULL', ','];

for (const kind of storeKinds()) {
  describe(`jsonRows (${kind})`, () => {
    test('text, numbers, dates, arrays, JSON values and nulls come back as they were sent', async () => {
      const store = await freshStore(kind);
      try {
        const at = new Date('2026-03-04T05:06:07.089Z');
        const rows = AWKWARD.map((t, i) => ({
          t,
          n: 2 ** 40 + i,
          at,
          ips: i % 2 ? [t, '::1'] : null,
          j: { t, list: [i, null] },
          ...(i % 3 ? { maybe: t } : {}),
        }));
        rows.push({ t: 'nulls', n: 0, at, ips: null, j: null as never, maybe: null as never });
        const back = (
          await sql<{ t: string; n: number; at: Date; ips: string[] | null; j: unknown; maybe: string | null; j_is_null: boolean }>`
            SELECT t, n, at, ips, j, maybe, j IS NULL AS j_is_null
            FROM ${jsonRows(rows, { t: 'text', n: 'bigint', at: 'timestamptz', ips: 'text[]', j: 'jsonb', maybe: 'text' })}`.execute(store.db)
        ).rows;
        assert.equal(back.length, rows.length);
        for (const [i, r] of rows.entries()) {
          const b = back[i]!;
          assert.equal(b.t, r.t);
          assert.equal(Number(b.n), r.n);
          assert.equal(new Date(b.at).toISOString(), at.toISOString());
          assert.deepEqual(b.ips, r.ips);
          assert.deepEqual(b.j, r.j);
          // A JSON null and a key left out are both SQL NULL, not the JSON value null.
          assert.equal(b.j_is_null, r.j === null);
          assert.equal(b.maybe, 'maybe' in r ? r.maybe : null);
        }
      } finally {
        await store.close();
      }
    });

    test('appendEvents stores before/after/data as given, absent ones as SQL NULL', async () => {
      const store = await freshStore(kind);
      try {
        const at = new Date('2026-01-02T03:04:05.678Z');
        await appendEvents(store.db, [
          {
            actor: 'system',
            type: 'notice.status_changed',
            subjectType: 'notice',
            subjectId: 'n-1',
            before: { status: 'a "b" \\ c' },
            after: { status: AWKWARD },
            at,
          },
          { actor: 'system', type: 'notice.status_changed', subjectType: 'notice', subjectId: 'n-2', data: { deep: { x: [1, 'two', null] } } },
        ]);
        const rows = (
          await sql<{ subject_id: string; at: Date; before: unknown; after: unknown; data: unknown; notice_id: string | null; before_null: boolean }>`
            SELECT subject_id, at, before, after, data, notice_id, before IS NULL AS before_null FROM events WHERE subject_id IN ('n-1', 'n-2') ORDER BY id`.execute(
            store.db,
          )
        ).rows;
        assert.deepEqual(
          rows.map((r) => [r.subject_id, r.before, r.after, r.data, r.notice_id]),
          [
            ['n-1', { status: 'a "b" \\ c' }, { status: AWKWARD }, null, null],
            ['n-2', null, null, { deep: { x: [1, 'two', null] } }, null],
          ],
        );
        assert.equal(new Date(rows[0]!.at).toISOString(), at.toISOString());
        assert.equal(rows[1]!.before_null, true);
      } finally {
        await store.close();
      }
    });
  });
}
