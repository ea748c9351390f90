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
import type { PollingLoop } from './services/polling-loop.ts';
import { Mailer } from './services/mailer.ts';
import { ensureAdmin, webFormPrincipal } from './services/principals.ts';
import { loadStatusLinkSecret, statusLinks } from './services/status-links.ts';
import { refreshDirectories } from './services/resolver.ts';

export interface ServerOptions {
  store: Store;
  config: Config;
  port?: number;
  host?: string;
  dns?: HostResolver;
  logger?: boolean;
  adminToken?: string;
  pollMs?: number;
}

export interface RunningServer {
  url: string;
  app: FastifyInstance;
  deps: ProcessorDeps;
  worker: PollingLoop;
  mailer: Mailer | null;
  /** Set on the first start of an empty store when no SAFEHARBOR_ADMIN_TOKEN was given. */
  createdAdminToken: string | null;
  close(): Promise<void>;
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const { store, config } = opts;
  const admin = await ensureAdmin(store.db, opts.adminToken);
  let mailer: Mailer | null = null;
  let baseUrl = config.publicUrl ?? 'http://127.0.0.1';
  const links = statusLinks(await loadStatusLinkSecret(store.db), () => baseUrl);
  const webReporterId = await webFormPrincipal(store.db);
  const log = (msg: string, err?: unknown) => app.log.error({ err }, msg);
  const deps: ProcessorDeps = {
    db: store.db,
    config,
    zones: new ZoneDirectory(store.db),
    networks: new NetworkDirectory(store.db),
    dns: opts.dns ?? systemResolver({ enabled: config.dnsLookups }),
    links,
    onMessagesQueued: () => mailer?.kick(),
  };
  await refreshDirectories(deps); // load the zone index and the ASN table before taking work
  const worker = noticeWorker(deps, opts.pollMs ?? 1000, log);
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
    },
    { logger: opts.logger ?? false },
  );
  if (config.smtpUrl) mailer = new Mailer(store.db, config.smtpUrl, config.mailFrom, opts.pollMs ?? 2000, log);
  await app.listen({ port: opts.port ?? 8080, host: opts.host ?? '127.0.0.1' });
  worker.start();
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
    createdAdminToken: admin.created && !opts.adminToken ? (admin.token ?? null) : null,
    async close() {
      await app.close();
      await worker.stop();
      await mailer?.stop();
    },
  };
}
