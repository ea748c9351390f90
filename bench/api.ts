// Notice URLs accepted and processed per second through the HTTP API: a real server
// (src/server.ts startServer, as `safeharbor serve` runs it, in this process) on loopback,
// one POST /v1/notices with many URLs, then GET /v1/notices/{id} polled until processed.
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import type { Store } from '../src/storage/store.ts';
import { startServer, type RunningServer } from '../src/server.ts';
import { configFromEnv } from '../src/config.ts';
import { figure, note, perSecond, round } from './common.ts';

export interface BenchServer {
  server: RunningServer;
  url: string;
  reporterToken: string;
  startSeconds: number;
  close(): Promise<void>;
}

export async function startBenchServer(store: Store): Promise<BenchServer> {
  const adminToken = `sh_bench_admin_${Math.random().toString(36).slice(2)}`;
  // No SMTP (messages wait in the outbox), no DNS (hostname origins are recorded as dns_failed),
  // no request log; no practical rate limit (the status load test sends tens of thousands of
  // requests a minute with one token; the limiter still runs on every request); everything
  // else as configured by default.
  const config = { ...configFromEnv({}), smtpUrl: null, dnsLookups: false, rateLimitPerMinute: 1e9, trustedRateLimitPerMinute: 1e9 };
  const t = performance.now();
  const server = await startServer({ store, config, port: 0, host: '127.0.0.1', adminToken, pollMs: 500, logger: false });
  const startSeconds = (performance.now() - t) / 1000;
  const res = await fetch(`${server.url}/v1/principals`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'bench@rights.example' }),
  });
  const body = (await res.json()) as { token?: string };
  if (res.status !== 201 || !body.token) throw new Error(`creating a reporter failed: ${res.status} ${JSON.stringify(body)}`);
  return { server, url: server.url, reporterToken: body.token, startSeconds, close: () => server.close() };
}

/** The body of a DMCA notice (as test/support/server.ts dmcaNotice). */
export function dmcaNotice(urls: string[]): Record<string, unknown> {
  return {
    urls,
    work: { description: 'The feature film "Sunrise Over Harbor" (2025), all rights reserved', urls: ['https://studio.example/films/sunrise'] },
    claimant: {
      name: 'Jane Doe',
      company: 'Harbor Pictures LLC',
      email: 'jane@harborpictures.example',
      address: '1 Studio Way, Los Angeles, CA 90001',
      phone: '+1 555 0100',
      country: 'US',
    },
    statements: { good_faith_belief: true, accuracy_and_authority: true },
    signature: 'Jane Doe',
    notify: { owner: 'send', host: 'send' },
  };
}

async function getJson(url: string, token: string): Promise<any> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const body = await res.json();
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
  return body;
}

/**
 * Files one notice with `urls` and waits until every URL is processed; returns the notice id.
 * Figures are named `<prefix>_s_to_201` and `<prefix>_processed_s` (with `_<label>` off PostgreSQL).
 */
export async function benchNotice(bs: BenchServer, store: Store, label: string, zones: number, urls: string[], prefix: string): Promise<string> {
  const tail = label === 'postgres' ? '' : `_${label}`;
  const body = JSON.stringify(dmcaNotice(urls));
  note(`${label}: POST /v1/notices with ${urls.length.toLocaleString('en')} URLs (${(body.length / 1024 / 1024).toFixed(1)} MB)…`);
  const t0 = performance.now();
  const res = await fetch(`${bs.url}/v1/notices`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bs.reporterToken}`, 'content-type': 'application/json', 'idempotency-key': `bench-${label}-${Date.now()}` },
    body,
  });
  const tHeaders = performance.now();
  const filed = (await res.json()) as any;
  const tBody = performance.now();
  if (res.status !== 201) throw new Error(`filing on ${label} answered ${res.status}: ${JSON.stringify(filed).slice(0, 500)}`);
  const id = filed.id as string;
  const items = filed.progress.items_total as number;
  const acceptedSeconds = (tHeaders - t0) / 1000;
  figure(`${prefix}_s_to_201${tail}`, round(acceptedSeconds, 2), 's', {
    store: label,
    zones,
    urls: urls.length,
    items_stored: items,
    invalid_at_filing: filed.counts?.invalid ?? 0,
    body_mb: round(body.length / 1024 / 1024, 1),
    urls_per_s: perSecond(urls.length, acceptedSeconds),
    response_body_seconds: round((tBody - tHeaders) / 1000, 2),
    note: 'POST /v1/notices over loopback: parse, validate, normalise and fold, one transaction with every item; answer holds the first 1,000 items',
  });

  // Poll as a client would, twice a second; give up if nothing moves for two minutes.
  let last = -1;
  let lastMove = performance.now();
  let view: any;
  for (;;) {
    view = await getJson(`${bs.url}/v1/notices/${id}?items_limit=1`, bs.reporterToken);
    if (view.status === 'processed') break;
    const resolved = view.progress.items_resolved as number;
    if (resolved !== last) {
      last = resolved;
      lastMove = performance.now();
      note(`  ${label}: ${resolved.toLocaleString('en')} / ${items.toLocaleString('en')} items resolved`);
    } else if (performance.now() - lastMove > 120_000) {
      throw new Error(`${label}: notice ${id} stuck at ${resolved} of ${items} items for two minutes (status ${view.status})`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  const tDone = performance.now();
  const messages = (
    await sql<{ role: string; n: number }>`SELECT recipient_role AS role, count(*)::int AS n FROM outbox WHERE notice_id = ${id}::uuid GROUP BY 1`.execute(
      store.db,
    )
  ).rows;
  const processingSeconds = (tDone - tBody) / 1000;
  figure(`${prefix}_processed_s${tail}`, round((tDone - t0) / 1000, 2), 's', {
    store: label,
    zones,
    urls: urls.length,
    items: items,
    counts: view.counts,
    messages_queued: Object.fromEntries(messages.map((m) => [m.role, m.n])),
    seconds_after_201: round(processingSeconds, 2),
    urls_per_s_after_201: perSecond(items, processingSeconds),
    urls_per_s_end_to_end: perSecond(items, (tDone - t0) / 1000),
    note: 'background worker: batches of 5,000 (resolve, one UPDATE + events per batch), then messages to the outbox; measured by polling every 0.5 s',
  });
  return id;
}
