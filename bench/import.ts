// Zones imported per second through the real import path (importZones: CSV parse and checks,
// COPY into staging, one set-based merge), from a file on disk as `safeharbor import zones`
// reads it; then a re-import of the same file with 1% of the origins changed. Beside it, its
// limit on the same PostgreSQL: a bare COPY of the same file into a table of its columns.
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import type { Store } from '../src/storage/store.ts';
import { importZones, type ZoneImportResult } from '../src/services/zone-import.ts';
import { importNetworks } from '../src/services/network-import.ts';
import { figure, note, perSecond, ratio, round, timed } from './common.ts';
import { networksCsv, writeZoneCsv } from './world.ts';

async function timedImport(
  store: Store,
  file: string,
  label: string,
): Promise<{ result: ZoneImportResult; seconds: number; loadingSeconds: number; mergeSeconds: number }> {
  const t0 = performance.now();
  let mergeStart = 0;
  let lastNote = t0;
  const result = await importZones(store, createReadStream(file), {
    actor: 'system',
    onProgress: (p) => {
      const now = performance.now();
      if (p.phase === 'merging') mergeStart = now;
      if (p.phase === 'loading' && now - lastNote > 5000) {
        lastNote = now;
        note(`  ${label}: ${p.rows.toLocaleString('en')} rows staged`);
      }
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  const loadingSeconds = ((mergeStart || performance.now()) - t0) / 1000;
  return { result, seconds, loadingSeconds, mergeSeconds: seconds - loadingSeconds };
}

/**
 * A bare COPY of the import file (header left out) into a scratch table of its columns, no
 * index: the most PostgreSQL can take in of those rows, the import's limit.
 */
async function copyLimitSeconds(store: Store, file: string): Promise<number> {
  const csv = await readFile(file, 'utf8');
  const body = csv.slice(csv.indexOf('\n') + 1);
  const columns = ['account_id', 'account_name', 'account_email', 'zone', 'mode', 'origin'];
  await sql`DROP TABLE IF EXISTS bench_zone_copy`.execute(store.db);
  await sql.raw(`CREATE TABLE bench_zone_copy (${columns.map((c) => `${c} text NOT NULL`).join(', ')})`).execute(store.db);
  try {
    const [rows, seconds] = await timed(() => store.copyCsv('bench_zone_copy', columns, body));
    if (rows <= 0) throw new Error(`COPY of ${file} loaded ${rows} rows`);
    return seconds;
  } finally {
    await sql`DROP TABLE bench_zone_copy`.execute(store.db);
  }
}

/**
 * Imports `names` as zones into `store` (which must hold none yet), then re-imports with 1%
 * changed. `size` is the nominal size the figures are named with ("1m", "100k").
 */
export async function benchZoneImport(
  store: Store,
  label: string,
  names: readonly string[],
  dir: string,
  size: string,
): Promise<{ importSeconds: number; reimportSeconds: number }> {
  const n = names.length;
  const first = join(dir, `zones-${label}-${n}.csv`);
  const second = join(dir, `zones-${label}-${n}-changed.csv`);
  const world = await writeZoneCsv(first, names);
  await writeZoneCsv(second, names, { changedPercent: 1 });
  const onPostgres = store.kind === 'postgres';
  const tail = onPostgres ? '' : `_${label}`;
  const params = {
    store: label,
    zones: n,
    accounts: world.accounts,
    hosted_share: round(world.hosted / n, 3),
    origins: world.origins,
  };

  await importNetworks(store.db, networksCsv(), 'system');

  note(`${label}: importing ${n.toLocaleString('en')} zones (${world.accounts.toLocaleString('en')} accounts)…`);
  const a = await timedImport(store, first, `${label} import`);
  if (a.result.errors.length || a.result.zonesCreated !== n) {
    throw new Error(`zone import on ${label}: ${a.result.zonesCreated} created of ${n}; errors: ${JSON.stringify(a.result.errors.slice(0, 5))}`);
  }
  figure(`import_zones_${size}_s${tail}`, round(a.seconds, 2), 's', {
    ...params,
    ...(onPostgres ? { goal: '< 20' } : {}),
    zones_per_s: perSecond(n, a.seconds),
    parse_and_copy_s: round(a.loadingSeconds, 2),
    merge_s: round(a.mergeSeconds, 2),
    zones_created: a.result.zonesCreated,
    accounts_upserted: a.result.accountsUpserted,
  });

  // Updated tables have fresh statistics before the next figure (autovacuum may not have run).
  await sql`ANALYZE zones`.execute(store.db);
  await sql`ANALYZE zone_origins`.execute(store.db);
  await sql`ANALYZE accounts`.execute(store.db);

  if (onPostgres) {
    note(`${label}: COPY of the same file into a bare table (the import's limit)…`);
    const copySeconds = await copyLimitSeconds(store, first);
    figure(`zones_copy_${size}_s`, round(copySeconds, 2), 's', {
      zones: n,
      rows_per_s: perSecond(n, copySeconds),
      note: 'the import file through one COPY (pg-copy-streams) into a table of its six text columns, no index',
    });
    figure(`import_vs_copy`, ratio(copySeconds, a.seconds), 'ratio', {
      zones: n,
      note: `import_zones_${size}_s against zones_copy_${size}_s: the share of a bare COPY's speed the import reaches`,
    });
  }

  note(`${label}: re-importing ${n.toLocaleString('en')} zones with 1% of origins changed…`);
  const b = await timedImport(store, second, `${label} re-import`);
  if (b.result.errors.length || b.result.zonesCreated !== 0) {
    throw new Error(`zone re-import on ${label}: ${b.result.zonesCreated} created; errors: ${JSON.stringify(b.result.errors.slice(0, 5))}`);
  }
  figure(`reimport_zones_${size}_1pct_changed_s${tail}`, round(b.seconds, 2), 's', {
    ...params,
    zones_per_s: perSecond(n, b.seconds),
    parse_and_copy_s: round(b.loadingSeconds, 2),
    merge_s: round(b.mergeSeconds, 2),
    zones_updated: b.result.zonesUpdated,
    origin_changes: b.result.originChanges,
  });
  await sql`ANALYZE zones`.execute(store.db);
  await sql`ANALYZE zone_origins`.execute(store.db);
  return { importSeconds: a.seconds, reimportSeconds: b.seconds };
}
