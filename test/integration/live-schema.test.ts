// The live database, after every migration, has exactly the columns src/storage/schema.ts declares
// (through src/storage/schema-columns.ts, which the compiler ties to it): same tables, same
// columns, same SQL types and nullability, on both stores. A migration that adds, drops or
// changes a column fails here until schema.ts says the same.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { freshStore, storeKinds } from '../support/stores.ts';
import { COLUMNS, TABLES_OUTSIDE_SCHEMA } from '../../src/storage/schema-columns.ts';

const described = (table: string, column: string, type: string) => `${table}.${column}: ${type}`;

for (const kind of storeKinds()) {
  describe(`live schema (${kind})`, () => {
    test('every table and column of the migrated database is the one schema.ts declares', async () => {
      const store = await freshStore(kind);
      try {
        const live = (
          await sql<{ table_name: string; column_name: string; udt_name: string; is_nullable: 'YES' | 'NO' }>`
            SELECT c.table_name, c.column_name, c.udt_name, c.is_nullable
              FROM information_schema.columns c
              JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
             WHERE c.table_schema = current_schema()
               -- Partitions (events_p0, notice_items_default…) have their parent's columns, declared once.
               AND NOT EXISTS (SELECT 1 FROM pg_class p WHERE p.oid = format('%I.%I', c.table_schema, c.table_name)::regclass AND p.relispartition)
             ORDER BY c.table_name, c.column_name`.execute(store.db)
        ).rows
          .filter((r) => !(TABLES_OUTSIDE_SCHEMA as readonly string[]).includes(r.table_name))
          .map((r) => described(r.table_name, r.column_name, r.udt_name + (r.is_nullable === 'YES' ? ' | null' : '')));
        const declared = Object.entries(COLUMNS)
          .flatMap(([table, columns]) => Object.entries(columns).map(([column, type]) => described(table, column, type)))
          .sort();
        assert.ok(live.length > 300, `the query sees the schema (${live.length} columns)`);
        assert.deepEqual(
          live.filter((c) => !declared.includes(c)),
          [],
          'columns the migrations made that schema.ts lacks (or declares with another type or nullability)',
        );
        assert.deepEqual(
          declared.filter((c) => !live.includes(c)),
          [],
          'columns schema.ts declares that the migrations do not make (or make with another type or nullability)',
        );
      } finally {
        await store.close();
      }
    });
  });
}
