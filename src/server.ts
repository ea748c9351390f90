// The composition root: one store, the in-memory directories, the notice worker, the mailer
// and the HTTP app, started and stopped together.
import type { FastifyInstance } from 'fastify';
import type { Store } from './storage/store.ts';
import type { Config } from './config.ts';
import { buildApp } from './http/app.ts';
import { ZoneDirectory } from './services/zone-directory.ts';
import { NetworkDirectory } from './services/network-directory.ts';
import { systemResolver, type HostResolver } from './services/dns.ts';
import { noticeWorker, processNextNotice, type ProcessorDeps } from './services/notice-processor.ts';
import { PollingLoop } from './services/polling-loop.ts';
import { Mailer } from './services/mailer.ts';
import { ensureAdmin, mailIntakePrincipal, webFormPrincipal } from './services/principals.ts';
import { startSmtpListener, type RunningListener } from './intake/smtp-listener.ts';
import { processNextInbound, readParsedMail, type IntakeDeps } from './intake/mail-intake.ts';
import { replyTokens } from './intake/reply-tokens.ts';
import { loadStatusLinkSecret, statusLinks } from './services/status-links.ts';
import { refreshDirectories } from './services/resolver.ts';
import { originWatchLoop, type WebhookDeps } from './services/webhooks.ts';
import { runDueLifecycles, type LifecycleDeps } from './services/takedown-lifecycle.ts';
import { liftEndedRules, sendDueLegalNotices } from './legal/services/jobs.ts';

export interface ServerOptions {
  store: Store;
  config: Config;
  port?: number;
  host?: string;
  dns?: HostResolver;
  /** The request log: on (stdout), off, or Fastify's logger options (tests pass a stream). */
  logger?: boolean | { level?: string; stream?: { write(line: string): void } };
  adminToken?: string;
  pollMs?: number;
  /** Port of the SMTP listener for notices by e-mail (0: any free port); undefined: no listener. */
  smtpPort?: number;
  /** The takedown lifecycle's clock (restore windows); tests move it across business days. */
  clock?: () => Date;
  /** Addresses of a webhook's host (default: system DNS); tests replace DNS with it. */
  webhookResolve?: (host: string) => Promise<string[]>;
}

