// Faults in production shape (real child processes on PostgreSQL, a real SMTP server): a worker
// killed with kill -9 in the middle of a notice, a worker stopped with SIGTERM in the middle of
// one, the mail server down for a while, PostgreSQL restarted under running processes (between
// notices, and in the middle of one with mail waiting). In every case the work is finished by
// whoever is left, nothing is lost and nothing is done twice.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { freshPostgresDatabase } from '../support/stores.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';
import type { SafeharborProcess } from '../support/processes.ts';
import { startPrivatePostgres, type PrivatePostgres } from '../support/private-postgres.ts';
import type { Store } from '../../src/storage/store.ts';
import { sql } from 'kysely';
import {
  apiUrl,
  assertDeliveredInOrder,
  assertProcessedOnce,
  deploymentEnv,
  fileNotice,
  loadWorld,
  noticeUrls,
  openDb,
  progress,
  startApi,
  startWorkerProcess,
  waitFor,
  workerReady,
} from '../support/deployment.ts';

const BIG = 25_000; // five batches of 5,000: long enough to be caught half done
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('worker faults on PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  let smtp: TestSmtp;
  let store: Store;
  let api: SafeharborProcess;
  let url: string;
  let reporter: string;
  const procs: SafeharborProcess[] = [];
  const admin = 'sh_admin_worker_faults';
  const env = (over: Record<string, string> = {}) => deploymentEnv(db.url, admin, { SMTP_URL: smtp.url, SAFEHARBOR_INLINE_PROCESSING_LIMIT: '20', ...over });
  const worker = async (name: string, leaseSeconds: number) => {
    const w = startWorkerProcess(name, env({ SAFEHARBOR_WORKER_LEASE_SECONDS: String(leaseSeconds) }));
    procs.push(w);
    await workerReady(w);
    return w;
  };
  /** Until the notice's first batches are committed and more are left: a worker is in the middle of it. */
  const midway = (id: string) =>
    waitFor(
      'a worker half way through the notice',
      () => progress(store, [id]),
      (p) => p.notices[0]!.items_resolved >= 5000,
      180_000,
      20,
    );

  before(async () => {
    db = await freshPostgresDatabase();
    smtp = await startSmtp();
    api = startApi('api', env());
    procs.push(api);
    url = await apiUrl(api);
    store = await openDb(db.url);
    reporter = await loadWorld(url, admin);
  });
  after(async () => {
    await Promise.all(procs.map((p) => p.stop('SIGTERM')));
    await store?.close();
    await smtp?.close();
    await db?.drop();
  });

  let b: SafeharborProcess;

  test('kill -9 mid-notice: nothing is done while only the API runs; after the lease the next worker finishes it once', async () => {
    const id = await fileNotice(url, reporter, noticeUrls('killed', BIG));
    await sleep(3000);
    const idle = await progress(store, [id]);
    assert.equal(idle.notices[0]!.status, 'received', 'an API-only process leaves the notice to the workers');
    assert.equal(idle.notices[0]!.items_resolved, 0);

    const a = await worker('worker-a', 5);
    const caught = await midway(id);
    await a.stop('SIGKILL');
    assert.ok(caught.notices[0]!.items_resolved < BIG, 'killed before it finished');
    const killed = await progress(store, [id]);
    assert.equal(killed.notices[0]!.status, 'processing', 'the dead worker still holds the notice');

    b = await worker('worker-b', 60);
    const done = await waitFor(
      'the notice finished by worker-b and its mail sent',
      () => progress(store, [id]),
      (p) => p.processed === 1 && p.messages === 6 && p.sent === 6,
      180_000,
    );
    assert.equal(done.notices[0]!.items_resolved, BIG, 'every item counted once');
    await smtp.waitFor((m) => m.filter((x) => x.parsed.subject?.includes(id)).length >= 6);
    await sleep(2000);
    await assertProcessedOnce(store, [id], smtp.mails);
  });

  test('SIGTERM mid-notice: the worker gives the notice back at the next batch and exits; another goes on at once', async () => {
    const id = await fileNotice(url, reporter, noticeUrls('stopped', BIG));
    await midway(id);
    const exit = await b.stop('SIGTERM');
    assert.equal(exit.code, 0, b.output());
    assert.match(b.output(), /Safeharbor worker stopped/);
    const given = await progress(store, [id]);
    assert.equal(given.notices[0]!.status, 'processing');
    assert.ok(given.notices[0]!.items_resolved < BIG, 'stopped before the end');
    assert.equal(given.notices[0]!.lease_until, null, 'the lease is given back, not left to run out (60 s)');

    await worker('worker-c', 60);
    await waitFor(
      'the notice finished by worker-c and its mail sent',
      () => progress(store, [id]),
      (p) => p.processed === 1 && p.sent === 6,
      180_000,
    );
    await smtp.waitFor((m) => m.filter((x) => x.parsed.subject?.includes(id)).length >= 6);
    await sleep(2000);
    await assertProcessedOnce(store, [id], smtp.mails);
  });

  test('the mail server down: messages wait, use up no attempts, and go out once, in the order they were queued, when it is back on the same port', async () => {
    const port = Number(new URL(smtp.url).port);
    await smtp.close();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(await fileNotice(url, reporter, noticeUrls(`outage${i}`, 8)));
    const waiting = await waitFor(
      'every message tried and held back',
      () => progress(store, ids),
      (p) => p.messages === 18 && p.outbox.every((m) => m.last_error !== null),
      60_000,
    );
    assert.equal(waiting.sent, 0);
    assert.ok(
      waiting.outbox.every((m) => m.status === 'pending' && m.attempts === 0),
      JSON.stringify(waiting.outbox),
    );
    await sleep(3000); // down a while longer: retried, still nothing given up
    assert.ok((await progress(store, ids)).outbox.every((m) => m.status === 'pending' && m.attempts === 0));

    smtp = await startSmtp({ port, mails: smtp.mails });
    await waitFor(
      'the held-back mail sent',
      () => progress(store, ids),
      (p) => p.sent === 18,
      60_000,
    );
    await smtp.waitFor((m) => m.filter((x) => ids.some((id) => x.parsed.subject?.includes(id))).length >= 18);
    await sleep(2000);
    await assertProcessedOnce(store, ids, smtp.mails);
    await assertDeliveredInOrder(store, ids, smtp.mails);
  });
});

