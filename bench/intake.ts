// Notice URLs taken in and resolved per second through the HTTP API, beside the most the same
// PostgreSQL can take in of the same rows. Intake: notices of 10,000 URLs POSTed one after the
// other to a real server (the background worker resolves each while the next is being filed),
// the clock stopped when the last notice is processed. Limit: the notice_items rows those
// notices ended with, copied back with one raw COPY into a scratch table of the same columns.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { sql } from 'kysely';
import type { Store } from '../src/storage/store.ts';
import { dmcaNotice, type BenchServer } from './api.ts';
import { figure, note, perSecond, ratio, round } from './common.ts';
import { urlMix } from './world.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const COPY_RUNS = 3;

/** Files `notices` notices of `perNotice` URLs and waits for all of them; returns their ids. */
async function fileAndWait(bs: BenchServer, store: Store, names: readonly string[], notices: number, perNotice: number) {
  const urls = urlMix(names, notices * perNotice, 31);
  // Bodies are made before the clock starts: the client's JSON is not the server's work.
  const bodies = Array.from({ length: notices }, (_, k) => JSON.stringify(dmcaNotice(urls.slice(k * perNotice, (k + 1) * perNotice))));
  const ids: string[] = [];
  let items = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (const [k, body] of bodies.entries()) {
    const res = await fetch(`${bs.url}/v1/notices`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bs.reporterToken}`, 'content-type': 'application/json', 'idempotency-key': `bench-intake-${Date.now()}-${k}` },
      body,
    });
    const filed = (await res.json()) as { id?: string; progress?: { items_total: number } };
    if (res.status !== 201 || !filed.id || !UUID.test(filed.id))
      throw new Error(`intake: notice ${k} answered ${res.status}: ${JSON.stringify(filed).slice(0, 300)}`);
    ids.push(filed.id);
    items += filed.progress?.items_total ?? 0;
  }
  const acceptedSeconds = (performance.now() - t0) / 1000;
  note(`intake: ${notices} notices filed in ${acceptedSeconds.toFixed(1)} s; waiting until processed…`);
  // Asked of the database every 50 ms (not through the API, so the waiting adds no requests).
  let lastMove = performance.now();
  let lastLeft = -1;
  for (;;) {
    const left = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM notices WHERE id = ANY(${ids}::uuid[]) AND status <> 'processed'`.execute(store.db))
      .rows[0]!.n;
    if (left === 0) break;
    if (left !== lastLeft) [lastLeft, lastMove] = [left, performance.now()];
    else if (performance.now() - lastMove > 120_000) throw new Error(`intake: ${left} notices not processed after two minutes without progress`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { ids, urls: urls.length, items, seconds, acceptedSeconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

/** Seconds of each of COPY_RUNS raw COPYs of `data` (COPY text format) into a fresh table made by `create`. */
async function copyRuns(client: pg.Client, columns: string[], data: Buffer[], create: string): Promise<number[]> {
  const times: number[] = [];
  for (let run = 0; run < COPY_RUNS; run++) {
    await client.query('DROP TABLE IF EXISTS bench_copy_items');
    await client.query(create);
    const t = performance.now();
    const stream = client.query(copyFrom(`COPY bench_copy_items (${columns.join(', ')}) FROM STDIN`));
    await pipeline(Readable.from(data), stream);
    times.push((performance.now() - t) / 1000);
  }
  await client.query('DROP TABLE bench_copy_items');
  return times;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function benchIntake(
  bs: BenchServer,
  store: Store,
  databaseUrl: string,
  names: readonly string[],
  opts: { notices: number; perNotice: number },
): Promise<void> {
  note(`intake: ${opts.notices} notices of ${opts.perNotice.toLocaleString('en')} URLs through POST /v1/notices…`);
  const run = await fileAndWait(bs, store, names, opts.notices, opts.perNotice);
  const intakePerSecond = perSecond(run.urls, run.seconds);

  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // Every column the API writes (the identity is left to the table, as in notice_items).
    const columns = (
      await client.query<{ column_name: string }>(
        `SELECT column_name FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = 'notice_items' AND is_identity = 'NO' AND is_generated = 'NEVER'
         ORDER BY ordinal_position`,
      )
    ).rows.map((r) => r.column_name);
    const data: Buffer[] = [];
    const out = client.query(
      copyTo(`COPY (SELECT ${columns.join(', ')} FROM notice_items WHERE notice_id IN (${run.ids.map((id) => `'${id}'`).join(', ')}) ORDER BY id) TO STDOUT`),
    );
    for await (const chunk of out) data.push(chunk as Buffer);
    const rows = (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM notice_items WHERE notice_id = ANY($1::uuid[])`, [run.ids])).rows[0]!.n;
    note(
      `intake: raw COPY of the same ${rows.toLocaleString('en')} rows (${(data.reduce((a, b) => a + b.length, 0) / 1e6).toFixed(1)} MB), ${COPY_RUNS} times…`,
    );
    const bare = await copyRuns(client, columns, data, 'CREATE TABLE bench_copy_items (LIKE notice_items INCLUDING DEFAULTS INCLUDING IDENTITY)');
    // With notice_items' indexes too (LIKE copies neither foreign keys nor triggers): what the
    // table's own upkeep costs before any of the product's work.
    const indexed = await copyRuns(client, columns, data, 'CREATE TABLE bench_copy_items (LIKE notice_items INCLUDING ALL)');
    const copyPerSecond = perSecond(rows, median(bare));

    figure('intake_urls_per_s', intakePerSecond, 'URLs/s', {
      notices: opts.notices,
      urls_per_notice: opts.perNotice,
      urls: run.urls,
      items: run.items,
      seconds: round(run.seconds, 2),
      all_201_after_s: round(run.acceptedSeconds, 2),
      accepted_urls_per_s: perSecond(run.urls, run.acceptedSeconds),
      // How much of a core the server's process had (the rest of the time it waited on
      // PostgreSQL, or for a core on a busy machine).
      server_cpu_share: round(run.cpuSeconds / run.seconds, 2),
      note: 'POST /v1/notices one after another over loopback, clock stopped when the last notice is processed (resolved, messages queued); DNS off',
    });
    figure('copy_rows_per_s', copyPerSecond, 'rows/s', {
      rows,
      runs: COPY_RUNS,
      seconds_median: round(median(bare), 3),
      seconds_min: round(Math.min(...bare), 3),
      indexed_rows_per_s: perSecond(rows, median(indexed)),
      note: 'the same notices’ notice_items rows, one COPY (text, pg-copy-streams) into LIKE notice_items without indexes; indexed_*: with its indexes',
    });
    figure('intake_vs_copy', ratio(intakePerSecond, copyPerSecond), 'ratio', {
      goal: '>= 0.3',
      note: 'intake_urls_per_s / copy_rows_per_s',
    });
  } finally {
    await client.end();
  }
}
