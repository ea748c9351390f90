// Zones imported per second through the real import path (importZones: CSV parse and checks,
// COPY into staging, one set-based merge), from a file on disk as `safeharbor import zones`
// reads it; then a re-import of the same file with 1% of the origins changed.
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import type { Store } from '../src/storage/store.ts';
import { importZones, type ZoneImportResult } from '../src/services/zone-import.ts';
import { importNetworks } from '../src/services/network-import.ts';
import { emit, note, perSecond, round } from './common.ts';
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

/** Imports `names` as zones into `store` (which must hold none yet), then re-imports with 1% changed. */
export async function benchZoneImport(
  store: Store,
  label: string,
  names: readonly string[],
  dir: string,
): Promise<{ importSeconds: number; reimportSeconds: number }> {
  const n = names.length;
  const first = join(dir, `zones-${label}-${n}.csv`);
  const second = join(dir, `zones-${label}-${n}-changed.csv`);
  const world = await writeZoneCsv(first, names);
  await writeZoneCsv(second, names, { changedPercent: 1 });
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
  emit({
    bench: 'zones.import',
    ...params,
    zones_per_s: perSecond(n, a.seconds),
    seconds: round(a.seconds, 2),
    parse_and_copy_seconds: round(a.loadingSeconds, 2),
    merge_seconds: round(a.mergeSeconds, 2),
    zones_created: a.result.zonesCreated,
    accounts_upserted: a.result.accountsUpserted,
  });

  // Updated tables have fresh statistics before the next figure (autovacuum may not have run).
  await sql`ANALYZE zones`.execute(store.db);
  await sql`ANALYZE zone_origins`.execute(store.db);
  await sql`ANALYZE accounts`.execute(store.db);

  note(`${label}: re-importing ${n.toLocaleString('en')} zones with 1% of origins changed…`);
  const b = await timedImport(store, second, `${label} re-import`);
  if (b.result.errors.length || b.result.zonesCreated !== 0) {
    throw new Error(`zone re-import on ${label}: ${b.result.zonesCreated} created; errors: ${JSON.stringify(b.result.errors.slice(0, 5))}`);
  }
  emit({
    bench: 'zones.reimport_1pct_origins_changed',
    ...params,
    zones_per_s: perSecond(n, b.seconds),
    seconds: round(b.seconds, 2),
    parse_and_copy_seconds: round(b.loadingSeconds, 2),
    merge_seconds: round(b.mergeSeconds, 2),
    zones_updated: b.result.zonesUpdated,
    origin_changes: b.result.originChanges,
  });
  await sql`ANALYZE zones`.execute(store.db);
  await sql`ANALYZE zone_origins`.execute(store.db);
  return { importSeconds: a.seconds, reimportSeconds: b.seconds };
}
