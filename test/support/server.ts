// A Safeharbor server over real HTTP on loopback, on a fresh store of the given kind.
import { startServer, type RunningServer } from '../../src/server.ts';
import { configFromEnv, type Config } from '../../src/config.ts';
import type { Store, StoreKind } from '../../src/storage/store.ts';
import type { HostResolver } from '../../src/services/dns.ts';
import { freshStore } from './stores.ts';
import { importZones } from '../../src/services/zone-import.ts';

export interface TestServer {
  url: string;
  store: Store;
  server: RunningServer;
  adminToken: string;
  /** A new reporter; returns its token and id. */
  reporter(email?: string): Promise<{ token: string; id: string; accountId: string }>;
  api(
    path: string,
    init?: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; body: any; headers: Headers }>;
  loadZones(csv: string): Promise<void>;
  close(): Promise<void>;
}

export async function startTestServer(
  kind: StoreKind,
  opts: {
    smtpUrl?: string;
    config?: Partial<Config>;
    dns?: HostResolver;
    smtpPort?: number;
    clock?: () => Date;
    webhookResolve?: (host: string) => Promise<string[]>;
    logger?: { level?: string; stream?: { write(line: string): void } };
  } = {},
): Promise<TestServer> {
  const store = await freshStore(kind);
  const adminToken = `sh_admin_${Math.random().toString(36).slice(2)}`;
  const config = { ...configFromEnv({}), smtpUrl: opts.smtpUrl ?? null, publicUrl: 'https://safeharbor.test', ...opts.config };
  const server = await startServer({
    store,
    config,
    port: 0,
    host: '127.0.0.1',
    adminToken,
    dns: opts.dns,
    pollMs: 100,
    smtpPort: opts.smtpPort,
    clock: opts.clock,
    webhookResolve: opts.webhookResolve,
    logger: opts.logger,
  });
  const api: TestServer['api'] = async (path, init = {}) => {
    const res = await fetch(server.url + path, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: {
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...init.headers,
      },
      body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: res.status, body, headers: res.headers };
  };
  let n = 0;
  return {
    url: server.url,
    store,
    server,
    adminToken,
    async reporter(email) {
      const r = await api('/v1/principals', { token: adminToken, body: { email: email ?? `reporter${++n}@rights.test` } });
      if (r.status !== 201) throw new Error(`creating a reporter failed: ${r.status} ${JSON.stringify(r.body)}`);
      return { token: r.body.token, id: r.body.id, accountId: r.body.account_id };
    },
    api,
    async loadZones(csv) {
      const r = await importZones(store, csv, { actor: 'system' });
      if (r.errors.length) throw new Error(`zone fixture has errors: ${JSON.stringify(r.errors)}`);
    },
    async close() {
      await server.close();
      await store.close();
    },
  };
}

/** A complete, valid DMCA notice body; override what a test is about. */
export function dmcaNotice(urls: string[], over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    urls,
    work: { description: 'The feature film "Sunrise Over Harbor" (2025), all rights reserved', urls: ['https://studio.test/films/sunrise'] },
    claimant: {
      name: 'Jane Doe',
      company: 'Harbor Pictures LLC',
      email: 'jane@harborpictures.test',
      address: '1 Studio Way, Los Angeles, CA 90001',
      phone: '+1 555 0100',
      country: 'US',
    },
    statements: { good_faith_belief: true, accuracy_and_authority: true },
    signature: 'Jane Doe',
    notify: { owner: 'send', host: 'send' },
    ...over,
  };
}

export async function waitUntil<T>(fn: () => Promise<T>, pred: (v: T) => boolean, timeoutMs = 60_000, what = 'condition'): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (pred(v)) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(v).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
