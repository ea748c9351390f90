// The composition root: one store, the application context built over it, the HTTP app and the
// background daemon, started and stopped together.
import type { FastifyInstance } from 'fastify';
import type { Store } from './storage/store.ts';
import type { Config } from './config.ts';
import { buildApp } from './http/app.ts';
import type { HostResolver } from './services/dns.ts';
import { ensureAdmin } from './services/principals.ts';
import { startSmtpListener, type RunningListener } from './intake/smtp-listener.ts';
import { refreshDirectories } from './services/resolver.ts';
import { createAppContext, type AppContext } from './context.ts';
import { createDaemon, type Daemon } from './daemon.ts';
import { LOCKS } from './storage/locks.ts';

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
  /**
   * Run the background daemon here too (default). False: the API only — a stateless process
   * behind a load balancer, while `safeharbor worker` processes on the same PostgreSQL do the
   * background work.
   */
  worker?: boolean;
}

export interface RunningServer {
  url: string;
  app: FastifyInstance;
  context: AppContext;
  /** The background loops (tests kick them instead of waiting for a poll); not started with `worker: false`. */
  daemon: Daemon;
  /** The SMTP listener's port, when one runs. */
  smtpPort: number | null;
  /** Set on the first start of an empty store when no SAFEHARBOR_ADMIN_TOKEN was given. */
  createdAdminToken: string | null;
  close(): Promise<void>;
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const { store, config } = opts;
  const host = opts.host ?? '127.0.0.1';
  let app: FastifyInstance | null = null;
  // Several processes starting on an empty database would each create the administrator and the
  // channels' principals.
  const { admin, context } = await store.exclusively(LOCKS.setup, async () => ({
    admin: await ensureAdmin(store.db, opts.adminToken),
    context: await createAppContext({
      store,
      config,
      dns: opts.dns,
      clock: opts.clock,
      webhookResolve: opts.webhookResolve,
      readsMail: opts.smtpPort !== undefined,
      log: (msg, err) => app?.log.error({ err }, msg),
    }),
  }));
  await refreshDirectories(context.processor); // load the zone index and the ASN table before taking work
  app = await buildApp(context, { logger: opts.logger ?? false });
  const daemon = createDaemon(context, { pollMs: opts.pollMs, readMail: opts.smtpPort !== undefined });
  await app.listen({ port: opts.port ?? 8080, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  context.setListeningUrl(url); // links in mail point at this server unless told otherwise
  let listener: RunningListener | null = null;
  if (opts.smtpPort !== undefined) {
    listener = await startSmtpListener({
      db: store.db,
      port: opts.smtpPort,
      host,
      mailDomain: config.mailDomain,
      addresses: config.intakeAddresses,
      maxBytes: config.maxInboundBytes,
      log: context.log,
    });
  }
  if (opts.worker !== false) await daemon.start();
  const running = app;
  return {
    url,
    app: running,
    context,
    daemon,
    smtpPort: listener?.port ?? null,
    createdAdminToken: admin.created && !opts.adminToken ? (admin.token ?? null) : null,
    async close() {
      await listener?.close();
      await running.close();
      await daemon.stop();
    },
  };
}
