// The background loops, all listed here and built from the application context: each does its
// work while there is some, polls for work other processes left, and wakes at once when a
// transaction that stored work for it commits (storage/wake.ts). Nothing here depends on HTTP,
// so the same daemon can run in a process of its own.
import { sql } from 'kysely';
import type { AppContext } from './context.ts';
import type { WakeChannel } from './storage/wake.ts';
import { PollingLoop } from './services/polling-loop.ts';
import { Mailer } from './services/mailer.ts';
import { noticeWorker } from './services/notice-processor.ts';
import { processNextInbound } from './intake/mail-intake.ts';
import { webhookLoop } from './services/webhooks.ts';
import { runDueLifecycles } from './services/takedown-lifecycle.ts';
import { liftEndedRules, sendDueLegalNotices } from './legal/services/jobs.ts';
import { endDueSuspensions } from './services/misuse-measures.ts';
import { transparencyDbLoop } from './dsa/transparency-db.ts';
import { sweepPublications } from './publication/services/publications.ts';

/** What the daemon needs of a loop (PollingLoop, Mailer). */
export interface Loop {
  start(): void;
  /** Run now instead of at the next poll. */
  kick(): void;
  stop(): Promise<void>;
}

export interface DaemonOptions {
  /** How often each loop looks for work nobody announced (work from before a restart, expired leases). */
  pollMs?: number;
  /** Read stored inbound mail (when this deployment receives mail). */
  readMail: boolean;
}

export interface Daemon {
  /** Processes filed notices (resolution, routing, messages). */
  notices: Loop;
  /** Sends the outbox over SMTP; null without SMTP_URL (then nothing is sent and nothing is lost). */
  mailer: Loop | null;
  /** Reads stored inbound mail; null when no mail is received. */
  mailIntake: Loop | null;
  /** The event log → webhook deliveries → attempts, and delayed customer notices of disclosures. */
  webhooks: Loop;
  /** Restores content whose counter-notice waiting period ran out (see runDueLifecycles). */
  lifecycle: Loop;
  /** Legal process: customer notices that come due, court-order block rules whose end passed. */
  legal: Loop;
  /** Suspensions under the misuse policy (DSA Art. 23) whose period ended: zones served again, parties told. */
  suspensions: Loop;
  /** Statements of reasons → the DSA Transparency Database; null without SAFEHARBOR_DSA_TDB_URL. */
  transparencyDb: Loop | null;
  /** Partitions of events and notice_items created ahead of their ids (ensure_partitions, migration 026). */
  partitions: Loop;
  /** The publication queue kept up with the policy and the notices' items (sweepPublications). */
  publications: Loop;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createDaemon(ctx: AppContext, opts: DaemonOptions): Daemon {
  const { config, log } = ctx;
  // Restore windows and legal delays are days long: a minute late is nothing, and each run reads one index.
  const pollMs = opts.pollMs ?? 1000;
  const slowPollMs = Math.max(pollMs, 1000) * 30;
  const notices = noticeWorker(ctx.processor, pollMs, log);
  const mailer = config.smtpUrl
    ? new Mailer(ctx.store.db, config.smtpUrl, config.mailFrom, opts.pollMs ?? 2000, log, ctx.replyAddress, config.workerLeaseSeconds)
    : null;
  const mailIntake = opts.readMail
    ? new PollingLoop(
        () => processNextInbound(ctx.intake),
        pollMs,
        (err) => log('mail intake run failed', err),
      )
    : null;
  const webhooks = webhookLoop(ctx.origins, pollMs, log);
  const lifecycle = new PollingLoop(
    () => runDueLifecycles(ctx.lifecycle),
    slowPollMs,
    (err) => log('takedown lifecycle run failed', err),
  );
  // The edge feed also lifts ended court-order rules when it is read.
  const legal = new PollingLoop(
    async () => {
      const now = ctx.clock();
      const sent = await sendDueLegalNotices(ctx.legal, now);
      const lifted = await liftEndedRules(ctx.store.db, now);
      return sent + lifted > 0;
    },
    slowPollMs,
    (err) => log('legal process run failed', err),
  );

  // The edge feed also ends due suspensions when it is read; a notifier's bar ends by the clock.
  const suspensions = new PollingLoop(
    async () => (await endDueSuspensions(ctx.misuse, ctx.clock())) > 0,
    slowPollMs,
    (err) => log('misuse suspension run failed', err),
  );

  // Statements are issued by many writers and need not reach the database within the second: it polls.
  const transparencyDb = config.transparencyDb ? transparencyDbLoop({ db: ctx.store.db, config: config.transparencyDb, now: ctx.clock, log }, pollMs) : null;

  // Each partition holds 10,000,000 ids and two are kept ahead: hourly is days early even at
  // millions of URLs a day, and a run with nothing to create reads only the catalog.
  const partitions = new PollingLoop(
    async () => {
      await sql`SELECT ensure_partitions()`.execute(ctx.store.db);
      return false;
    },
    Math.max(slowPollMs, 3_600_000),
    (err) => log('partition maintenance failed', err),
  );

  // Notices are queued for publication as they are processed; this catches those processed before
  // the policy published their kind, and redacts pending records again after an item changed.
  // Staff pages only read: publishing redacts once more and refuses a record that changed.
  const publications = new PollingLoop(
    async () => {
      const r = await sweepPublications(ctx.store.db, config.publicationPolicy);
      return r.queued + r.refreshed > 0;
    },
    slowPollMs,
    (err) => log('publication sweep failed', err),
  );

  const wakes: [WakeChannel, Loop | null][] = [
    ['notices', notices],
    ['outbox', mailer],
    ['inbound', mailIntake],
  ];
  // The mailer stops last: the others may still queue messages while they finish.
  const loops = ([mailIntake, notices, webhooks, lifecycle, legal, suspensions, transparencyDb, partitions, publications, mailer] as (Loop | null)[]).filter(
    (l) => l !== null,
  );
  let unlisten: (() => Promise<void>)[] = [];
  return {
    notices,
    mailer,
    mailIntake,
    webhooks,
    lifecycle,
    legal,
    suspensions,
    transparencyDb,
    partitions,
    publications,
    async start() {
      for (const [channel, loop] of wakes) if (loop) unlisten.push(await ctx.store.listen(channel, () => loop.kick()));
      for (const loop of loops) loop.start();
    },
    async stop() {
      await Promise.all(unlisten.map((u) => u()));
      unlisten = [];
      for (const loop of loops) await loop.stop();
    },
  };
}