export interface RunningServer {
  url: string;
  app: FastifyInstance;
  deps: ProcessorDeps;
  worker: PollingLoop;
  mailer: Mailer | null;
  /** The SMTP listener's port, when one runs. */
  smtpPort: number | null;
  intake: IntakeDeps;
  /** Origin changes → webhook deliveries, and delayed customer notices of disclosures. */
  originWatch: PollingLoop;
  origins: WebhookDeps;
  lifecycle: LifecycleDeps;
  /** Restores content whose counter-notice waiting period ran out (see runDueLifecycles). */
  lifecycleWorker: PollingLoop;
  /** Set on the first start of an empty store when no SAFEHARBOR_ADMIN_TOKEN was given. */
  createdAdminToken: string | null;
  close(): Promise<void>;
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const { store, config } = opts;
  const admin = await ensureAdmin(store.db, opts.adminToken);
  let mailer: Mailer | null = null;
  let baseUrl = config.publicUrl ?? 'http://127.0.0.1';
  const secret = await loadStatusLinkSecret(store.db);
  const links = statusLinks(secret, () => baseUrl);
  const tokens = replyTokens(secret);
  const webReporterId = await webFormPrincipal(store.db);
  const log = (msg: string, err?: unknown) => app.log.error({ err }, msg);
  // Replies come back to an address that names their case, when this server reads mail.
  const replyTo =
    opts.smtpPort === undefined
      ? () => null
      : (noticeId: string, role: string) => `${config.intakeAddresses[0]}+${tokens.token(noticeId, role as 'reporter')}@${config.mailDomain}`;
  const lifecycle: LifecycleDeps = {
    db: store.db,
    provider: config.providerName,
    links,
    publicUrl: () => baseUrl.replace(/\/$/, ''),
    replyAddress: (noticeId) => replyTo(noticeId, 'owner'),
    calendar: config.calendar,
    policy: config.lifecyclePolicy,
    now: opts.clock ?? (() => new Date()),
  };
  const deps: ProcessorDeps = {
    db: store.db,
    config,
    zones: new ZoneDirectory(store.db),
    networks: new NetworkDirectory(store.db),
    dns: opts.dns ?? systemResolver({ enabled: config.dnsLookups }),
    links,
    lifecycle,
    onMessagesQueued: () => mailer?.kick(),
  };
  await refreshDirectories(deps); // load the zone index and the ASN table before taking work
  const lifecycleWorker = new PollingLoop(
    async () => {
      const worked = await runDueLifecycles(lifecycle);
      if (worked) mailer?.kick();
      return worked;
    },
    // Restore windows are days long: a minute late is nothing, and the loop reads one index.
    Math.max(opts.pollMs ?? 1000, 1000) * 30,
    (err) => log('takedown lifecycle run failed', err),
  );
  // Legal process: customer notices that come due after the configured delay, and court-order
  // block rules whose end date passed (the edge feed also lifts those when it is read).
  const legalWorker = new PollingLoop(
    async () => {
      const now = lifecycle.now();
      const sent = await sendDueLegalNotices({ db: store.db, provider: config.providerName, policy: config.legalNoticePolicy }, now);
      const lifted = await liftEndedRules(store.db, now);
      if (sent) mailer?.kick();
      return sent + lifted > 0;
    },
    Math.max(opts.pollMs ?? 1000, 1000) * 30,
    (err) => log('legal process run failed', err),
  );
  const worker = noticeWorker(deps, opts.pollMs ?? 1000, log);
  const origins: WebhookDeps = {
    db: store.db,
    policy: config.originDisclosure,
    provider: config.providerName,
    now: opts.clock ?? (() => new Date()),
    allowLoopback: config.webhookAllowLoopback,
    resolve: opts.webhookResolve,
    log,
    onMessagesQueued: () => mailer?.kick(),
  };
  const originWatch = originWatchLoop(origins, opts.pollMs ?? 1000, log);
  const app = await buildApp(
    {
      store,
      config,
      bodyLimit: 256 * 1024 * 1024,
      async processIfSmall(id, itemCount) {
        if (itemCount <= config.inlineProcessingLimit) await processNextNotice(deps, id);
      },
      wakeWorker: () => worker.kick(),
      messagesQueued: () => mailer?.kick(),
      links,
      publicUrl: () => baseUrl.replace(/\/$/, ''),
      webReporterId,
      origins,
      lifecycle,
    },
    { logger: opts.logger ?? false },
  );
  const intake: IntakeDeps = {
    db: store.db,
    config,
    links,
    replyTokens: tokens,
    read: readParsedMail,
    reporterId: await mailIntakePrincipal(store.db),
    processIfSmall: async (id, itemCount) => {
      if (itemCount <= config.inlineProcessingLimit) await processNextNotice(deps, id);
    },
    onMessagesQueued: () => mailer?.kick(),
    wakeWorker: () => worker.kick(),
    lifecycle,
  };
  const intakeWorker = new PollingLoop(
    () => processNextInbound(intake),
    opts.pollMs ?? 1000,
    (err) => log('mail intake run failed', err),
  );
  if (config.smtpUrl) mailer = new Mailer(store.db, config.smtpUrl, config.mailFrom, opts.pollMs ?? 2000, log, replyTo);
  await app.listen({ port: opts.port ?? 8080, host: opts.host ?? '127.0.0.1' });
  let listener: RunningListener | null = null;
  if (opts.smtpPort !== undefined) {
    listener = await startSmtpListener({
      db: store.db,
      port: opts.smtpPort,
      host: opts.host ?? '127.0.0.1',
      mailDomain: config.mailDomain,
      addresses: config.intakeAddresses,
      maxBytes: config.maxInboundBytes,
      onStored: () => intakeWorker.kick(),
      log,
    });
    intakeWorker.start();
  }
  worker.start();
  originWatch.start();
  lifecycleWorker.start();
  legalWorker.start();
  mailer?.start();
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const host = (opts.host ?? '127.0.0.1').includes(':') ? `[${opts.host}]` : (opts.host ?? '127.0.0.1');
  const url = `http://${host}:${port}`;
  if (!config.publicUrl) baseUrl = url; // links in mail point at this server unless told otherwise
  return {
    url,
    app,
    deps,
    worker,
    mailer,
    smtpPort: listener?.port ?? null,
    intake,
    originWatch,
    origins,
    lifecycle,
    lifecycleWorker,
    createdAdminToken: admin.created && !opts.adminToken ? (admin.token ?? null) : null,
    async close() {
      await listener?.close();
      await intakeWorker.stop();
      await app.close();
      await worker.stop();
      await originWatch.stop();
      await lifecycleWorker.stop();
      await legalWorker.stop();
      await mailer?.stop();
    },
  };
}
