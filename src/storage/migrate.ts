// Plain SQL migrations in ./migrations, applied in name order. Each runs as one script in its
// own transaction together with its schema_migrations row; an advisory lock serialises
// concurrent starters (several stateless processes against one PostgreSQL).
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Store } from './store.ts';
import { LOCKS } from './locks.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

export function migrationFiles(): string[] {
  const files = readdirSync(MIGRATIONS_DIR)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  // Two branches that each added "the next" migration: their order would be an accident.
  const numbers = files.map((f) => f.slice(0, 3));
  const twice = numbers.find((n, i) => numbers.indexOf(n) !== i);
  if (twice) throw new Error(`two migrations are numbered ${twice}: ${files.filter((f) => f.startsWith(twice)).join(', ')}; renumber the newer one`);
  return files;
}

export async function migrate(store: Pick<Store, 'db' | 'execScript'>): Promise<string[]> {
  // Under the lock too: two first starts racing through CREATE TABLE IF NOT EXISTS can both miss
  // the table and one fails on the catalog's unique index.
  await store.execScript(`BEGIN;
SELECT pg_advisory_xact_lock(${LOCKS.migrations});
CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
COMMIT;`);
  const applied: string[] = [];
  for (const file of migrationFiles()) {
    if (!/^[0-9]{3}_[a-z0-9_]+\.sql$/.test(file)) throw new Error(`migration file name ${file} must look like 001_name.sql`);
    const done = await sql<{ n: number }>`SELECT count(*)::int AS n FROM schema_migrations WHERE name = ${file}`.execute(store.db);
    if (done.rows[0]!.n > 0) continue;
    const body = readFileSync(join(MIGRATIONS_DIR, file), 'utf8');
    // Re-check under the lock: another process may have applied it meanwhile.
    const script = `BEGIN;
SELECT pg_advisory_xact_lock(${LOCKS.migrations});
DO $$ BEGIN IF EXISTS (SELECT 1 FROM schema_migrations WHERE name = '${file}') THEN RAISE EXCEPTION 'safeharbor:already-applied'; END IF; END $$;
${body}
;
INSERT INTO schema_migrations (name) VALUES ('${file}');
COMMIT;`;
    try {
      await store.execScript(script);
      applied.push(file);
    } catch (err) {
      if (String((err as Error).message).includes('safeharbor:already-applied')) continue;
      throw new Error(`migration ${file} failed: ${(err as Error).message}`);
    }
  }
  // Partitions of events and notice_items ahead of their ids (026) at every start, not only from
  // the daemon's hourly run: a process that only serves the API writes events too.
  await sql`SELECT ensure_partitions()`.execute(store.db);
  return applied;
}
