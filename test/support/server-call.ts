// Several server processes' worth of Safeharbor on one PostgreSQL database, and one request to
// them as the API's clients make it: a bearer token (the admin's unless another is given), a JSON
// body or a CSV upload (either makes it a POST), the JSON answer.
import { freshPostgresDatabase } from './stores.ts';
import { openStore, type Store } from '../../src/storage/store.ts';
import { startServer, type RunningServer } from '../../src/server.ts';
import { configFromEnv, type Config } from '../../src/config.ts';

export interface CallInit {
  token?: string;
  body?: unknown;
  csv?: string;
}

export function serverCaller(adminToken: string) {
  return async (server: { url: string }, path: string, init: CallInit = {}) => {
    const res = await fetch(server.url + path, {
      method: init.body !== undefined || init.csv !== undefined ? 'POST' : 'GET',
      headers: {
        authorization: `Bearer ${init.token ?? adminToken}`,
        ...(init.csv !== undefined ? { 'content-type': 'text/csv' } : init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: init.csv ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
    });
    return { status: res.status, body: await res.json() };
  };
}

export interface SharedDatabaseServers {
  servers: RunningServer[];
  /** Each server's own store (its own pool) on the one database. */
  stores: Store[];
  close(): Promise<void>;
}

/** `count` servers on a fresh PostgreSQL database, each with its own store, polling every 50 ms. */
export async function serversOnOneDatabase(count: number, config: Partial<Config>, adminToken: string): Promise<SharedDatabaseServers> {
  const db = await freshPostgresDatabase();
  const servers: RunningServer[] = [];
  const stores: Store[] = [];
  for (let i = 0; i < count; i++) {
    const store = await openStore({ databaseUrl: db.url });
    stores.push(store);
    servers.push(await startServer({ store, config: { ...configFromEnv({}), ...config }, port: 0, adminToken, pollMs: 50 }));
  }
  return {
    servers,
    stores,
    async close() {
      for (const s of servers) await s.close();
      for (const s of stores) await s.close();
      await db.drop();
    },
  };
}
