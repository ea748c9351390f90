// An API process killed with kill -9 in the middle of a bulk ingest, in production shape: a
// `serve --no-worker` process and a `worker` on PostgreSQL, and the real `safeharbor submit`
// sending a list of 1,000,000 URLs (SAFEHARBOR_FAULT_INGEST_URLS for another size) as notices of
// the client's default size. The API is killed once the client has had some answers, with
// requests in flight, and started again on the same port; the client retries what got no
// answer with the same Idempotency-Key. Afterwards every notice the client recorded as accepted
// is complete, the notices hold every URL of the list exactly once, and the worker processes
// each notice once.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { freshPostgresDatabase } from '../support/stores.ts';
import type { SafeharborProcess } from '../support/processes.ts';
import type { Store } from '../../src/storage/store.ts';
import { dmcaNotice } from '../support/server.ts';
import { DEFAULT_MAX_URLS_PER_NOTICE } from '../../src/cli/submit-command.ts';
import { apiUrl, call, deploymentEnv, freePort, loadWorld, openDb, startApi, startWorkerProcess, waitFor, workerReady } from '../support/deployment.ts';

const BIN = join(import.meta.dirname, '../../bin/safeharbor.js');
const N = Number(process.env.SAFEHARBOR_FAULT_INGEST_URLS ?? 1_000_000);
const ZONES = 4; // the four zones of loadWorld: each zone's URLs make full notices of their own
const PER_ZONE = N / ZONES;
const REST = PER_ZONE % DEFAULT_MAX_URLS_PER_NOTICE;
// Full notices of each zone, then the zones' rests packed together (first fit) into as few as fit.
const NOTICES = Math.floor(PER_ZONE / DEFAULT_MAX_URLS_PER_NOTICE) * ZONES + (REST ? Math.ceil(ZONES / Math.floor(DEFAULT_MAX_URLS_PER_NOTICE / REST)) : 0);
const urlOf = (i: number) => `https://site${(i % ZONES) + 1}.example/ingest/${i}`;

interface Acked {
  notice_id: string;
  urls: number;
  zones: number;
}
const acknowledged = (stateFile: string): Record<string, Acked> =>
  existsSync(stateFile) ? (JSON.parse(readFileSync(stateFile, 'utf8')) as { acknowledged: Record<string, Acked> }).acknowledged : {};

/** The notices given, each with its stored item count and the items it really has. */
async function stored(store: Store, ids: string[]) {
  if (!ids.length) return [];
  return (
    await sql<{ id: string; item_count: number; items: number }>`
      SELECT n.id, n.item_count, (SELECT count(*)::int FROM notice_items i WHERE i.notice_id = n.id) AS items
      FROM notices n WHERE n.id = ANY(${ids}::uuid[])`.execute(store.db)
  ).rows;
}

