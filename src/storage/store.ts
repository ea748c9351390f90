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
import { WAKE_CHANNELS, type WakeChannel } from './wake.ts';

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
  /**
   * Call `fn` each time a transaction that called wakeOnCommit(channel) commits, in this process
   * or another one on the same database, with the notification's payload; without one after the
   * listening connection was lost and opened again (anything may have been announced meanwhile).
   * Resolves to the function that stops listening.
   */
  listen(channel: WakeChannel, fn: (payload?: string) => void): Promise<() => Promise<void>>;
  /**
   * Run `fn` holding advisory lock `lock` (storage/locks.ts) for the whole of it, across its
   * transactions: processes that start together on one database do their first-start setup one
   * after the other. The embedded store has one process only, so there it just runs.
   */
  exclusively<T>(lock: number, fn: () => Promise<T>): Promise<T>;
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

/**
 * Whether an error says the database went away (restart, failover, a dropped connection) rather
 * than that the statement was wrong: the same work done again once it answers can succeed.
 */
export function databaseUnreachable(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  // SQLSTATE class 08 (connection exception), 57P01–57P03 (shut down, crashed, starting up), and the socket errors of pg.
  if (code.startsWith('08') || ['57P01', '57P02', '57P03', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT'].includes(code)) return true;
  const message = typeof e?.message === 'string' ? e.message : '';
  return /Connection terminated|Client has encountered a connection error|connection is closed/i.test(message);
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

/**
 * Connections each process keeps to PostgreSQL (PG_POOL_MAX, default 10). Processes times this
 * must stay under the server's max_connections (or a pooler's limit); a typo is refused at start
 * rather than becoming a pool of NaN.
 */
export function poolSize(v: string | undefined): number {
  if (v === undefined || v.trim() === '') return 10;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new Error(`PG_POOL_MAX: ${JSON.stringify(v)} is not a whole number of connections from 1 to 1000`);
  return n;
}

function openPostgres(databaseUrl: string): Store {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize(process.env.PG_POOL_MAX) });
  // A connection dropped by the server (restart, failover) is replaced on next use; its loss must
  // not take the process down as an unhandled 'error' event. The pool listens on idle connections
  // only: a socket error on one in use (EPIPE writing to a server that has just restarted) fails
  // its queries, and pg emits it on the client as well, so every client gets a listener of its
  // own. A broken connection is not queryable any more, so the pool drops it when it is released.
  pool.on('error', () => {}); // reported by the client's own listener
  pool.on('connect', (client) => client.on('error', (err) => console.error(`safeharbor: PostgreSQL connection lost: ${err.message}`)));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const listener = new PgListener(databaseUrl);
  return {
    kind: 'postgres',
    location: redactDatabaseUrl(databaseUrl),
    db,
    async copyCsv(table, columns, csv) {
      const client = await pool.connect();
      let failed: Error | undefined;
      try {
        const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN WITH (FORMAT csv)`));
        await pipeline(Readable.from([csv]), stream);
        return stream.rowCount ?? 0;
      } catch (err) {
        failed = err as Error;
        throw err;
      } finally {
        // A COPY that failed half way may leave the connection mid-protocol: pg discards it rather than pooling it.
        client.release(failed);
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
    listen: (channel, fn) => listener.add(WAKE_CHANNELS[channel], fn),
    async exclusively(lock, fn) {
      // A session lock on a connection of its own, held while fn works through the pool.
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('SELECT pg_advisory_lock($1)', [lock]);
        try {
          return await fn();
        } finally {
          await client.query('SELECT pg_advisory_unlock($1)', [lock]).catch((err: Error) => (broken = err));
        }
      } finally {
        // A connection that could not unlock may still hold the lock: it is closed, not pooled.
        client.release(broken);
      }
    },
    async close() {
      await listener.close();
      await db.destroy();
    },
  };
}

/**
 * A pool hands out any connection, and a LISTEN belongs to one: notifications come to one
 * dedicated client, opened with the first listener. When that connection is lost it is opened
 * again, and every listener is called once, since notifications sent meanwhile are gone.
 */
class PgListener {
  private readonly fns = new Map<string, Set<(payload?: string) => void>>();
  private client: Promise<pg.Client> | null = null;
  private closed = false;
  private retry: NodeJS.Timeout | null = null;

  constructor(private readonly connectionString: string) {}

  async add(channel: string, fn: (payload?: string) => void): Promise<() => Promise<void>> {
    let fns = this.fns.get(channel);
    if (!fns) this.fns.set(channel, (fns = new Set()));
    fns.add(fn);
    // LISTEN is idempotent; issuing it on every add covers a channel added while connecting.
    await (await this.connected()).query(`LISTEN ${channel}`);
    return async () => {
      fns.delete(fn);
      if (fns.size || this.fns.get(channel) !== fns) return;
      this.fns.delete(channel);
      const client = await this.client?.catch(() => null);
      await client?.query(`UNLISTEN ${channel}`).catch(() => {});
    };
  }

  private connected(): Promise<pg.Client> {
    this.client ??= this.open().catch((err) => {
      this.client = null;
      throw err;
    });
    return this.client;
  }

  private async open(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.connectionString });
    client.on('notification', (n) => this.fns.get(n.channel)?.forEach((fn) => fn(n.payload)));
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client));
    await client.connect();
    for (const channel of this.fns.keys()) await client.query(`LISTEN ${channel}`);
    return client;
  }

  private lost(client: pg.Client, err?: Error) {
    if (this.closed || this.retry) return;
    void this.client?.then((c) => {
      if (c !== client) return;
      console.error(`safeharbor: the PostgreSQL connection that listens for new work was lost${err ? `: ${err.message}` : ''}; reconnecting`);
      this.client = null;
      this.reconnect();
    });
  }

  private reconnect() {
    this.retry = setTimeout(() => {
      this.retry = null;
      if (this.closed) return;
      this.connected().then(
        () => this.fns.forEach((fns) => fns.forEach((fn) => fn())),
        () => this.reconnect(),
      );
    }, 1000);
    this.retry.unref();
  }

  async close() {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    const client = await this.client?.catch(() => null);
    await client?.end().catch(() => {});
  }
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

async function whileHolding<T>(pool: SingleConnectionPool, fn: () => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    return await fn();
  } finally {
    client.release();
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
    async listen(channel, fn) {
      // Through the pool, so that LISTEN never runs inside another caller's transaction.
      const unlisten = await whileHolding(pool, () => pglite.listen(WAKE_CHANNELS[channel], (payload) => fn(payload)));
      return () => whileHolding(pool, unlisten);
    },
    exclusively: (_lock, fn) => fn(),
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
