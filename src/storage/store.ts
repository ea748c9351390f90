// One storage interface over two engines: embedded PGlite (the quickstart default) and a
// PostgreSQL server (DATABASE_URL). Same SQL, same migrations; only connection handling and
// bulk COPY differ, and those differences stay in this file.
import { Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient } from 'kysely';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { mkdirSync } from 'node:fs';
import type { Database } from './schema.ts';
import { migrate } from './migrate.ts';

// int8 (bigint ids, counts) as JS numbers, as PGlite does; our ids stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));

export type StoreKind = 'embedded' | 'postgres';

export interface Store {
  readonly kind: StoreKind;
  /** Where the data lives, without credentials (safe to print). */
  readonly location: string;
  readonly db: Kysely<Database>;
  /** Bulk load CSV text (no header) into `table(columns)` with COPY. */
  copyCsv(table: string, columns: readonly string[], csv: string): Promise<number>;
  /** Run a multi-statement SQL script (no parameters), e.g. a migration. */
  execScript(script: string): Promise<void>;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** postgres://… — when set, a PostgreSQL server is used instead of the embedded store. */
  databaseUrl?: string;
  /** Directory of the embedded store; ignored with databaseUrl. */
  dataDir?: string;
  /** Embedded store only: start from a dump made by `dumpEmbedded` (tests clone a migrated template). */
  loadDataDir?: Blob;
  /** Run migrations on open (default true). */
  migrate?: boolean;
}

export async function openStore(opts: OpenStoreOptions): Promise<Store> {
  const store = opts.databaseUrl ? openPostgres(opts.databaseUrl) : await openEmbedded(opts);
  if (opts.migrate !== false) await migrate(store);
  return store;
}

/** Strip the password from a connection string before it is shown anywhere. */
export function redactDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparseable URL)';
  }
}

function openPostgres(databaseUrl: string): Store {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: Number(process.env.PG_POOL_MAX ?? 10) });
  // An idle connection dropped by the server (restart, failover) is replaced on next use; it
  // must not take the process down as an unhandled 'error' event.
  pool.on('error', (err) => console.error(`safeharbor: idle PostgreSQL connection lost: ${err.message}`));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    kind: 'postgres',
    location: redactDatabaseUrl(databaseUrl),
    db,
    async copyCsv(table, columns, csv) {
      const client = await pool.connect();
      try {
        const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN WITH (FORMAT csv)`));
        await pipeline(Readable.from([csv]), stream);
        return stream.rowCount ?? 0;
      } finally {
        client.release();
      }
    },
    async execScript(script) {
      const client = await pool.connect();
      try {
        await client.query(script); // no parameters: the simple protocol, several statements allowed
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {}); // a failed script may leave a transaction open
        throw err;
      } finally {
        client.release();
      }
    },
    async close() {
      await db.destroy();
    },
  };
}

/**
 * PGlite is a single connection. Kysely's Postgres dialect asks a pool for connections; this
 * pool hands out the one connection to one caller at a time, so a transaction owns it until
 * it is released. Code inside a transaction must use the transaction handle, never `db`.
 */
class SingleConnectionPool implements PostgresPool {
  private queue: Promise<void> = Promise.resolve();
  constructor(private readonly pglite: PGlite) {}

  connect(): Promise<PostgresPoolClient> {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const ready = this.queue;
    this.queue = ready.then(() => released);
    const pglite = this.pglite;
    // PGlite runs in this thread and its queries resolve as microtasks; without a turn of the
    // event loop here a long chain of queries (the notice worker) would starve HTTP I/O.
    return ready
      .then(() => new Promise<void>((r) => setImmediate(r)))
      .then(() => ({
        async query(sql: string, parameters: readonly unknown[]) {
          const res = await pglite.query(sql, parameters as unknown[]);
          return { command: (res as { command?: string }).command ?? 'SELECT', rowCount: res.affectedRows ?? res.rows.length, rows: res.rows };
        },
        release,
      })) as Promise<PostgresPoolClient>;
  }

  async end(): Promise<void> {
    await this.queue;
  }
}

async function openEmbedded(opts: OpenStoreOptions): Promise<Store & { pglite: PGlite }> {
  const dataDir = opts.dataDir ?? 'data';
  let pglite: PGlite;
  if (opts.loadDataDir) {
    pglite = await PGlite.create({ loadDataDir: opts.loadDataDir });
  } else if (dataDir === ':memory:') {
    pglite = await PGlite.create();
  } else {
    mkdirSync(dataDir, { recursive: true });
    pglite = await PGlite.create(dataDir);
  }
  const pool = new SingleConnectionPool(pglite);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    pglite,
    kind: 'embedded',
    location: opts.loadDataDir ? '(in memory, from template)' : dataDir,
    db,
    async copyCsv(table, columns, csv) {
      // Through the pool so a COPY never interleaves with another caller's transaction.
      const client = await pool.connect();
      try {
        const res = await pglite.query(`COPY ${table} (${columns.join(', ')}) FROM '/dev/blob' WITH (FORMAT csv)`, [], {
          blob: new Blob([csv]),
        });
        return res.affectedRows ?? 0;
      } finally {
        client.release();
      }
    },
    async execScript(script) {
      const client = await pool.connect();
      try {
        await pglite.exec(script);
      } catch (err) {
        await pglite.exec('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    async close() {
      await db.destroy();
      await pglite.close();
    },
  };
}

/** A migrated embedded store as a tarball, for tests that need many fresh stores quickly. */
export async function dumpEmbeddedTemplate(): Promise<Blob> {
  const store = await openEmbedded({ dataDir: ':memory:' });
  await migrate(store);
  const dump = await store.pglite.dumpDataDir('none');
  await store.close();
  return dump;
}