describe(`kill -9 of the API process in the middle of a ${N}-URL ingest from safeharbor submit`, () => {
  let db: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  let store: Store;
  let dir: string;
  let client: ChildProcess | null = null;
  const procs: SafeharborProcess[] = [];
  const admin = 'sh_admin_api_crash';

  before(async () => {
    assert.ok(Number.isInteger(PER_ZONE), `SAFEHARBOR_FAULT_INGEST_URLS must be a multiple of ${ZONES}`);
    db = await freshPostgresDatabase();
    dir = mkdtempSync(join(tmpdir(), 'safeharbor-api-crash-'));
  });
  after(async () => {
    client?.kill('SIGKILL');
    await Promise.all(procs.map((p) => p.stop('SIGKILL')));
    await store?.close();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('every notice answered 2xx is complete; the retries after the restart file no URL twice; each notice is processed once', async () => {
    const port = await freePort();
    const env = deploymentEnv(db.url, admin);
    const api = startApi('api', env, port);
    procs.push(api);
    const url = await apiUrl(api);
    const worker = startWorkerProcess('worker', env);
    procs.push(worker);
    await workerReady(worker);
    store = await openDb(db.url);
    const token = await loadWorld(url, admin);
    const reporter = ((await call(url, token, '/v1/me')).body as { id: string }).id;

    const file = join(dir, 'urls.txt');
    const out = createWriteStream(file);
    for (let i = 0; i < N; i += 10_000) {
      const lines: string[] = [];
      for (let j = i; j < Math.min(N, i + 10_000); j++) lines.push(urlOf(j));
      if (!out.write(lines.join('\n') + '\n')) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    const { urls: _none, ...template } = dmcaNotice([]);
    writeFileSync(join(dir, 'notice.json'), JSON.stringify(template));
    const stateFile = `${file}.submit-state.json`;

    const t0 = Date.now();
    const child = spawn(process.execPath, [BIN, 'submit', file, '--server', url, '--token', token, '--notice', join(dir, 'notice.json'), '--json'], {
      env: { ...process.env, SAFEHARBOR_LOG: 'off' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    client = child;
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c) => (stdout += c));
    child.stderr!.on('data', (c) => (stderr += c));
    const finished = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('close', (code, signal) => resolve({ code, signal })),
    );

    // Killed once a fifth of the notices are answered: the client keeps four requests in flight.
    await waitFor(
      'a fifth of the notices acknowledged',
      async () => {
        assert.equal(child.exitCode, null, `the client ended before the API could be killed:\n${stderr.slice(-2000)}`);
        return Object.keys(acknowledged(stateFile)).length;
      },
      (n) => n >= NOTICES / 5,
      300_000,
      20,
    );
    const killed = await api.stop('SIGKILL');
    assert.equal(killed.signal, 'SIGKILL');
    const before = acknowledged(stateFile);
    const beforeCount = Object.keys(before).length;
    assert.ok(beforeCount >= NOTICES / 5 && beforeCount < NOTICES, `${beforeCount} of ${NOTICES} notices acknowledged before the kill`);

    // While no API runs: every notice answered 2xx is in the database whole.
    const beforeIds = Object.values(before).map((a) => a.notice_id);
    const atKill = await stored(store, beforeIds);
    assert.equal(atKill.length, beforeCount, 'every acknowledged notice exists');
    for (const n of atKill) {
      const a = Object.values(before).find((b) => b.notice_id === n.id)!;
      assert.equal(n.item_count, a.urls, `notice ${n.id}: its item count`);
      assert.equal(n.items, a.urls, `notice ${n.id}: all its URLs`);
    }
    const filedAtKill = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM notices WHERE reporter_id = ${reporter}::uuid`.execute(store.db)).rows[0]!.n;

    await new Promise((r) => setTimeout(r, 1000)); // the client meets a refused connection, and backs off
    const again = startApi('api-restarted', env, port);
    procs.push(again);
    assert.equal(await apiUrl(again), url, 'back on the same port');

    const exit = await Promise.race([
      finished,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`the client did not finish:\n${stderr.slice(-3000)}`)), 480_000).unref()),
    ]);
    console.log(`# ${N} URLs sent in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    assert.equal(exit.code, 0, stderr.slice(-3000));
    const summary = JSON.parse(stdout) as { notices: { total: number; filed: number; replayed: number; skipped: number } };
    const retried = new Set([...stderr.matchAll(/^notice (\d+) \(.*\): .*; trying again in/gm)].map((m) => Number(m[1])));
    console.log(
      `# acknowledged before the kill: ${beforeCount} of ${NOTICES}; in the database then: ${filedAtKill}; ` +
        `notices retried: ${retried.size}; filed: ${summary.notices.filed}, replayed from their key: ${summary.notices.replayed}`,
    );
    assert.ok(retried.size > 0, `the requests in flight at the kill were retried:\n${stderr.slice(-3000)}`);
    assert.equal(summary.notices.total, NOTICES);
    assert.equal(summary.notices.skipped, 0);
    assert.equal(summary.notices.filed + summary.notices.replayed, NOTICES, stdout.slice(0, 3000));
    // A request the API committed but could not answer is answered from its key on the retry.
    assert.equal(summary.notices.replayed, filedAtKill - beforeCount, 'each notice filed but unanswered at the kill is replayed, not filed again');

    // Every acknowledged notice (before the kill and after) is complete.
    const all = acknowledged(stateFile);
    assert.equal(Object.keys(all).length, NOTICES);
    for (const [key, a] of Object.entries(before)) assert.equal(all[key]?.notice_id, a.notice_id, 'an answer given before the kill stands');
    const final = await stored(
      store,
      Object.values(all).map((a) => a.notice_id),
    );
    assert.equal(final.length, NOTICES);
    assert.deepEqual(
      final.filter((n) => n.items !== n.item_count || n.items !== Object.values(all).find((a) => a.notice_id === n.id)!.urls),
      [],
      'each notice has all its URLs',
    );

    // The reporter's notices are exactly those, and their items are the list, each URL once.
    const totals = (
      await sql<{ notices: number; keys: number; bodies: number; items: number; distinct_urls: number; as_listed: number; lowest: number; highest: number }>`
        WITH items AS (
          SELECT i.submitted_url, substring(i.submitted_url from '/ingest/(\\d+)$')::int AS idx
          FROM notice_items i JOIN notices n ON n.id = i.notice_id WHERE n.reporter_id = ${reporter}::uuid)
        SELECT (SELECT count(*)::int FROM notices WHERE reporter_id = ${reporter}::uuid) AS notices,
               (SELECT count(DISTINCT idempotency_key)::int FROM notices WHERE reporter_id = ${reporter}::uuid) AS keys,
               (SELECT count(DISTINCT request_hash)::int FROM notices WHERE reporter_id = ${reporter}::uuid) AS bodies,
               count(*)::int AS items, count(DISTINCT submitted_url)::int AS distinct_urls,
               count(*) FILTER (WHERE submitted_url = 'https://site' || (idx % ${ZONES} + 1) || '.example/ingest/' || idx)::int AS as_listed,
               min(idx) AS lowest, max(idx) AS highest
        FROM items`.execute(store.db)
    ).rows[0]!;
    assert.deepEqual(totals, { notices: NOTICES, keys: NOTICES, bodies: NOTICES, items: N, distinct_urls: N, as_listed: N, lowest: 0, highest: N - 1 });
    const ids = final.map((n) => n.id);

    // The worker takes notices oldest first. Those of the crash — answered before it, or in flight
    // and retried — are waited for; every notice with SAFEHARBOR_FAULT_INGEST_WAIT=all (for
    // 1,000,000 URLs one worker takes minutes longer than a CI run can spend on one test).
    const perNotice = (JSON.parse(stdout) as { per_notice: { notice_id: string }[] }).per_notice;
    const crash = [...new Set([...beforeIds, ...[...retried].map((n) => perNotice[n - 1]!.notice_id)])];
    const waited = process.env.SAFEHARBOR_FAULT_INGEST_WAIT === 'all' ? ids : crash;
    await waitFor(
      'the notices of the crash processed by the worker',
      async () =>
        (await sql<{ n: number }>`SELECT count(*)::int AS n FROM notices WHERE id = ANY(${waited}::uuid[]) AND status = 'processed'`.execute(store.db)).rows[0]!
          .n,
      (n) => n === waited.length,
      480_000,
      1000,
    );
    console.log(`# ${waited.length} notices processed ${((Date.now() - t0) / 1000).toFixed(1)} s after the start`);
    const counts = async (of: string[]) =>
      (
        await sql<{
          unresolved: number;
          resolved_events: number;
          resolved_twice: number;
          status_changes: number;
          bad_notices: number;
          messages: number;
          queued_twice: number;
        }>`
        SELECT
          (SELECT count(*)::int FROM notice_items WHERE notice_id = ANY(${of}::uuid[]) AND state = 'received') AS unresolved,
          (SELECT count(*)::int FROM events WHERE notice_id = ANY(${of}::uuid[]) AND type = 'item.resolved') AS resolved_events,
          (SELECT count(*)::int FROM (SELECT subject_id FROM events WHERE notice_id = ANY(${of}::uuid[]) AND type = 'item.resolved'
                                      GROUP BY subject_id HAVING count(*) > 1) t) AS resolved_twice,
          (SELECT count(*)::int FROM events WHERE notice_id = ANY(${of}::uuid[]) AND type = 'notice.status_changed') AS status_changes,
          (SELECT count(*)::int FROM (SELECT notice_id FROM events WHERE notice_id = ANY(${of}::uuid[]) AND type = 'notice.status_changed'
                                      GROUP BY notice_id, after->>'status' HAVING count(*) > 1) t) AS bad_notices,
          (SELECT count(*)::int FROM outbox WHERE notice_id = ANY(${of}::uuid[])) AS messages,
          (SELECT count(*)::int FROM (SELECT subject_id FROM events WHERE notice_id = ANY(${of}::uuid[]) AND type = 'message.queued'
                                      GROUP BY subject_id HAVING count(*) > 1) t) AS queued_twice`.execute(store.db)
      ).rows[0]!;
    const acked = Object.values(all).filter((a) => waited.includes(a.notice_id));
    // To each zone's owner, to the hosting provider, and the reporter's acknowledgement.
    assert.deepEqual(await counts(waited), {
      unresolved: 0,
      resolved_events: acked.reduce((n, a) => n + a.urls, 0),
      resolved_twice: 0,
      status_changes: 2 * waited.length,
      bad_notices: 0,
      messages: acked.reduce((n, a) => n + a.zones + 2, 0),
      queued_twice: 0,
    });
    // The rest, however far the worker is with them: nothing done twice so far.
    const rest = await counts(ids);
    assert.deepEqual([rest.resolved_twice, rest.bad_notices, rest.queued_twice], [0, 0, 0], 'no item resolved, notice moved or message queued twice');
  });
});
