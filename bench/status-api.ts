// The status API under load: GET /v1/notices/{id} of a real notice, with the reporter's token,
// against its limit: a bare node:http server in the same process answering the same JSON body
// from memory. Same load generator (autocannon, in a child process so that it has a core of its
// own and does not share the servers' event loop), same connections, same duration, loopback.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { BenchServer } from './api.ts';
import { dmcaNotice } from './api.ts';
import { figure, note, ratio } from './common.ts';
import { urlMix } from './world.ts';

interface Load {
  rps: number;
  p50: number;
  p99: number;
  max: number;
  requests: number;
  non2xx: number;
  errors: number;
}

const autocannonCli = (): string => createRequire(import.meta.url).resolve('autocannon');

/** One autocannon run; throws if any answer was not a 2xx or a request failed. */
function load(url: string, headers: Record<string, string>, connections: number, seconds: number): Promise<Load> {
  const args = [autocannonCli(), '--json', '-n', '-c', String(connections), '-d', String(seconds)];
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}=${v}`);
  args.push(url);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`autocannon exited ${code}: ${err.slice(0, 500)}`));
      const r = JSON.parse(out) as {
        requests: { total: number };
        duration: number;
        latency: { p50: number; p99: number; max: number };
        non2xx: number;
        errors: number;
        timeouts: number;
      };
      const result = {
        rps: Math.round(r.requests.total / r.duration),
        p50: r.latency.p50,
        p99: r.latency.p99,
        max: r.latency.max,
        requests: r.requests.total,
        non2xx: r.non2xx,
        errors: r.errors + r.timeouts,
      };
      if (result.non2xx || result.errors) reject(new Error(`load on ${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`));
      else resolve(result);
    });
  });
}

export async function benchStatusApi(bs: BenchServer, names: readonly string[], opts: { connections: number; seconds: number; urls: number }): Promise<void> {
  // A notice as reporters usually send them: a handful of URLs, processed before its 201.
  const res = await fetch(`${bs.url}/v1/notices`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bs.reporterToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(dmcaNotice(urlMix(names, opts.urls, 41))),
  });
  const filed = (await res.json()) as { id?: string; status?: string };
  if (res.status !== 201 || filed.status !== 'processed') throw new Error(`status API: filing answered ${res.status} ${JSON.stringify(filed).slice(0, 300)}`);
  const apiUrl = `${bs.url}/v1/notices/${filed.id}`;
  const auth = { authorization: `Bearer ${bs.reporterToken}` };
  const view = await fetch(apiUrl, { headers: auth });
  const body = Buffer.from(await view.arrayBuffer());
  const contentType = view.headers.get('content-type') ?? 'application/json; charset=utf-8';

  const bare = createServer((_req, reply) => {
    reply.writeHead(200, { 'content-type': contentType, 'content-length': body.length });
    reply.end(body);
  });
  bare.keepAliveTimeout = 60_000;
  bare.listen(0, '127.0.0.1');
  await once(bare, 'listening');
  const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/v1/notices/${filed.id}`;
  try {
    const { connections, seconds } = opts;
    const results: Record<'bare' | 'api', Load> = {} as never;
    for (const [which, url] of [
      ['bare', bareUrl],
      ['api', apiUrl],
    ] as const) {
      note(`status API: ${which}, ${connections} connections, ${seconds} s (after a 2 s warm-up)…`);
      await load(url, auth, connections, 2);
      results[which] = await load(url, auth, connections, seconds);
    }
    const context = {
      connections,
      duration_s: seconds,
      body_bytes: body.length,
      notice_urls: opts.urls,
      load_generator: 'autocannon (child process), loopback',
    };
    const { bare: b, api: a } = results;
    figure('status_bare_rps', b.rps, 'requests/s', {
      ...context,
      p50_ms: b.p50,
      max_ms: b.max,
      requests: b.requests,
      note: 'node:http answering the same body from memory',
    });
    figure('status_bare_p99_ms', b.p99, 'ms', context);
    figure('status_api_rps', a.rps, 'requests/s', {
      ...context,
      p50_ms: a.p50,
      max_ms: a.max,
      requests: a.requests,
      note: 'GET /v1/notices/{id} with a bearer token: authentication, rate limiter, read access, the notice view from the per-process view cache',
    });
    figure('status_api_p99_ms', a.p99, 'ms', { ...context, goal: '< 20' });
    figure('status_api_vs_bare', ratio(a.rps, b.rps), 'ratio', {
      ...context,
      goal: '>= 0.5',
      note: 'status_api_rps / status_bare_rps',
      p99_ratio: ratio(a.p99, b.p99),
    });
  } finally {
    bare.closeAllConnections();
    bare.close();
  }
}
