// `safeharbor submit` as a user runs it: the real command in a child process, against a real
// server over HTTP, the outcome counted in the server's store.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { storeKinds } from '../support/stores.ts';
import { dmcaNotice, startTestServer, type TestServer } from '../support/server.ts';
import { normaliseUrl } from '../../src/domain/url.ts';

const BIN = join(import.meta.dirname, '../../bin/safeharbor.js');

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function startCli(args: string[], opts: { env?: Record<string, string>; stdin?: string } = {}) {
  const child = spawn(process.execPath, [BIN, 'submit', ...args], { env: { ...process.env, SAFEHARBOR_LOG: 'off', ...opts.env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  if (opts.stdin !== undefined) child.stdin.end(opts.stdin);
  else child.stdin.end();
  const done = new Promise<Run>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}
const cli = (args: string[], opts: { env?: Record<string, string>; stdin?: string } = {}) => startCli(args, opts).done;
const jsonOf = (r: Run) => {
  try {
    return JSON.parse(r.stdout);
  } catch {
    throw new Error(`no JSON summary: ${r.stdout.slice(0, 500)}\n${r.stderr.slice(0, 2000)}`);
  }
};

/** The reporter's items on the server, by state, and how many there are in all and of distinct URLs. */
async function serverItems(s: TestServer, reporterId: string) {
  const byState = (
    await sql<{ state: string; n: number }>`
      SELECT i.state, count(*)::int AS n FROM notice_items i JOIN notices n ON n.id = i.notice_id
      WHERE n.reporter_id = ${reporterId} GROUP BY i.state ORDER BY i.state`.execute(s.store.db)
  ).rows;
  const totals = (
    await sql<{ items: number; distinct_urls: number; notices: number }>`
      SELECT count(*)::int AS items, count(DISTINCT i.url)::int AS distinct_urls, count(DISTINCT n.id)::int AS notices
      FROM notice_items i JOIN notices n ON n.id = i.notice_id WHERE n.reporter_id = ${reporterId}`.execute(s.store.db)
  ).rows[0]!;
  const notices = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM notices WHERE reporter_id = ${reporterId}`.execute(s.store.db)).rows[0]!.n;
  return { byState: Object.fromEntries(byState.map((r) => [r.state, r.n])), ...totals, notices };
}

/** A deterministic shuffle, so the zones of the file are interleaved as in a real list. */
function shuffle<T>(a: T[], seed: number): T[] {
  let x = seed;
  for (let i = a.length - 1; i > 0; i--) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const j = x % (i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

const ZONE_HEADER = 'account_id,account_name,account_email,zone,mode,origin\n';
const TEMPLATE = (() => {
  const { urls: _u, ...rest } = dmcaNotice([]);
  return rest;
})();

const N = 100_000;
const MAX = 10_000;
const DOMAINS = 500;

/** 100,000 URLs over 500 domains: two larger than a notice, 400 on the network (every tenth hosted), 98 not. */
function bigList(): { lines: string[]; sizes: Map<string, number> } {
  const sizes = new Map<string, number>([
    ['big0.example', 25_000],
    ['big1.example', 12_000],
  ]);
  let left = N - 37_000;
  for (let j = 2; j < DOMAINS; j++) {
    const n = j === DOMAINS - 1 ? left : 1 + ((j * 37) % 251);
    sizes.set(`d${j}.example`, n);
    left -= n;
  }
  assert.ok(left === 0 && sizes.get(`d${DOMAINS - 1}.example`)! > 0);
  const urls: string[] = [];
  for (const [domain, n] of sizes) {
    for (let i = 0; i < n; i++) urls.push(`https://${['', 'www.', 'cdn.'][i % 3]}${domain}/files/${i}.mkv`);
  }
  shuffle(urls, 42);
  const lines: string[] = ['# takedown list, Harbor Pictures'];
  urls.forEach((u, i) => {
    lines.push(u);
    if (i % 1000 === 999) lines.push('', `# after ${i + 1} URLs`);
  });
  return { lines, sizes };
}

function bigZones(): string {
  const rows = ['a0,Big Zero,owner@big0.test,big0.example,proxied,192.0.2.10', 'a1,Big One,owner@big1.test,big1.example,proxied,192.0.2.11'];
  for (let j = 2; j < 402; j++)
    rows.push(`a${j % 40},Account ${j % 40},owner${j % 40}@accounts.test,d${j}.example,${j % 10 === 0 ? 'hosted' : 'proxied'},192.0.2.${j % 250}`);
  return ZONE_HEADER + rows.join('\n') + '\n';
}

for (const kind of storeKinds()) {
  describe(`safeharbor submit: ${N} URLs in ${DOMAINS} domains (${kind} store)`, () => {
    let s: TestServer;
    let dir: string;
    before(async () => {
      s = await startTestServer(kind);
      await s.loadZones(bigZones());
      dir = mkdtempSync(join(tmpdir(), 'safeharbor-submit-'));
    });
    after(async () => {
      await s?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    test('every URL is filed exactly once, grouped by zone; the summary is the server’s; reruns, with or without the state file, file nothing again', async () => {
      const { lines, sizes } = bigList();
      const file = join(dir, 'urls.txt');
      writeFileSync(file, lines.join('\n') + '\n');
      const notice = join(dir, 'notice.json');
      writeFileSync(notice, JSON.stringify(TEMPLATE));
      const { token, id } = await s.reporter();
      const args = [file, '--server', s.url, '--token', token, '--notice', notice, '--concurrency', '3', '--wait', '--json'];

      const t0 = Date.now();
      const first = await cli(args);
      console.log(`# ${kind}: ${N} URLs submitted and processed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      assert.equal(first.code, 0, first.stderr.slice(-3000));
      const sum = jsonOf(first);
      const onServer = await serverItems(s, id);

      // Exactly once: as many items as distinct URLs in the file, each of them.
      assert.equal(onServer.items, N);
      assert.equal(onServer.distinct_urls, N);
      const filedUrls = new Set(
        (
          await sql<{ url: string }>`SELECT i.url FROM notice_items i JOIN notices n ON n.id = i.notice_id WHERE n.reporter_id = ${id}`.execute(s.store.db)
        ).rows.map((r) => r.url),
      );
      for (const l of lines) {
        const v = normaliseUrl(l);
        if (l && !l.startsWith('#')) assert.ok(v.ok && filedUrls.has(v.url), l);
      }

      // The summary is the server's count.
      assert.equal(sum.complete, true);
      assert.deepEqual(sum.lines, { read: lines.length, urls: N, skipped: lines.length - N, bad: 0, duplicates_folded: 0 });
      assert.equal(sum.urls, N);
      assert.equal(sum.notices.total, onServer.notices);
      assert.equal(sum.notices.filed, onServer.notices);
      assert.equal(sum.notices.processed, onServer.notices, '--wait waited for every notice');
      assert.deepEqual(sum.items, onServer.byState);
      const offNetwork = [...sizes].filter(([d]) => /^d(\d+)/.test(d) && Number(/^d(\d+)/.exec(d)![1]) >= 402).reduce((n, [, k]) => n + k, 0);
      const hosted = [...sizes]
        .filter(([d]) => /^d(\d+)/.test(d) && Number(/^d(\d+)/.exec(d)![1]) < 402 && Number(/^d(\d+)/.exec(d)![1]) % 10 === 0)
        .reduce((n, [, k]) => n + k, 0);
      assert.deepEqual(onServer.byState, { forwarded: N - offNetwork - hosted, not_on_network: offNetwork, pending_review: hosted });

      // Grouping: a zone that fits a notice is in one notice; a bigger one in full notices of its own and one more.
      const spread = (
        await sql<{ zone: string; notices: number }>`
          SELECT substring(i.host from '([^.]+[.]example)$') AS zone, count(DISTINCT i.notice_id)::int AS notices
          FROM notice_items i JOIN notices n ON n.id = i.notice_id WHERE n.reporter_id = ${id} GROUP BY 1`.execute(s.store.db)
      ).rows;
      assert.equal(spread.length, DOMAINS);
      for (const r of spread) assert.equal(r.notices, Math.ceil(sizes.get(r.zone)! / MAX), r.zone);
      assert.ok(onServer.notices <= Math.ceil(N / MAX) + 2, `${onServer.notices} notices: small zones are packed together`);
      const largest = (await sql<{ n: number }>`SELECT max(item_count)::int AS n FROM notices WHERE reporter_id = ${id}`.execute(s.store.db)).rows[0]!.n;
      assert.equal(largest, MAX);

      // The state file records every acknowledged notice; a rerun skips them all without a request.
      const state = JSON.parse(readFileSync(`${file}.submit-state.json`, 'utf8'));
      assert.equal(Object.keys(state.acknowledged).length, onServer.notices);
      const again = await cli(args);
      assert.equal(again.code, 0, again.stderr.slice(-2000));
      const sum2 = jsonOf(again);
      assert.deepEqual(sum2.notices, {
        total: onServer.notices,
        filed: 0,
        replayed: 0,
        skipped: onServer.notices,
        processed: onServer.notices,
        unprocessed: 0,
      });
      assert.deepEqual(sum2.items, onServer.byState);

      // Without the state file, the same Idempotency-Keys: the server answers with the notices it has.
      const fresh = await cli([...args, '--state', join(dir, 'other-state.json')]);
      assert.equal(fresh.code, 0, fresh.stderr.slice(-2000));
      assert.deepEqual(jsonOf(fresh).notices, {
        total: onServer.notices,
        filed: 0,
        replayed: onServer.notices,
        skipped: 0,
        processed: onServer.notices,
        unprocessed: 0,
      });
      assert.deepEqual(
        jsonOf(fresh)
          .per_notice.map((b: { notice_id: string }) => b.notice_id)
          .sort(),
        sum.per_notice.map((b: { notice_id: string }) => b.notice_id).sort(),
      );
      assert.deepEqual(await serverItems(s, id), onServer, 'nothing filed twice');
      assert.match(first.stderr, /submit: \d+ of \d+ notices acknowledged \(\d+ of \d+ URLs\); file 100% read/, 'plain progress lines off a terminal');
    });
  });
}

describe('safeharbor submit: resuming, bad input, refusals and retries (embedded store)', () => {
  let s: TestServer;
  let dir: string;
  before(async () => {
    s = await startTestServer('embedded', { config: { maxUrlsPerNotice: 5000 } });
    const rows = Array.from({ length: 200 }, (_, j) => `r${j % 20},Resume ${j % 20},owner${j % 20}@resume.test,r${j}.example,proxied,192.0.2.${j}`);
    await s.loadZones(ZONE_HEADER + rows.join('\n') + '\n');
    dir = mkdtempSync(join(tmpdir(), 'safeharbor-submit-'));
    writeFileSync(join(dir, 'notice.json'), JSON.stringify(TEMPLATE));
  });
  after(async () => {
    await s?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('killed (SIGKILL) after some notices were acknowledged, a rerun completes the list with no duplicates', async () => {
    const file = join(dir, 'resume.txt');
    const urls = Array.from({ length: 20_000 }, (_, i) => `https://r${i % 200}.example/p/${i}`);
    writeFileSync(file, urls.join('\n'));
    const stateFile = `${file}.submit-state.json`;
    const { token, id } = await s.reporter();
    // 40 notices of 500 URLs (5 zones of 100 each), one at a time: each is processed inside its POST.
    const args = [file, '--server', s.url, '--token', token, '--notice', join(dir, 'notice.json'), '--max-urls-per-notice', '500', '--concurrency', '1'];
    const run = startCli(args);
    const acked = () => (existsSync(stateFile) ? Object.keys(JSON.parse(readFileSync(stateFile, 'utf8')).acknowledged).length : 0);
    while (acked() < 3) {
      assert.equal(run.child.exitCode, null, 'the run ended before it could be interrupted');
      await new Promise((r) => setTimeout(r, 20));
    }
    run.child.kill('SIGKILL');
    const killed = await run.done;
    assert.equal(killed.signal, 'SIGKILL');
    const before = acked();
    assert.ok(before >= 3 && before < 40, `${before} notices acknowledged before the kill`);
    const partial = await serverItems(s, id);
    assert.ok(partial.notices >= before && partial.notices < 40);

    const rerun = await cli([...args, '--wait', '--json']);
    assert.equal(rerun.code, 0, rerun.stderr.slice(-2000));
    const sum = jsonOf(rerun);
    assert.equal(sum.notices.total, 40);
    assert.equal(sum.notices.skipped, before, 'what the state file recorded is not sent again');
    // A notice filed just before the kill, its answer never recorded, is answered from its key.
    assert.equal(sum.notices.replayed, partial.notices - before);
    assert.equal(sum.notices.filed, 40 - partial.notices);
    const done = await serverItems(s, id);
    assert.deepEqual(done, { byState: { forwarded: 20_000 }, items: 20_000, distinct_urls: 20_000, notices: 40 });
    assert.deepEqual(sum.items, done.byState);
  });

  test('from standard input with flags only (--kind --regime --name --email --company --explanation --affirm, SAFEHARBOR_TOKEN, --state)', async () => {
    const { token, id } = await s.reporter();
    const stateFile = join(dir, 'stdin-state.json');
    const args = [
      '-',
      '--server',
      s.url,
      '--kind',
      'phishing',
      '--regime',
      'dsa',
      '--name',
      'Sam Analyst',
      '--email',
      'sam@bank.test',
      '--company',
      'Example Bank',
      '--explanation',
      'The page imitates Example Bank’s login and sends the passwords to a third party.',
      '--affirm',
      '--state',
      stateFile,
      '--json',
    ];
    const stdin = '# from a pipe\nhttps://login.r1.example/\nhttps://r2.example/bank\n';
    const r = await cli(args, { env: { SAFEHARBOR_TOKEN: token }, stdin });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(jsonOf(r).notices.filed, 1);
    const n = (
      await sql<{ kind: string; regime: string; submission: any }>`SELECT kind, regime, submission FROM notices WHERE reporter_id = ${id}`.execute(s.store.db)
    ).rows;
    assert.equal(n.length, 1);
    assert.deepEqual(
      [n[0]!.kind, n[0]!.regime, n[0]!.submission.claimant.company, n[0]!.submission.statements],
      ['phishing', 'dsa', 'Example Bank', { accurate_and_complete: true }],
    );
    const again = await cli(args, { env: { SAFEHARBOR_TOKEN: token }, stdin });
    assert.equal(jsonOf(again).notices.skipped, 1, 'standard input resumes with an explicit --state');
  });

  test('bad lines are reported by line number and skipped; every valid line is filed; the exit status says so', async () => {
    const file = join(dir, 'bad.txt');
    writeFileSync(file, ['https://r3.example/a', 'ftp://r3.example/b', '', 'not a url at all', 'https://r4.example/c', '# done'].join('\n'));
    const { token, id } = await s.reporter();
    const r = await cli([file, '--server', s.url, '--token', token, '--notice', join(dir, 'notice.json'), '--json']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /bad\.txt:2: unsupported scheme "ftp:": only http and https URLs can be acted on/);
    assert.match(r.stderr, /bad\.txt:4: host "not a url at all" contains whitespace/);
    const sum = jsonOf(r);
    assert.deepEqual(sum.lines, { read: 6, urls: 2, skipped: 2, bad: 2, duplicates_folded: 0 });
    assert.deepEqual(
      sum.bad_lines.map((b: { line: number }) => b.line),
      [2, 4],
    );
    assert.equal(sum.complete, false);
    assert.deepEqual((await serverItems(s, id)).byState, { forwarded: 2 });
  });

  test('a missing required field is refused by field before anything is read or sent', async () => {
    const file = join(dir, 'unsent.txt');
    writeFileSync(file, 'https://r5.example/a\n');
    // Nothing listens on port 1: the check needs no server.
    const r = await cli([
      file,
      '--server',
      'http://127.0.0.1:1',
      '--token',
      'sh_x',
      '--work',
      'The film',
      '--name',
      'Jane Doe',
      '--email',
      'jane@studio.test',
      '--signature',
      'Jane Doe',
      '--affirm',
    ]);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr.trim(),
      [
        'safeharbor: the notice is incomplete; nothing was sent:',
        '  claimant.address: address is required (--address, or claimant.address in the --notice file)',
        '  claimant.country: country is required (ISO 3166-1 two-letter code, e.g. "US") (--country, or claimant.country in the --notice file)',
      ].join('\n'),
    );
    assert.equal(existsSync(`${file}.submit-state.json`), false);
    const kind = await cli([file, '--dry-run', '--kind', 'spam']);
    assert.match(kind.stderr, /option '--kind <kind>' argument 'spam' is invalid\. Allowed choices are copyright, trademark/);
  });

  test('--dry-run groups and lists the notices, sends nothing, writes no state; --address and --country complete the notice', async () => {
    const file = join(dir, 'dry.txt');
    writeFileSync(file, Array.from({ length: 30 }, (_, i) => `https://r${i % 3}.example/d/${i}`).join('\n'));
    const flags = [
      '--work',
      'The film',
      '--name',
      'Jane Doe',
      '--email',
      'jane@studio.test',
      '--address',
      '1 Studio Way',
      '--country',
      'US',
      '--signature',
      'Jane Doe',
      '--affirm',
    ];
    const r = await cli([file, '--dry-run', '--max-urls-per-notice', '20', ...flags]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /dry run: 2 notices with 30 URLs would be sent \(0 already acknowledged\); nothing was sent/);
    assert.match(r.stdout, /safeharbor-submit-v1-[0-9a-f]{64} {2}20 URLs in 2 zones\n {2}safeharbor-submit-v1-[0-9a-f]{64} {2}10 URLs in 1 zone/);
    assert.equal(existsSync(`${file}.submit-state.json`), false);
    const notices = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM notices`.execute(s.store.db)).rows[0]!.n;
    const { token } = await s.reporter();
    const real = await cli([file, '--server', s.url, '--token', token, '--max-urls-per-notice', '20', '--json', ...flags]);
    assert.equal(real.code, 0, real.stderr);
    assert.equal(jsonOf(real).notices.filed, 2, 'the same flags make a notice the server takes');
    assert.equal((await sql<{ n: number }>`SELECT count(*)::int AS n FROM notices`.execute(s.store.db)).rows[0]!.n, notices + 2);
  });

  test("a notice the server refuses (422) stops the run with the server's field errors", async () => {
    const file = join(dir, 'too-big.txt');
    writeFileSync(file, Array.from({ length: 6000 }, (_, i) => `https://r6.example/big/${i}`).join('\n'));
    const { token, id } = await s.reporter();
    const r = await cli([file, '--server', s.url, '--token', token, '--notice', join(dir, 'notice.json'), '--max-urls-per-notice', '6000']);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /notice 1 \(6000 URLs of r6\.example\) was refused by the server \(422\):\n {2}urls: this notice lists 6000 URLs; one notice can list at most 5000 — split the list into several notices/,
    );
    assert.match(r.stdout, /not finished: notice 1/);
    assert.equal((await serverItems(s, id)).notices, 0);
  });

  test('503, 429 with Retry-After and a connection lost after filing are retried with the same key: nothing is filed twice', async () => {
    let posts = 0;
    const proxy: Server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const isPost = req.method === 'POST' && req.url === '/v1/notices';
      if (isPost) posts++;
      if (isPost && posts === 1) return res.writeHead(503, { 'content-type': 'application/json' }).end('{"errors":[{"field":"(server)","message":"down"}]}');
      if (isPost && posts === 2) return res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' }).end('{"errors":[]}');
      const headers: Record<string, string> = {};
      for (const h of ['authorization', 'content-type', 'idempotency-key']) if (req.headers[h]) headers[h] = String(req.headers[h]);
      const up = await fetch(s.url + req.url, { method: req.method, headers, body: req.method === 'POST' ? Buffer.concat(chunks) : undefined });
      const body = Buffer.from(await up.arrayBuffer());
      // The server filed the notice; its answer never arrives.
      if (isPost && posts === 3) return req.socket.destroy();
      res.writeHead(up.status, { 'content-type': up.headers.get('content-type') ?? 'application/json' }).end(body);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    try {
      const file = join(dir, 'retry.txt');
      writeFileSync(file, Array.from({ length: 150 }, (_, i) => `https://r${7 + (i % 3)}.example/x/${i}`).join('\n'));
      const { token, id } = await s.reporter();
      const port = (proxy.address() as { port: number }).port;
      const r = await cli([
        file,
        '--server',
        `http://127.0.0.1:${port}/`,
        '--token',
        token,
        '--notice',
        join(dir, 'notice.json'),
        '--max-urls-per-notice',
        '50',
        '--concurrency',
        '1',
        '--json',
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /notice 1 \(50 URLs of r7\.example\): server answered 503; trying again in \d+\.\d s \(attempt 2\)/);
      assert.match(r.stderr, /notice 1 \(50 URLs of r7\.example\): rate limited \(429\); trying again in 1\.0 s \(attempt 3\)/);
      assert.match(r.stderr, /notice 1 \(50 URLs of r7\.example\): \S+; trying again in \d+\.\d s \(attempt 4\)/);
      assert.deepEqual(jsonOf(r).notices, { total: 3, filed: 2, replayed: 1, skipped: 0, processed: 3, unprocessed: 0 });
      assert.deepEqual(await serverItems(s, id), { byState: { forwarded: 150 }, items: 150, distinct_urls: 150, notices: 3 });
    } finally {
      await new Promise((r) => proxy.close(r));
    }
  });
});
