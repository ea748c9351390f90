/**
 * `npm run bench`: every figure as one JSON object per line on stdout,
 * `{"name","value","unit", ...context}`, each beside its limit measured in the same run where
 * there is one (the ratio is a figure of its own); progress on stderr. BENCHMARKS.md says what
 * each means and what one machine handles.
 *
 *   memory    bytes_per_zone_1m/_10m, resolve_lookups_per_s_1m/_10m: the zone index (one child
 *             process per size, one thread); asn_*: the IP-to-ASN table; reader_notices_per_s
 *   postgres  import_zones_1m_s beside zones_copy_1m_s (import_vs_copy); resolve_urls_per_s
 *             end to end; status_api_rps/_p99_ms beside status_bare_* (status_api_vs_bare);
 *             intake_urls_per_s (notices of 10,000 URLs until processed) beside
 *             copy_rows_per_s (intake_vs_copy); notice_100k_*: one 100,000-URL notice, and
 *             status_page_*: its private status page
 *   embedded  the same import, resolution and a 10,000-URL notice on the embedded store
 *   start     cli_help_ms, cli_serve_help_ms: `node bin/safeharbor.js --help` (and `serve --help`)
 *             as child processes, median; serve_healthz_ms: `serve` on a fresh embedded store
 *             until /healthz answers (bench/cli-start.ts)
 *
 * Needs TEST_DATABASE_URL (scripts/with-postgres.sh, which `npm run bench` uses, starts a
 * throwaway cluster). `--quick` divides every size by ten (the names stay; the context says
 * the sizes); `--only=start,memory,postgres,embedded` runs some of the four parts, and
 * `--server=resolve,status-api,intake,notice` some of the benches after the zone import. Run with
 * --expose-gc (npm run bench does) for meaningful memory figures.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { sql } from 'kysely';
import { openStore, type Store } from '../src/storage/store.ts';
import { freshPostgresDatabase, freshStore } from '../test/support/stores.ts';
import { benchAsn } from './asn.ts';
import { benchReader } from './reader.ts';
import { collectGarbage, emit, figure, note, quick, round, size, type Row } from './common.ts';
import { urlMix, worldZoneNames } from './world.ts';
import { benchZoneImport } from './import.ts';
import { benchResolve } from './resolve.ts';
import { benchNotice, startBenchServer } from './api.ts';
import { benchStatusPage } from './status-page.ts';
import { benchIntake } from './intake.ts';
import { benchStatusApi } from './status-api.ts';
import { benchCliStart } from './cli-start.ts';

const SIZES = {
  pgZones: size(1_000_000),
  embeddedZones: size(100_000),
  indexZones: [size(1_000_000), size(10_000_000)],
  indexLookups: size(1_000_000),
  asnLookups: size(500_000),
  resolveUrls: size(200_000),
  embeddedResolveUrls: size(50_000),
  pgNoticeUrls: size(100_000),
  embeddedNoticeUrls: size(10_000),
  intakeNotices: quick ? 2 : 10,
  intakeUrlsPerNotice: 10_000,
  statusConnections: 10,
  statusSeconds: quick ? 3 : 10,
  statusNoticeUrls: 10,
};
/** The nominal sizes the figures are named with, whatever --quick made of them. */
const INDEX_LABELS = ['1m', '10m'];

const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const runs = (part: 'start' | 'memory' | 'postgres' | 'embedded') => !only || only.includes(part);
/** `--server=status-api,intake,notice`: which of the server benches run (all by default); the zone import before them always runs, since they need its zones. */
const serverParts = process.argv
  .find((a) => a.startsWith('--server='))
  ?.slice('--server='.length)
  .split(',');
const serverRuns = (part: 'resolve' | 'status-api' | 'intake' | 'notice') => !serverParts || serverParts.includes(part);

const slow: string[] = [];
// Sampled as each section starts: what else the machine was doing shows in every figure.
const loadSamples: number[] = [];

