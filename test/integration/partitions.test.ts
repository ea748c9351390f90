// Migration 026: events and notice_items partitioned BY RANGE (id), with partitions made ahead
// by ensure_partitions() and a DEFAULT partition behind them, on both stores.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { sql, type Kysely } from 'kysely';
import { freshPostgresDatabase, freshStore, storeKinds } from '../support/stores.ts';
import { openStore, type Store, type StoreKind } from '../../src/storage/store.ts';
import { migrate, migrationFiles } from '../../src/storage/migrate.ts';

type Db = Kysely<any>;

async function partitionsOf(db: Db, table: string): Promise<string[]> {
  const r = await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = ${table}::regclass ORDER BY c.relname`.execute(db);
  return r.rows.map((x) => x.name);
}

async function whereIs(db: Db, id: bigint | number): Promise<string> {
  const r = await sql<{ part: string }>`SELECT tableoid::regclass::text AS part FROM events WHERE id = ${String(id)}::bigint`.execute(db);
  return r.rows[0]!.part;
}

async function addEvent(db: Db, id?: bigint): Promise<string> {
  const r =
    id === undefined
      ? await sql<{
          id: string;
        }>`INSERT INTO events (actor, type, subject_type, subject_id) VALUES ('system', 'test.event', 'notice', 'x') RETURNING id::text`.execute(db)
      : await sql<{ id: string }>`INSERT INTO events (id, actor, type, subject_type, subject_id) OVERRIDING SYSTEM VALUE
             VALUES (${String(id)}::bigint, 'system', 'test.event', 'notice', 'x') RETURNING id::text`.execute(db);
  return r.rows[0]!.id;
}

async function ensure(db: Db): Promise<number> {
  return (await sql<{ n: number }>`SELECT ensure_partitions() AS n`.execute(db)).rows[0]!.n;
}

async function aNotice(db: Db): Promise<string> {
  const p = await sql<{ id: string }>`INSERT INTO principals (role, email) VALUES ('reporter', 'r@example.org') RETURNING id`.execute(db);
  const n = await sql<{ id: string }>`
    INSERT INTO notices (kind, channel, regime, priority, reporter_id, request_hash, status, submission, item_count)
    VALUES ('copyright', 'api', 'dmca', 3, ${p.rows[0]!.id}, 'h', 'received', '{}', 2) RETURNING id`.execute(db);
  return n.rows[0]!.id;
}

async function anItem(db: Db, noticeId: string, position: number): Promise<string> {
  const r = await sql<{ id: string }>`
    INSERT INTO notice_items (notice_id, position, submitted_url, state, reason)
    VALUES (${noticeId}, ${position}, 'https://example.org/' || ${position}::text, 'invalid', 'test') RETURNING id::text`.execute(db);
  return r.rows[0]!.id;
}

/** Triggers the migrations after 026 add (this test applies them too): 029 announces notice changes. */
const TRIGGERS_ADDED_SINCE_026 = ['events_announce_notice_changes'];

interface Catalog {
  indexes: string[];
  triggers: string[];
}

async function catalog(db: Db): Promise<Catalog> {
  const indexes = await sql<{ n: string }>`
    SELECT indrelid::regclass::text || '.' || indexrelid::regclass::text AS n FROM pg_index
     WHERE indrelid IN ('events'::regclass, 'notice_items'::regclass)
        OR indrelid::regclass::text = 'notice_items_p0' AND indisunique AND NOT indisprimary ORDER BY 1`.execute(db);
  const triggers = await sql<{ n: string }>`
    SELECT tgrelid::regclass::text || '.' || pg_get_triggerdef(oid) AS n FROM pg_trigger
     WHERE tgrelid IN ('events'::regclass, 'notice_items'::regclass) AND NOT tgisinternal ORDER BY 1`.execute(db);
  return { indexes: indexes.rows.map((r) => r.n), triggers: triggers.rows.map((r) => r.n) };
}

/** A store with every migration before 026 applied, then the given setup, then 026. */
/** Indexes that migrations after 026 add (migratedOver applies them too): not the partitioning's to keep. */
const ADDED_AFTER_026 = ['events.events_notice_decisions_idx', 'events.events_xact_idx'];

async function migratedOver(kind: StoreKind, before: (db: Db) => Promise<void>): Promise<{ store: Store; close(): Promise<void> }> {
  const database = kind === 'postgres' ? await freshPostgresDatabase() : null;
  const store = await openStore(database ? { databaseUrl: database.url, migrate: false } : { dataDir: ':memory:', migrate: false });
  await store.execScript('CREATE TABLE schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());');
  for (const file of migrationFiles().filter((f) => f < '026')) {
    const body = readFileSync(new URL(`../../src/storage/migrations/${file}`, import.meta.url), 'utf8');
    await store.execScript(`BEGIN;\n${body}\n;\nINSERT INTO schema_migrations (name) VALUES ('${file}');\nCOMMIT;`);
  }
  await before(store.db);
  assert.deepEqual(
    await migrate(store),
    migrationFiles().filter((f) => f >= '026'),
  );
  return {
    store,
    async close() {
      await store.close();
      await database?.drop();
    },
  };
}

for (const kind of storeKinds()) {
  describe(`partitioned events and notice_items (${kind})`, () => {
    test('both tables are partitioned by range on id, with a default partition and partitions ahead', async () => {
      const store = await freshStore(kind);
      try {
        const parted = await sql<{ rel: string; strategy: string; key: string }>`
          SELECT p.partrelid::regclass::text AS rel, p.partstrat AS strategy, a.attname AS key
            FROM pg_partitioned_table p JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]
           WHERE p.partrelid IN ('events'::regclass, 'notice_items'::regclass) ORDER BY 1`.execute(store.db);
        assert.deepEqual(parted.rows, [
          { rel: 'events', strategy: 'r', key: 'id' },
          { rel: 'notice_items', strategy: 'r', key: 'id' },
        ]);
        for (const t of ['events', 'notice_items']) {
          const parts = await partitionsOf(store.db, t);
          assert.ok(parts.includes(`${t}_default`), `${t}: ${parts.join(', ')}`);
          // The first partition and at least two beyond the one the sequence is in.
          for (const p of [`${t}_p0`, `${t}_p1`, `${t}_p2`]) assert.ok(parts.includes(p), `${t} lacks ${p}: ${parts.join(', ')}`);
        }
        const pk = await sql<{
          def: string;
        }>`SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'events'::regclass AND contype = 'p'`.execute(store.db);
        assert.equal(pk.rows[0]!.def, 'PRIMARY KEY (id)');
        // Every index of the parent is on every partition.
        const missing = await sql<{ part: string; idx: string }>`
          SELECT c.relname AS part, pi.indexrelid::regclass::text AS idx
            FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            JOIN pg_index pi ON pi.indrelid = i.inhparent
           WHERE i.inhparent IN ('events'::regclass, 'notice_items'::regclass)
             AND NOT EXISTS (SELECT 1 FROM pg_inherits ii JOIN pg_index ci ON ci.indexrelid = ii.inhrelid
                              WHERE ii.inhparent = pi.indexrelid AND ci.indrelid = c.oid)`.execute(store.db);
        assert.deepEqual(missing.rows, []);
      } finally {
        await store.close();
      }
    });

    test('existing rows are kept in the first partition and the sequences go on from where they were', async () => {
      let itemIds: string[] = [];
      let lastEvent = '';
      let before: Catalog = { indexes: [], triggers: [] };
      const { store, close } = await migratedOver(kind, async (db) => {
        before = await catalog(db);
        for (let i = 0; i < 5; i++) lastEvent = await addEvent(db);
        // A used-up id that was never written: the sequence, not max(id), says where to go on.
        await sql`SELECT nextval(pg_get_serial_sequence('events', 'id'))`.execute(db);
        const notice = await aNotice(db);
        itemIds = [await anItem(db, notice, 0), await anItem(db, notice, 1)];
        await sql`INSERT INTO item_lifecycles (item_id, notice_id, kind, state) VALUES (${itemIds[0]}::bigint, ${notice}, 'k', '{}')`.execute(db);
      });
      try {
        const events = await sql<{ n: number }>`SELECT count(*)::int AS n FROM events_p0`.execute(store.db);
        assert.equal(events.rows[0]!.n, 5);
        const items = await sql<{ id: string }>`SELECT id::text FROM notice_items_p0 ORDER BY id`.execute(store.db);
        assert.deepEqual(
          items.rows.map((r) => r.id),
          itemIds,
        );
        // Every index and trigger is still there under its name, on the parent — the one unique
        // constraint without id stays on the old table, now the first partition.
        const after = await catalog(store.db);
        // What the migrations after 026 add is theirs, not 026's to keep.
        assert.deepEqual(
          after.triggers.filter((t) => !TRIGGERS_ADDED_SINCE_026.some((name) => t.includes(` ${name} `))),
          before.triggers,
        );
        assert.deepEqual(
          after.indexes.filter((i) => !ADDED_AFTER_026.includes(i)),
          before.indexes
            .map((i) => (i === 'notice_items.notice_items_notice_id_position_key' ? 'notice_items_p0.notice_items_p0_notice_id_position_key' : i))
            .sort(),
        );
        const next = await addEvent(store.db);
        assert.equal(BigInt(next), BigInt(lastEvent) + 2n);
        assert.equal(await whereIs(store.db, BigInt(next)), 'events_p0');
        const lifecycle = await sql<{
          n: number;
        }>`SELECT count(*)::int AS n FROM item_lifecycles JOIN notice_items ON notice_items.id = item_lifecycles.item_id`.execute(store.db);
        assert.equal(lifecycle.rows[0]!.n, 1);
      } finally {
        await close();
      }
    });

    test('an id beyond every partition lands in the default one; ensure_partitions makes them ahead, skips a range the default holds, and is idempotent', async () => {
      const store = await freshStore(kind);
      try {
        assert.equal(await ensure(store.db), 0, 'the migration and the store opening made them already');
        const far = 5_000_000_000_000n;
        await addEvent(store.db, far);
        assert.equal(await whereIs(store.db, far), 'events_default');
        assert.equal(await ensure(store.db), 0, 'a row written by hand far ahead does not make partitions up to it');

        // The default already holds an id of the range [80M, 90M): that partition cannot be made.
        await addEvent(store.db, 85_000_005n);
        await sql`SELECT setval(pg_get_serial_sequence('events', 'id'), 65000000)`.execute(store.db);
        const made = await ensure(store.db);
        assert.equal(made, 5, 'p3…p7 (p8 skipped)');
        const parts = await partitionsOf(store.db, 'events');
        for (const p of ['events_p3', 'events_p4', 'events_p5', 'events_p6', 'events_p7']) assert.ok(parts.includes(p), `lacks ${p}`);
        assert.ok(!parts.includes('events_p8'), 'the range the default holds a row of');
        assert.equal(await ensure(store.db), 0);

        const id = await addEvent(store.db);
        assert.equal(await whereIs(store.db, BigInt(id)), 'events_p6');
        assert.equal(await whereIs(store.db, 85_000_005n), 'events_default');

        await sql`SELECT setval(pg_get_serial_sequence('events', 'id'), 85000010)`.execute(store.db);
        assert.equal(await ensure(store.db), 2, 'p9 and p10');
        assert.equal(await whereIs(store.db, BigInt(await addEvent(store.db))), 'events_default', 'the skipped range keeps going to the default');
      } finally {
        await store.close();
      }
    });

    test('the event log still refuses UPDATE, DELETE and TRUNCATE, of the table and of each partition', async () => {
      const store = await freshStore(kind);
      try {
        await addEvent(store.db);
        await addEvent(store.db, 15_000_000n);
        await addEvent(store.db, 9_000_000_000n);
        const refused = /append-only/;
        await assert.rejects(sql`UPDATE events SET actor = 'x'`.execute(store.db), refused);
        await assert.rejects(sql`DELETE FROM events`.execute(store.db), refused);
        await assert.rejects(sql`TRUNCATE events`.execute(store.db), refused);
        for (const part of ['events_p0', 'events_p1', 'events_p2', 'events_default']) {
          await assert.rejects(sql`TRUNCATE ${sql.table(part)}`.execute(store.db), refused, `TRUNCATE ${part}`);
          // Row triggers fire only for rows: events_p2 is empty.
          if (part === 'events_p2') continue;
          await assert.rejects(sql`UPDATE ${sql.table(part)} SET actor = 'x'`.execute(store.db), refused, `UPDATE ${part}`);
          await assert.rejects(sql`DELETE FROM ${sql.table(part)}`.execute(store.db), refused, `DELETE ${part}`);
        }
        // A partition made later by ensure_partitions has the statement-level guard too.
        await sql`SELECT setval(pg_get_serial_sequence('events', 'id'), 30000000)`.execute(store.db);
        assert.ok((await ensure(store.db)) >= 1);
        await assert.rejects(sql`TRUNCATE events_p4`.execute(store.db), refused);
        const n = await sql<{ n: number }>`SELECT count(*)::int AS n FROM events`.execute(store.db);
        assert.equal(n.rows[0]!.n, 3);
      } finally {
        await store.close();
      }
    });

    test('foreign keys to and from notice_items still hold, in every partition', async () => {
      const store = await freshStore(kind);
      try {
        const notice = await aNotice(store.db);
        const item = await anItem(store.db, notice, 0);
        await assert.rejects(anItem(store.db, notice, 0), /unique|duplicate/i, 'UNIQUE (notice_id, position) within a partition');
        await sql`INSERT INTO item_lifecycles (item_id, notice_id, kind, state) VALUES (${item}::bigint, ${notice}, 'k', '{}')`.execute(store.db);
        await assert.rejects(
          sql`INSERT INTO item_lifecycles (item_id, notice_id, kind, state) VALUES (123456789012, ${notice}, 'k', '{}')`.execute(store.db),
          /foreign key/,
        );
        await assert.rejects(sql`DELETE FROM notice_items WHERE id = ${item}::bigint`.execute(store.db), /foreign key/);
        await assert.rejects(
          sql`INSERT INTO notice_items (notice_id, position, submitted_url, state) VALUES ('00000000-0000-0000-0000-000000000000', 0, 'u', 'invalid')`.execute(
            store.db,
          ),
          /foreign key/,
        );
        // An item in the default partition is referenced like any other.
        const far = await sql<{ id: string }>`
          INSERT INTO notice_items (id, notice_id, position, submitted_url, state) OVERRIDING SYSTEM VALUE
          VALUES (7000000000, ${notice}, 1, 'u', 'invalid') RETURNING tableoid::regclass::text AS id`.execute(store.db);
        assert.equal(far.rows[0]!.id, 'notice_items_default');
        await sql`INSERT INTO item_lifecycles (item_id, notice_id, kind, state) VALUES (7000000000, ${notice}, 'k', '{}')`.execute(store.db);
        await assert.rejects(sql`DELETE FROM notice_items WHERE id = 7000000000`.execute(store.db), /foreign key/);
      } finally {
        await store.close();
      }
    });
  });
}
