// Enforcement reaches the edge: a real nginx (Debian's package) proxies to an origin on loopback
// with the map that Safeharbor generates. Disabled content answers 451 with a Link to the public
// notice (RFC 7725), other URLs of the site still reach the origin, a terminated zone is blocked
// on every path, and reinstating it brings the site back. Embedded store only: this is about the
// edge, the SQL behind it runs on both stores elsewhere. A missing nginx fails the test.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createServer as createHttpServer, request, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { startTestServer, dmcaNotice, waitUntil, type TestServer } from '../support/server.ts';
import { createPrincipal } from '../../src/services/principals.ts';
import { DEFAULT_LIFECYCLE_POLICY } from '../../src/domain/takedown-lifecycle.ts';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '../../bin/safeharbor.js');
const PUBLIC_URL = 'https://safeharbor.test';

function findNginx(): string {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin'];
  for (const d of dirs) if (d && existsSync(join(d, 'nginx'))) return join(d, 'nginx');
  throw new Error('nginx is not installed: this test needs a real nginx (sudo apt-get install -y nginx); it is never skipped');
}

async function freePort(): Promise<number> {
  const srv = createNetServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

interface Reply {
  status: number;
  link: string | undefined;
  body: string;
}

/** A raw request through nginx: our own Host header and the path exactly as given. */
function viaEdge(port: number, host: string, path: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', setHost: false, agent: false, headers: { Host: host } }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, link: res.headers.link as string | undefined, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

class Edge {
  private child: ChildProcess | null = null;
  readonly conf: string;
  readonly map: string;
  readonly errorLog: string;
  constructor(
    readonly nginx: string,
    readonly dir: string,
    readonly port: number,
    originPort: number,
  ) {
    this.conf = join(dir, 'nginx.conf');
    this.map = join(dir, 'blocklist.map');
    this.errorLog = join(dir, 'error.log');
    for (const t of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, t));
    writeFileSync(
      this.conf,
      `daemon off;
master_process on;
worker_processes 1;
${process.getuid?.() === 0 ? 'user root;' : ''}
pid ${dir}/nginx.pid;
error_log ${this.errorLog} warn;
events { worker_connections 256; }
http {
  access_log ${dir}/access.log;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;

  include ${this.map};

  server {
    listen 127.0.0.1:${port};
    server_name _;
    if ($safeharbor_block) { return 451; }
    add_header Link $safeharbor_blocked_by always;
    location / {
      proxy_pass http://127.0.0.1:${originPort};
      proxy_set_header Host $host;
    }
  }
}
`,
    );
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null;
  }

  private args = () => ['-p', this.dir + '/', '-c', this.conf, '-e', this.errorLog];

  /** nginx -t: the generated map must load. */
  async check(): Promise<void> {
    try {
      await run(this.nginx, ['-t', '-q', ...this.args()]);
    } catch (err) {
      const e = err as { stderr?: string };
      throw new Error(`nginx -t refused the configuration:\n${e.stderr}\n--- map ---\n${readFileSync(this.map, 'utf8').slice(0, 4000)}`);
    }
  }

  async start(): Promise<void> {
    await this.check();
    const child = spawn(this.nginx, this.args(), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (c) => (out += c));
    child.stderr!.on('data', (c) => (out += c));
    this.child = child;
    await waitUntil(
      () =>
        viaEdge(this.port, 'up.test', '/').then(
          (r) => r.status,
          () => (child.exitCode === null ? 0 : -1),
        ),
      (s) => s !== 0,
      20_000,
      'nginx to listen',
    ).then((s) => {
      if (s === -1) throw new Error(`nginx exited: ${out}`);
    });
  }

  /** Check the new map, then `nginx -s reload` as an operator would. */
  /** The master's worker processes (Linux /proc). */
  private workers(): number[] {
    const pid = this.child?.pid;
    if (!pid) return [];
    try {
      return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return [];
    }
  }

  /**
   * Check the new map, then `nginx -s reload` as an operator would, and wait until every old
   * worker has exited: until then a new connection may still be served with the old map.
   */
  async reload(): Promise<void> {
    await this.check();
    const before = this.workers();
    await run(this.nginx, ['-s', 'reload', ...this.args()]);
    if (!this.running) return;
    await waitUntil(
      async () => this.workers(),
      (now) => now.length > 0 && now.every((p) => !before.includes(p)),
      20_000,
      'the old nginx workers to exit after the reload',
    );
  }

  async stop(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (c.exitCode === null) c.kill('SIGKILL');
  }
}

const ZONES = `account_id,account_name,account_email,zone,mode,origin
h1,Hosted Shop,ops@hostedshop.test,hostedshop.example,hosted,198.51.100.9
t1,Term Site,ops@termsite.test,termsite.example,hosted,198.51.100.10
`;

describe('edge enforcement through a real nginx (embedded store)', () => {
  let nginx: string;
  let s: TestServer;
  let origin: Server;
  let dir: string;
  let edge: Edge;
  let reporter: { token: string };
  let etag = '';
  let noticeId = '';
  let anonNoticeId = '';
  // The takedown lifecycle's clock: moved past the restore window in the last test.
  let now = new Date();

  /** Fetch the nginx map as an edge poller does (If-None-Match), install it if it changed, reload. */
  async function refreshEdge(): Promise<'changed' | 'unchanged'> {
    const r = await s.api('/v1/edge/blocklist?format=nginx', { token: s.adminToken, headers: etag ? { 'if-none-match': etag } : {} });
    if (r.status === 304) return 'unchanged';
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.match(r.headers.get('content-type') ?? '', /^text\/plain/);
    etag = r.headers.get('etag')!;
    writeFileSync(edge.map, r.body as string);
    if (edge.running) await edge.reload();
    return 'changed';
  }

  /** After a reload the old workers finish gracefully: wait until the edge answers as expected. */
  const expectStatus = (host: string, path: string, status: number) =>
    waitUntil(
      () => viaEdge(edge.port, host, path),
      (r) => r.status === status,
      15_000,
      `${status} for ${host}${path}`,
    );

  before(async () => {
    nginx = findNginx();
    dir = mkdtempSync(join(tmpdir(), 'safeharbor-edge-'));
    s = await startTestServer('embedded', { config: { publicUrl: PUBLIC_URL }, clock: () => now });
    await s.loadZones(ZONES);
    reporter = await s.reporter('agent@rights.test');
    origin = createHttpServer((req, res) => res.end(`origin ${req.headers.host} ${req.url}`));
    await new Promise<void>((r) => origin.listen(0, '127.0.0.1', r));
    edge = new Edge(nginx, dir, await freePort(), (origin.address() as { port: number }).port);
    assert.equal(await refreshEdge(), 'changed', 'the first map, written before nginx starts');
  });

  after(async () => {
    await edge?.stop();
    await new Promise((r) => (origin ? origin.close(r) : r(null)));
    await s?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('nginx starts with the (empty) map and proxies to the origin', async () => {
    await edge.start();
    const r = await viaEdge(edge.port, 'hostedshop.example', '/sunrise.mp4');
    assert.equal(r.status, 200);
    assert.equal(r.body, 'origin hostedshop.example /sunrise.mp4');
    assert.equal(r.link, undefined);
    assert.equal(await refreshEdge(), 'unchanged', 'nothing changed: 304');
  });

  test('the feed is staff only', async () => {
    assert.equal((await s.api('/v1/edge/blocklist', { token: reporter.token })).status, 403);
    assert.equal((await s.api('/v1/edge/blocklist')).status, 401);
    const bad = await s.api('/v1/edge/blocklist?format=apache', { token: s.adminToken });
    assert.equal(bad.status, 422);
    assert.equal(bad.body.errors[0].field, 'format');
  });

  test('disabled hosted content answers 451 with a Link to the public notice; the rest of the site answers 200', async () => {
    const urls = [
      'https://hostedshop.example/sunrise.mp4',
      'https://hostedshop.example/watch?v=abc',
      'https://hostedshop.example/films/café night.mp4',
      'https://hostedshop.example/we"ird;}{$host.mp4',
      'https://hostedshop.example/bad%FF.mp4',
    ];
    const filed = await s.api('/v1/notices', { token: reporter.token, body: dmcaNotice(urls) });
    assert.equal(filed.status, 201, JSON.stringify(filed.body));
    noticeId = filed.body.id;
    const anon = await s.api('/v1/notices', {
      token: reporter.token,
      body: dmcaNotice(['https://hostedshop.example/second.mp4'], {
        claimant: { name: 'Joe Bloggs', email: 'joe@bloggs.test', address: '2 Side St, Springfield', country: 'US' },
        signature: 'Joe Bloggs',
      }),
    });
    assert.equal(anon.status, 201, JSON.stringify(anon.body));
    anonNoticeId = anon.body.id;
    for (const id of [noticeId, anonNoticeId]) {
      await waitUntil(
        () => s.api(`/v1/notices/${id}`, { token: reporter.token }),
        (x) => x.body.status === 'processed',
        20_000,
        'processed',
      );
    }
    const view = await s.api(`/v1/notices/${noticeId}`, { token: reporter.token });
    assert.deepEqual(
      view.body.items.map((i: { state: string }) => i.state),
      urls.map(() => 'pending_review'),
    );

    // Before the decision, nothing is blocked and the feed has not changed.
    assert.equal(await refreshEdge(), 'unchanged');
    assert.equal((await fetch(`${s.url}/notices/${noticeId}/public`)).status, 404, 'no public page before anything is blocked');

    for (const id of [noticeId, anonNoticeId]) {
      const d = await s.api(`/v1/notices/${id}/review`, { token: s.adminToken, body: { action: 'disable', state: 'pending_review' } });
      assert.equal(d.status, 200, JSON.stringify(d.body));
    }

    const json = await s.api('/v1/edge/blocklist', { token: s.adminToken });
    assert.equal(json.status, 200);
    assert.equal(json.body.format, 'safeharbor-edge-blocklist/1');
    assert.equal(json.headers.get('etag'), `"${json.body.version}"`);
    assert.equal(json.body.counts.urls, 6);
    assert.deepEqual(
      json.body.urls.find((u: { url: string }) => u.url === 'https://hostedshop.example/sunrise.mp4'),
      { url: 'https://hostedshop.example/sunrise.mp4', notice_id: noticeId },
    );
    assert.equal(json.body.notice_url_template, `${PUBLIC_URL}/notices/{notice_id}/public`);
    assert.equal((await s.api('/v1/edge/blocklist', { token: s.adminToken, headers: { 'if-none-match': `W/"x", "${json.body.version}"` } })).status, 304);

    assert.equal(await refreshEdge(), 'changed');
    assert.equal(await refreshEdge(), 'unchanged');

    const link = `<${PUBLIC_URL}/notices/${noticeId}/public>; rel="blocked-by"`;
    const blocked = await expectStatus('hostedshop.example', '/sunrise.mp4', 451);
    assert.equal(blocked.link, link);
    assert.ok(!blocked.body.includes('origin'), 'the origin is not reached');
    // Ways of asking for the same path: all blocked.
    for (const path of [
      '/sunrise.mp4?cachebust=1',
      '/sunrise%2Emp4',
      '//sunrise.mp4',
      '/x/../sunrise.mp4',
      '/SUNRISE.mp4',
      '/watch?v=abc',
      '/films/caf%C3%A9%20night.mp4',
      '/we%22ird;%7D%7B$host.mp4',
      '/bad%FF.mp4',
      '/bad%ff.mp4',
    ]) {
      const r = await viaEdge(edge.port, 'hostedshop.example', path);
      assert.equal(r.status, 451, path);
      assert.equal(r.link, link, path);
    }
    assert.equal((await viaEdge(edge.port, 'HostedShop.Example', '/sunrise.mp4')).status, 451, 'host case');
    // The other notice, the rest of the site, other queries: as before.
    assert.equal((await viaEdge(edge.port, 'hostedshop.example', '/second.mp4')).link, `<${PUBLIC_URL}/notices/${anonNoticeId}/public>; rel="blocked-by"`);
    for (const path of ['/other.mp4', '/watch', '/watch?v=abcd', '/sunrise.mp4.txt', '/films/']) {
      const r = await viaEdge(edge.port, 'hostedshop.example', path);
      assert.equal(r.status, 200, path);
      assert.equal(r.body, `origin hostedshop.example ${path}`);
      assert.equal(r.link, undefined, path);
    }
    assert.equal((await viaEdge(edge.port, 'www.hostedshop.example', '/sunrise.mp4')).status, 200, 'only the host named in the notice');
  });

  test("the Link target: a public page without the sender's personal details", async () => {
    const r = await fetch(`${s.url}/notices/${noticeId}/public`);
    assert.equal(r.status, 200);
    const page = await r.text();
    assert.match(page, new RegExp(noticeId));
    assert.match(page, /Harbor Pictures LLC/);
    assert.match(page, /Sunrise Over Harbor/);
    assert.match(page, /URLs blocked now<\/dt><dd>5</);
    for (const secret of ['Jane Doe', 'jane@harborpictures.test', '1 Studio Way', '555 0100'])
      assert.ok(!page.includes(secret), `${secret} must not be public`);
    const anon = await (await fetch(`${s.url}/notices/${anonNoticeId}/public`)).text();
    assert.match(anon, /a rights holder/);
    assert.ok(!anon.includes('Joe Bloggs') && !anon.includes('joe@bloggs.test'));
    assert.equal((await fetch(`${s.url}/notices/00000000-0000-4000-8000-000000000000/public`)).status, 404);
    assert.equal((await fetch(`${s.url}/notices/not-a-uuid/public`)).status, 404);
  });

  test('a terminated zone answers 451 on every path and every subdomain; reinstated, it answers 200 again', async () => {
    assert.equal((await viaEdge(edge.port, 'termsite.example', '/')).status, 200);
    await sql`UPDATE zones SET status = 'terminated' WHERE name = 'termsite.example'`.execute(s.store.db);
    assert.equal(await refreshEdge(), 'changed');
    const link = `<${PUBLIC_URL}/>; rel="blocked-by"`;
    await expectStatus('termsite.example', '/', 451);
    for (const [host, path] of [
      ['termsite.example', '/'],
      ['termsite.example', '/any/page.html?x=1'],
      ['www.termsite.example', '/'],
      ['TERMSITE.example.', '/x'],
    ] as const) {
      const r = await viaEdge(edge.port, host, path);
      assert.equal(r.status, 451, host + path);
      assert.equal(r.link, link, host + path);
    }
    assert.equal((await viaEdge(edge.port, 'nottermsite.example', '/')).status, 200, 'a label boundary, not a string suffix');
    assert.equal((await viaEdge(edge.port, 'hostedshop.example', '/other.mp4')).status, 200);

    await sql`UPDATE zones SET status = 'active' WHERE name = 'termsite.example'`.execute(s.store.db);
    assert.equal(await refreshEdge(), 'changed');
    const back = await expectStatus('termsite.example', '/any/page.html', 200);
    assert.equal(back.body, 'origin termsite.example /any/page.html');
    assert.equal(back.link, undefined);
    assert.equal((await viaEdge(edge.port, 'hostedshop.example', '/sunrise.mp4')).status, 451, 'the disabled URL stays blocked');
  });

  test('a court-ordered domain answers 451 with a Link to the order; lifted, it answers 200 again', async () => {
    await s.loadZones(`account_id,account_name,account_email,zone,mode,origin
p1,Pirate,ops@examplepirate.test,examplepirate.example,proxied,198.51.100.11
n1,Neighbour,ops@neighbour.test,notexamplepirate.example,proxied,198.51.100.12
`);
    assert.equal(await refreshEdge(), 'unchanged', 'a new zone alone blocks nothing');
    assert.equal((await viaEdge(edge.port, 'examplepirate.example', '/film.mp4')).status, 200);
    const order = await s.api('/v1/legal-requests', {
      token: s.adminToken,
      body: {
        type: 'court_order',
        authority: 'High Court of Justice',
        case_number: 'HC-2026-000123',
        requesting_party: 'Studios Association',
        block_rules: ['examplepirate.*'],
      },
    });
    assert.equal(order.status, 201, JSON.stringify(order.body));
    assert.equal(await refreshEdge(), 'changed');
    const link = `<${PUBLIC_URL}/court-orders/${order.body.id}/public>; rel="blocked-by"`;
    await expectStatus('examplepirate.example', '/film.mp4', 451);
    for (const [host, path] of [
      ['examplepirate.example', '/'],
      ['examplepirate.example', '/film.mp4?x=1'],
      ['www.examplepirate.example', '/'],
    ] as const) {
      const r = await viaEdge(edge.port, host, path);
      assert.equal(r.status, 451, host + path);
      assert.equal(r.link, link, host + path);
      assert.ok(!r.body.includes('origin'), 'the origin is not reached');
    }
    assert.equal((await viaEdge(edge.port, 'notexamplepirate.example', '/')).status, 200, 'a label boundary, not a substring');
    assert.equal((await fetch(`${s.url}/court-orders/${order.body.id}/public`)).status, 200, 'the Link target exists');

    const rule = order.body.block_rules[0];
    const lifted = await s.api(`/v1/legal-requests/${order.body.id}/block-rules/${rule.id}/lift`, {
      token: s.adminToken,
      body: { reason: 'Order discharged' },
    });
    assert.equal(lifted.status, 200, JSON.stringify(lifted.body));
    assert.equal(await refreshEdge(), 'changed');
    const back = await expectStatus('examplepirate.example', '/film.mp4', 200);
    assert.equal(back.body, 'origin examplepirate.example /film.mp4');
    assert.equal(back.link, undefined);
    assert.equal((await viaEdge(edge.port, 'hostedshop.example', '/sunrise.mp4')).status, 451, 'disabled content stays blocked');
  });

  test('restored after the counter-notice period, the URL answers 200 again through nginx', async () => {
    const customer = await createPrincipal(s.store.db, { role: 'customer', email: 'ops@hostedshop.test', accountId: 'h1', actor: 'system' });
    const cn = await s.api(`/v1/notices/${noticeId}/counter-notice`, {
      token: customer.token,
      body: {
        material: { urls: ['https://hostedshop.example/sunrise.mp4'] },
        statements: { good_faith_mistake: true, consent_to_jurisdiction: true, accept_service_of_process: true },
        subscriber: { name: 'Hana Shop', address: '1 Market St, Portland, OR 97201', country: 'US', phone: '+1 503 555 0100' },
        signature: 'Hana Shop',
      },
    });
    assert.equal(cn.status, 201, JSON.stringify(cn.body));
    // The window runs: still blocked.
    assert.equal(await refreshEdge(), 'unchanged');
    assert.equal((await viaEdge(edge.port, 'hostedshop.example', '/sunrise.mp4')).status, 451);
    const wake = await s.store.db.selectFrom('item_lifecycles').select('next_wake_at').where('next_wake_at', 'is not', null).executeTakeFirstOrThrow();
    now = new Date(new Date(wake.next_wake_at!).getTime() + 1000);
    s.server.daemon.lifecycle.kick();
    await waitUntil(
      () => s.api(`/v1/notices/${noticeId}`, { token: reporter.token }),
      (x) => x.body.items[0].state === 'restored',
      15_000,
      'restored',
    );
    assert.equal(await refreshEdge(), 'changed');
    const back = await expectStatus('hostedshop.example', '/sunrise.mp4', 200);
    assert.equal(back.body, 'origin hostedshop.example /sunrise.mp4');
    assert.equal((await viaEdge(edge.port, 'hostedshop.example', '/watch?v=abc')).status, 451, 'the URLs not countered stay blocked');
  });
});

describe('automatic takedown reaches the edge through a real nginx (embedded store)', () => {
  let s: TestServer;
  let origin: Server;
  let dir: string;
  let edge: Edge;

  before(async () => {
    const nginx = findNginx();
    dir = mkdtempSync(join(tmpdir(), 'safeharbor-edge-auto-'));
    s = await startTestServer('embedded', {
      config: { publicUrl: PUBLIC_URL, lifecyclePolicy: { ...DEFAULT_LIFECYCLE_POLICY, automaticTakedown: true } },
    });
    await s.loadZones(`account_id,account_name,account_email,zone,mode,origin
h1,Hosted Shop,ops@hostedshop.test,hostedshop.example,hosted,198.51.100.9
p1,Proxied Shop,ops@proxiedshop.test,proxiedshop.example,proxied,198.51.100.11
`);
    origin = createHttpServer((req, res) => res.end(`origin ${req.headers.host} ${req.url}`));
    await new Promise<void>((r) => origin.listen(0, '127.0.0.1', r));
    edge = new Edge(nginx, dir, await freePort(), (origin.address() as { port: number }).port);
  });

  after(async () => {
    await edge?.stop();
    await new Promise((r) => (origin ? origin.close(r) : r(null)));
    await s?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('a notice filed under automaticTakedown: its hosted URL answers 451 without a staff decision, its proxied URL still reaches the origin', async () => {
    const reporter = await s.reporter('agent@rights.test');
    const filed = await s.api('/v1/notices', {
      token: reporter.token,
      body: dmcaNotice(['https://hostedshop.example/sunrise.mp4', 'https://proxiedshop.example/sunrise.mp4']),
    });
    assert.equal(filed.status, 201, JSON.stringify(filed.body));
    const view = await waitUntil(
      () => s.api(`/v1/notices/${filed.body.id}`, { token: reporter.token }),
      (x) => x.body.status === 'processed',
      20_000,
      'processed',
    );
    assert.deepEqual(
      view.body.items.map((i: { state: string }) => i.state),
      ['content_disabled', 'forwarded'],
    );
    const map = await s.api('/v1/edge/blocklist?format=nginx', { token: s.adminToken });
    assert.equal(map.status, 200);
    writeFileSync(edge.map, map.body as string);
    await edge.start();
    const blocked = await viaEdge(edge.port, 'hostedshop.example', '/sunrise.mp4');
    assert.equal(blocked.status, 451);
    assert.equal(blocked.link, `<${PUBLIC_URL}/notices/${filed.body.id}/public>; rel="blocked-by"`);
    assert.ok(!blocked.body.includes('origin'), 'the origin is not reached');
    const proxied = await viaEdge(edge.port, 'proxiedshop.example', '/sunrise.mp4');
    assert.equal(proxied.status, 200);
    assert.equal(proxied.body, 'origin proxiedshop.example /sunrise.mp4');
    assert.equal(proxied.link, undefined);
  });
});

describe('safeharbor edge nginx (the command)', () => {
  let nginx: string;
  let dir: string;
  before(() => {
    nginx = findNginx();
    dir = mkdtempSync(join(tmpdir(), 'safeharbor-edge-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const cli = async (args: string[]) => {
    try {
      const r = await run(process.execPath, [BIN, ...args], { env: { ...process.env, SAFEHARBOR_LOG: 'off', SAFEHARBOR_PUBLIC_URL: '' }, timeout: 90_000 });
      return { code: 0, stdout: r.stdout, stderr: r.stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  test('prints a map nginx accepts, from the store, and through the server that holds it', async () => {
    const data = join(dir, 'data');
    const direct = await cli(['edge', 'nginx', '--data', data, '--public-url', 'https://desk.test/']);
    assert.equal(direct.code, 0, direct.stderr);
    assert.match(direct.stdout, /^map "\$host\$uri\?\$args" \$safeharbor_block \{$/m);
    assert.match(direct.stdout, /"<https:\/\/desk\.test\/notices\/\$1\/public>; rel=\\"blocked-by\\""/);
    assert.match(direct.stderr, /blocklist version [0-9a-f]{64} from the embedded store/);
    const version = /version ([0-9a-f]{64})/.exec(direct.stderr)![1]!;

    // nginx accepts it as written.
    const conf = join(dir, 'nginx.conf');
    writeFileSync(join(dir, 'blocklist.map'), direct.stdout);
    writeFileSync(
      conf,
      `pid ${dir}/nginx.pid;\nevents {}\nhttp {\n  include ${dir}/blocklist.map;\n  server { listen 127.0.0.1:1; if ($safeharbor_block) { return 451; } add_header Link $safeharbor_blocked_by always; }\n}\n`,
    );
    await run(nginx, ['-t', '-q', '-p', dir + '/', '-c', conf, '-e', join(dir, 'error.log')]);

    // With the server holding the embedded store, the command asks the server.
    // No mail listener on a fixed port, where the server has one.
    const smtp = /--smtp-port/.test((await cli(['serve', '--help'])).stdout) ? ['--smtp-port', '0'] : [];
    const server = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...smtp, '--data', data], {
      env: { ...process.env, SAFEHARBOR_LOG: 'off', SAFEHARBOR_PUBLIC_URL: 'https://desk.test' },
    });
    let out = '';
    server.stdout.on('data', (c) => (out += c));
    server.stderr.on('data', (c) => (out += c));
    try {
      await waitUntil(
        async () => out,
        (o) => /listening on http/.test(o),
        60_000,
        'the server to start',
      );
      const file = join(dir, 'out.map');
      const via = await cli(['edge', 'nginx', '--data', data, '-o', file]);
      assert.equal(via.code, 0, via.stderr);
      assert.equal(via.stdout, '');
      assert.match(via.stderr, new RegExp(`blocklist version ${version} from the running server at http://127\\.0\\.0\\.1:\\d+`));
      assert.equal(readFileSync(file, 'utf8'), direct.stdout, 'the same map either way');
      const refused = await cli(['edge', 'nginx', '--data', data, '--public-url', 'https://other.test']);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /--public-url cannot be used while the server/);
    } finally {
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await exited;
    }
  });
});
