// Fresh stores for tests, of both kinds. The embedded one is cloned from a migrated template
// (0.3 s instead of 5 s); the PostgreSQL one is a new database on the throwaway cluster that
// scripts/test.sh starts (TEST_DATABASE_URL). A missing PostgreSQL fails the suite: it is never skipped.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { dumpEmbeddedTemplate, openStore, type Store, type StoreKind } from '../../src/storage/store.ts';

let template: Promise<Blob> | null = null;

export function storeKinds(): StoreKind[] {
  if (process.env.SAFEHARBOR_TEST_STORES === 'embedded') {
    console.warn('# SAFEHARBOR_TEST_STORES=embedded: PostgreSQL tests NOT run (developer shortcut; CI runs both)');
    return ['embedded'];
  }
  return ['embedded', 'postgres'];
}

export function postgresAdminUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    throw new Error('TEST_DATABASE_URL is not set: run the suite with `npm test`, which starts a throwaway PostgreSQL cluster (needs the postgresql package)');
  }
  return url;
}

/** A new, empty PostgreSQL database on the test cluster; returns its URL. */
export async function freshPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = postgresAdminUrl();
  const name = `sh_test_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function freshStore(kind: StoreKind): Promise<Store> {
  if (kind === 'embedded') {
    template ??= dumpEmbeddedTemplate();
    return openStore({ loadDataDir: await template });
  }
  const database = await freshPostgresDatabase();
  const store = await openStore({ databaseUrl: database.url });
  const close = store.close.bind(store);
  return Object.assign(store, {
    async close() {
      await close();
      await database.drop();
    },
  });
}