async function section(name: string, f: () => Promise<void>): Promise<void> {
  collectGarbage();
  const t = performance.now();
  loadSamples.push(loadavg()[0]!);
  note(`== ${name} (load average ${loadavg()[0]!.toFixed(2)})`);
  await f();
  note(`== ${name}: done in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

/**
 * The zone index at one size in a child process of its own: an empty heap to measure from, the
 * heap 10,000,000 zones need, and no other section's garbage or threads.
 */
function zoneIndexFigures(zones: number, label: string, baseline: boolean): Promise<void> {
  const args = ['--expose-gc', '--max-old-space-size=16384', '--import', 'tsx', join(import.meta.dirname, 'zone-index.ts')];
  args.push(`--zones=${zones}`, `--lookups=${SIZES.indexLookups}`, `--label=${label}`);
  if (!baseline) args.push('--no-baseline');
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    if (line.trim()) emit({ ...(JSON.parse(line) as Row), quick });
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`bench/zone-index.ts --zones=${zones} exited ${code}`))));
  });
}

/** The reader's rows (bench/reader.ts is another's to change) as the one figure it makes. */
function readerFigures(rows: Record<string, unknown>[]): void {
  for (const { bench: _bench, notices_per_s: perSecond, ...context } of rows) {
    figure('reader_notices_per_s', typeof perSecond === 'number' ? perSecond : null, 'notices/s', { ...context, threads: 1 });
  }
}

/** The server side of the notice benches and the status page, on one store with zones loaded. */
async function serverBenches(store: Store, label: string, names: readonly string[], noticeUrls: number, databaseUrl: string | null): Promise<void> {
  const bs = await startBenchServer(store);
  const tail = label === 'postgres' ? '' : `_${label}`;
  try {
    figure(`server_start_s${tail}`, round(bs.startSeconds, 2), 's', {
      store: label,
      zones: names.length,
      note: 'startServer: migrations checked, zone index and ASN table loaded, listening',
    });
    if (databaseUrl && serverRuns('status-api'))
      await benchStatusApi(bs, names, { connections: SIZES.statusConnections, seconds: SIZES.statusSeconds, urls: SIZES.statusNoticeUrls });
    if (databaseUrl && serverRuns('intake'))
      await benchIntake(bs, store, databaseUrl, names, { notices: SIZES.intakeNotices, perNotice: SIZES.intakeUrlsPerNotice });
    if (!serverRuns('notice')) return;
    // Different URLs from the resolve bench's, same mix.
    const prefix = label === 'postgres' ? 'notice_100k' : 'notice_10k';
    const id = await benchNotice(bs, store, label, names.length, urlMix(names, noticeUrls, 21), prefix);
    if (databaseUrl) {
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
    figure('load_average_start', round(loadavg()[0]!, 2), 'runnable tasks (1 min)', {
      node: process.version,
      cpus: cpus().length,
      cpu_model: cpus()[0]?.model ?? null,
      postgres: pgVersion,
      memory_gb: round(totalmem() / 2 ** 30, 1),
      quick,
      sizes: SIZES,
      gc_exposed: typeof (globalThis as { gc?: unknown }).gc === 'function',
    });

    // First, before the other parts load the machine: child processes whose start is the figure.
    if (runs('start')) {
      await section('CLI start (child processes)', async () => {
        const helpMs = await benchCliStart({ runs: quick ? 5 : 15 });
        if (helpMs > 500) slow.push(`safeharbor --help: ${helpMs.toFixed(0)} ms (goal under 500 ms)`);
      });
    }

    if (runs('memory')) {
      for (const [i, zones] of SIZES.indexZones.entries()) {
        await section(`zone index (in memory), ${zones} zones`, () => zoneIndexFigures(zones, INDEX_LABELS[i]!, i === 0));
      }
      await section('ASN table (in memory)', async () => {
        for (const row of await benchAsn({ lookups: SIZES.asnLookups })) emit(row);
      });
      await section('notice reader (in memory)', async () => {
        readerFigures(await benchReader({ passes: quick ? 1 : 2 }));
      });
    }

    // PostgreSQL: a fresh database on the throwaway cluster.
    if (runs('postgres')) {
      const names = worldZoneNames(SIZES.pgZones);
      const database = await freshPostgresDatabase();
      const store = await openStore({ databaseUrl: database.url });
      try {
        await section(`zone import, PostgreSQL, ${SIZES.pgZones} zones`, async () => {
          const r = await benchZoneImport(store, 'postgres', names, dir, '1m');
          // The goal: under 20 s for 1,000,000 zones on PostgreSQL.
          const budget = (20 * SIZES.pgZones) / 1_000_000;
          if (r.importSeconds > 1.5 * budget)
            slow.push(`zone import on PostgreSQL: ${SIZES.pgZones} zones in ${r.importSeconds.toFixed(0)} s (goal under ${budget.toFixed(0)} s)`);
        });
        if (serverRuns('resolve')) await section('URL resolution, PostgreSQL', () => benchResolve(store, 'postgres', names, SIZES.resolveUrls));
        await section(`status API, intake, notice API and status page, PostgreSQL`, () =>
          serverBenches(store, 'postgres', names, SIZES.pgNoticeUrls, database.url),
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
          await benchZoneImport(store, 'embedded', names, dir, '100k');
        });
        if (serverRuns('resolve')) await section('URL resolution, embedded', () => benchResolve(store, 'embedded', names, SIZES.embeddedResolveUrls));
        await section(`notice API, embedded, ${SIZES.embeddedNoticeUrls} URLs`, () => serverBenches(store, 'embedded', names, SIZES.embeddedNoticeUrls, null));
      } finally {
        await store.close();
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const total = (performance.now() - started) / 1000;
  // Other work on the machine skews every figure; the load average says whether there was some.
  figure('load_average_end', round(loadavg()[0]!, 2), 'runnable tasks (1 min)', {
    load_average_max: round(Math.max(...loadSamples, loadavg()[0]!), 2),
    load_average_at_sections: loadSamples.map((x) => round(x, 2)),
    total_s: round(total),
    slow,
  });
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
