// PG_POOL_MAX: how many connections one process holds to PostgreSQL, which an operator sizes
// against max_connections when several API and worker processes share one server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { freshPostgresDatabase } from '../support/stores.ts';
import { openStore, poolSize } from '../../src/storage/store.ts';

test('PG_POOL_MAX bounds the connections one process opens, however many queries wait', async () => {
  const database = await freshPostgresDatabase();
  const before = process.env.PG_POOL_MAX;
  process.env.PG_POOL_MAX = '3';
  const store = await openStore({ databaseUrl: database.url });
  try {
    const pids = await Promise.all(
      Array.from({ length: 9 }, async () => (await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid, pg_sleep(0.2)`.execute(store.db)).rows[0]!.pid),
    );
    assert.equal(new Set(pids).size, 3, `nine queries at once ran on ${new Set(pids).size} connections`);
  } finally {
    if (before === undefined) delete process.env.PG_POOL_MAX;
    else process.env.PG_POOL_MAX = before;
    await store.close();
    await database.drop();
  }
});

test('PG_POOL_MAX: 10 when unset; a value that is not a whole number of connections is refused, naming it', () => {
  assert.equal(poolSize(undefined), 10);
  assert.equal(poolSize('25'), 25);
  for (const bad of ['0', '-1', 'ten', '2.5'])
    assert.throws(() => poolSize(bad), /^Error: PG_POOL_MAX: ".*" is not a whole number of connections from 1 to 1000$/);
});
