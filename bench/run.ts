/**
 * `npm run bench`: the figures that matter, one JSON object per line on stdout (each with a
 * `bench` name, the figure, its unit in the key name and the parameters); progress on stderr.
 *
 *   zone_index_* / asn.*   the in-memory zone index and IP-to-ASN table on their own
 *   reader.*               the notice reader over the GitHub DMCA corpus (skipped without it)
 *   zones.import           1,000,000 zones through importZones (COPY + merge) on PostgreSQL,
 *                          100,000 on the embedded store; zones.reimport_*: 1% origins changed
 *   resolve.*              URL resolutions/s with the zones loaded, as notice processing does it
 *   api.notice_*           a 100,000-URL notice over HTTP on PostgreSQL (10,000 on the embedded
 *                          store): time to 201, URLs accepted/s, URLs processed/s
 *   web.status_page        first page of that notice's private status page: median and p95
 *
 * Needs TEST_DATABASE_URL (scripts/with-postgres.sh, which `npm run bench` uses, starts a
 * throwaway cluster). `--quick` divides every size by ten; `--only=memory,postgres,embedded`
 * runs some of the three parts. Run with --expose-gc (npm run bench does) for meaningful memory
 * figures.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openStore, type Store } from '../src/storage/store.ts';
import { freshPostgresDatabase, freshStore } from '../test/support/stores.ts';
import { benchZoneIndex } from './zone-index.ts';
import { benchAsn } from './asn.ts';
import { benchReader } from './reader.ts';
import { collectGarbage, emit, note, quick, round, size } from './common.ts';
import { urlMix, worldZoneNames } from './world.ts';
import { benchZoneImport } from './import.ts';
import { benchResolve } from './resolve.ts';
import { benchNotice, startBenchServer } from './api.ts';
import { benchStatusPage } from './status-page.ts';

const SIZES = {
  pgZones: size(1_000_000),
  embeddedZones: size(100_000),
  indexLookups: size(1_000_000),
  asnLookups: size(500_000),
  resolveUrls: size(200_000),
  embeddedResolveUrls: size(50_000),
  pgNoticeUrls: size(100_000),
  embeddedNoticeUrls: size(10_000),
};

const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const runs = (part: 'memory' | 'postgres' | 'embedded') => !only || only.includes(part);

const slow: string[] = [];

async function section(name: string, f: () => Promise<void>): Promise<void> {
  collectGarbage();
  const t = performance.now();
  note(`== ${name}`);
  await f();
  note(`== ${name}: done in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

/** The server side of the notice benches and the status page, on one store with zones loaded. */
async function serverBenches(store: Store, label: string, names: readonly string[], noticeUrls: number, statusPage: boolean): Promise<void> {
  const bs = await startBenchServer(store);
  try {
    emit({
      bench: 'api.server_start',
      store: label,
      zones: names.length,
      seconds: round(bs.startSeconds, 2),
      note: 'startServer: migrations checked, zone index and ASN table loaded, listening',
    });
    // Different URLs from the resolve bench's, same mix.
    const id = await benchNotice(bs, store, label, names.length, urlMix(names, noticeUrls, 21));
    if (statusPage) {
      // Fresh statistics, as autovacuum's analyze would have them shortly after a bulk change.
      await sql`ANALYZE notice_items`.execute(store.db);
      await sql`ANALYZE events`.execute(store.db);
      const r = await benchStatusPage(bs, label, id, noticeUrls);
      slow.push(...r.slow.map((s) => `status page on ${label}, ${noticeUrls} URLs, ${s} (target 200 ms)`));
    }
  } finally {
    await bs.close();
  }
}

async function main(): Promise<void> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error('TEST_DATABASE_URL is not set: run `npm run bench` (scripts/with-postgres.sh starts a throwaway PostgreSQL)');
  const dir = await mkdtemp(join(tmpdir(), 'safeharbor-bench-'));
  const started = performance.now();
  try {
    const pgVersion = await (async () => {
      const s = await openStore({ databaseUrl: adminUrl, migrate: false });
      try {
        return (await sql<{ v: string }>`SHOW server_version`.execute(s.db)).rows[0]!.v;
      } finally {
        await s.close();
      }
    })();
    emit({
      bench: 'env',
      node: process.version,
      cpus: cpus().length,
      cpu_model: cpus()[0]?.model ?? null,
      postgres: pgVersion,
      load_average_1m: round(loadavg()[0]!, 2),
      memory_gb: round(totalmem() / 2 ** 30, 1),
      quick,
      sizes: SIZES,
      gc_exposed: typeof (globalThis as { gc?: unknown }).gc === 'function',
    });

    if (runs('memory')) {
      await section('zone index (in memory)', async () => {
        for (const row of await benchZoneIndex({ zones: SIZES.pgZones, lookups: SIZES.indexLookups })) emit(row);
      });
      await section('ASN table (in memory)', async () => {
        for (const row of await benchAsn({ lookups: SIZES.asnLookups })) emit(row);
      });
      await section('notice reader (in memory)', async () => {
        for (const row of await benchReader({ passes: quick ? 1 : 2 })) emit(row);
      });
    }

    // PostgreSQL: a fresh database on the throwaway cluster.
    if (runs('postgres')) {
      const names = worldZoneNames(SIZES.pgZones);
      const database = await freshPostgresDatabase();
      const store = await openStore({ databaseUrl: database.url });
      try {
        await section(`zone import, PostgreSQL, ${SIZES.pgZones} zones`, async () => {
          const r = await benchZoneImport(store, 'postgres', names, dir);
          // The expectation: about a minute for 1,000,000 zones on PostgreSQL.
          const budget = (60 * SIZES.pgZones) / 1_000_000;
          if (r.importSeconds > 1.5 * budget)
            slow.push(`zone import on PostgreSQL: ${SIZES.pgZones} zones in ${r.importSeconds.toFixed(0)} s (expected about ${budget.toFixed(0)} s)`);
        });
        await section('URL resolution, PostgreSQL', () => benchResolve(store, 'postgres', names, SIZES.resolveUrls));
        await section(`notice API and status page, PostgreSQL, ${SIZES.pgNoticeUrls} URLs`, () =>
          serverBenches(store, 'postgres', names, SIZES.pgNoticeUrls, true),
        );
      } finally {
        await store.close();
        await database.drop();
      }
    }

    // The embedded store (PGlite, in memory here, cloned from a migrated template).
    if (runs('embedded')) {
      const names = worldZoneNames(SIZES.embeddedZones);
      const store = await freshStore('embedded');
      try {
        await section(`zone import, embedded, ${SIZES.embeddedZones} zones`, async () => {
          await benchZoneImport(store, 'embedded', names, dir);
        });
        await section('URL resolution, embedded', () => benchResolve(store, 'embedded', names, SIZES.embeddedResolveUrls));
        await section(`notice API, embedded, ${SIZES.embeddedNoticeUrls} URLs`, () => serverBenches(store, 'embedded', names, SIZES.embeddedNoticeUrls, false));
      } finally {
        await store.close();
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const total = (performance.now() - started) / 1000;
  // Other work on the machine skews every figure; the load average says whether there was some.
  emit({ bench: 'end', total_seconds: round(total), load_average_1m: round(loadavg()[0]!, 2), slow });
  note(`all done in ${total.toFixed(0)} s`);
  for (const s of slow) note(`SLOW: ${s}`);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