describe('PostgreSQL restarted under an API process and a worker', () => {
  let pgServer: PrivatePostgres;
  let smtp: TestSmtp;
  let store: Store;
  const procs: SafeharborProcess[] = [];
  const admin = 'sh_admin_pg_restart';
  let url: string;
  let reporter: string;
  let w: SafeharborProcess;

  before(async () => {
    pgServer = await startPrivatePostgres();
    smtp = await startSmtp();
  });
  after(async () => {
    await Promise.all(procs.map((p) => p.stop('SIGTERM')));
    await store?.close();
    await smtp?.close();
    pgServer?.stop();
  });

  test('they reconnect and go on: a notice filed after the restart is processed and mailed once', async () => {
    const env = deploymentEnv(pgServer.url, admin, { SMTP_URL: smtp.url, SAFEHARBOR_INLINE_PROCESSING_LIMIT: '20' });
    const api = startApi('api', env);
    w = startWorkerProcess('worker', env);
    procs.push(api, w);
    url = await apiUrl(api);
    await workerReady(w);
    store = await openDb(pgServer.url);
    reporter = await loadWorld(url, admin);
    const first = await fileNotice(url, reporter, noticeUrls('before', 100));
    await waitFor(
      'the first notice done',
      () => progress(store, [first]),
      (p) => p.processed === 1 && p.sent === 6,
    );

    await store.close();
    pgServer.restart();
    store = await openDb(pgServer.url);
    // The API answers again once its pool has replaced the connections the restart dropped.
    const second = await waitFor(
      'the API filing again',
      async () => {
        try {
          return await fileNotice(url, reporter, noticeUrls('after', 100));
        } catch {
          return null;
        }
      },
      (id) => id !== null,
      60_000,
      500,
    );
    const third = await fileNotice(url, reporter, noticeUrls('after-small', 8));
    const ids = [first, second!, third];
    await waitFor(
      'the notices filed after the restart processed and mailed',
      () => progress(store, ids),
      (p) => p.processed === 3 && p.sent === 18,
      120_000,
    );
    await smtp.waitFor((m) => m.filter((x) => ids.some((id) => x.parsed.subject?.includes(id))).length >= 18);
    await sleep(2000);
    await assertProcessedOnce(store, ids, smtp.mails);
    assert.equal(w.child.exitCode, null, 'the worker is still running');
  });

  test('restarted in the middle of a big notice, with mail waiting: the worker goes on with the notice at once, every item and message once, in order', async () => {
    const smtpPort = Number(new URL(smtp.url).port);
    await smtp.close();
    const small = await fileNotice(url, reporter, noticeUrls('waiting', 8));
    await waitFor(
      'its mail held back by the mail server being down',
      () => progress(store, [small]),
      (p) => p.messages === 6 && p.outbox.every((m) => m.status === 'pending' && m.last_error !== null),
      60_000,
    );
    const big = await fileNotice(url, reporter, noticeUrls('restarted', BIG));
    await waitFor(
      'the worker half way through the big notice',
      () => progress(store, [big]),
      (p) => p.notices[0]!.items_resolved >= 5000,
      180_000,
      20,
    );

    await store.close();
    pgServer.restart();
    store = await openDb(pgServer.url);
    const after = await progress(store, [big]);
    assert.equal(after.notices[0]!.status, 'processing', 'restarted before the notice was done');
    assert.ok(after.notices[0]!.items_resolved < BIG);
    const held = after.notices[0]!.lease_until!;
    assert.ok(held, 'the worker held the notice when the database went away');
    await waitFor(
      'the worker going on with the notice',
      () => progress(store, [big]),
      (p) => p.notices[0]!.items_resolved > after.notices[0]!.items_resolved,
      120_000,
    );
    // The lease (120 s) it held when the connection broke has not run out: the worker took its own
    // notice up again as soon as the database answered, rather than waiting to take it over.
    const { early } = (await sql<{ early: boolean }>`SELECT now() < ${held} AS early`.execute(store.db)).rows[0]!;
    assert.ok(early, 'went on before its lease ran out');

    smtp = await startSmtp({ port: smtpPort, mails: smtp.mails });
    const ids = [small, big];
    await waitFor(
      'the big notice processed and the mail of both sent',
      () => progress(store, ids),
      (p) => p.processed === 2 && p.messages === 12 && p.sent === 12,
      180_000,
    );
    assert.equal((await progress(store, [big])).notices[0]!.items_resolved, BIG, 'every item counted once');
    await smtp.waitFor((m) => m.filter((x) => ids.some((id) => x.parsed.subject?.includes(id))).length >= 12);
    await sleep(2000);
    await assertProcessedOnce(store, ids, smtp.mails);
    await assertDeliveredInOrder(store, ids, smtp.mails);
    assert.equal(w.child.exitCode, null, 'the worker is still running');
  });
});
