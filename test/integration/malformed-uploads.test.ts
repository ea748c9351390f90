// No upload can end the server (issue 15): every import route, on both stores, answers each kind
// of unreadable file with 422 naming the line and the problem, loads nothing of it, and the
// server still answers /healthz afterwards. The CLI's import commands say the same, through a
// running server on the embedded store and on the store directly with PostgreSQL.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { openStore, type Store } from '../../src/storage/store.ts';
import { migrate } from '../../src/storage/migrate.ts';
import { freshPostgresDatabase, storeKinds } from '../support/stores.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const BIN = join(import.meta.dirname, '../../bin/safeharbor.js');
const run = promisify(execFile);

interface Route {
  kind: 'zones' | 'networks' | 'netblocks';
  header: string;
  good: string;
  /** A line with a NUL byte in a cell. */
  nul: string;
}

const ROUTES: Route[] = [
  {
    kind: 'zones',
    header: 'account_id,account_name,account_email,zone,mode,origin',
    good: 'acct-new,New Films,ops@newfilms.test,newfilms.example,proxied,192.0.2.10',
    nul: 'acct-nul,Pir\0ate Films,ops@nul.test,nul.example,proxied,192.0.2.11',
  },
  {
    kind: 'networks',
    header: 'cidr,asn,name,abuse_email',
    good: '198.51.100.0/24,64501,New Hosting,abuse@newhosting.test',
    nul: '203.0.113.0/24,64502,Bad\0Host,abuse@badhost.test',
  },
  {
    kind: 'netblocks',
    header: 'cidr,account_id,assigned_from,assigned_to',
    good: '198.51.100.0/24,acct-1,2026-01-01,',
    nul: '203.0.113.0/24,acct\0-1,2026-01-01,',
  },
];

// 2,000 bytes of binary (as in the issue), NUL first.
const BINARY = Buffer.from(Array.from({ length: 2000 }, (_, i) => (i * 37) % 256));
const NOT_TEXT = /not text: it holds a NUL byte/;

interface Case {
  name: string;
  body: (r: Route) => Buffer;
  line: number;
  message: (r: Route) => RegExp;
}

const CASES: Case[] = [
  { name: 'binary', body: () => BINARY, line: 1, message: () => NOT_TEXT },
  {
    name: 'no header',
    body: (r) => Buffer.from(`${r.good}\n`),
    line: 1,
    message: (r) => new RegExp(`the first line must name the columns ${r.header}; missing: `),
  },
  {
    name: 'a 1 MB line',
    body: (r) => Buffer.from(`${r.header}\n${r.good}\n${'x'.repeat(1024 * 1024)}\n`),
    line: 3,
    message: () => /the line is longer than 64 KB/,
  },
  { name: 'NUL bytes in cells', body: (r) => Buffer.from(`${r.header}\n${r.good}\n${r.nul}\n`), line: 3, message: () => NOT_TEXT },
  {
    name: 'an unbalanced quote',
    body: (r) => Buffer.from(`${r.header}\n${r.good}\n"${r.good}\n${r.good}\n`),
    line: 3,
    message: () => /a quoted field starts here and is never closed \(the file ends at line \d+\)/,
  },
  {
    name: 'an empty body',
    body: () => Buffer.alloc(0),
    line: 1,
    message: (r) => new RegExp(`the file is empty: the first line must name the columns ${r.header}`),
  },
];

const WORLD = `account_id,account_name,account_email,zone,mode,origin
acct-1,Pirate Films,owner@piratefilms.test,piratefilms.example,proxied,203.0.113.7
`;

/** What an import could change: every row it writes, and the event log. */
async function counts(store: Store): Promise<Record<string, number>> {
  const r = await sql<Record<string, number>>`
    SELECT (SELECT count(*) FROM accounts)::int AS accounts, (SELECT count(*) FROM zones)::int AS zones,
           (SELECT count(*) FROM zone_origins)::int AS zone_origins, (SELECT count(*) FROM networks)::int AS networks,
           (SELECT count(*) FROM netblocks)::int AS netblocks, (SELECT count(*) FROM events)::int AS events`.execute(store.db);
  return r.rows[0]!;
}

for (const kind of storeKinds()) {
  describe(`malformed uploads on the ${kind} store`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(kind);
      await s.loadZones(WORLD);
    });
    after(() => s.close());

    for (const route of ROUTES) {
      test(`POST /v1/${route.kind}/import answers every unreadable file with 422 and its line, loads nothing, and the server lives on`, async () => {
        const before = await counts(s.store);
        for (const c of CASES) {
          const res = await fetch(`${s.url}/v1/${route.kind}/import`, {
            method: 'POST',
            headers: { authorization: `Bearer ${s.adminToken}`, 'content-type': 'text/csv' },
            body: new Uint8Array(c.body(route)),
          });
          const body = await res.json();
          assert.equal(res.status, 422, `${c.name}: ${JSON.stringify(body)}`);
          assert.equal(body.errors.length, 1, c.name);
          assert.equal(body.errors[0].field, `line ${c.line}`, `${c.name}: ${JSON.stringify(body)}`);
          assert.match(body.errors[0].message, c.message(route), c.name);
          assert.deepEqual(await counts(s.store), before, `${c.name}: nothing changed`);
          assert.equal((await fetch(`${s.url}/healthz`)).status, 200, `${c.name}: the server still answers`);
        }
        // A good file still loads afterwards.
        const good = await fetch(`${s.url}/v1/${route.kind}/import`, {
          method: 'POST',
          headers: { authorization: `Bearer ${s.adminToken}`, 'content-type': 'text/csv' },
          body: `${route.header}\n${route.good}\n`,
        });
        assert.equal(good.status, 200, await good.text());
      });
    }

    test('the report form answers a form cut off, a form that is not multipart inside and an unreadable .csv list, and the server lives on', async () => {
      const page = await fetch(`${s.url}/report?kind=copyright&regime=dmca`);
      const cookie = page.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
      const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
      const b = 'safeharbor-boundary';
      const part = (name: string, value: string, filename?: string) =>
        `--${b}\r\nContent-Disposition: form-data; name="${name}"${filename ? `; filename="${filename}"` : ''}\r\n\r\n${value}\r\n`;
      const post = async (body: BodyInit) => {
        const res = await fetch(`${s.url}/report`, { method: 'POST', headers: { cookie, 'content-type': `multipart/form-data; boundary=${b}` }, body });
        return { status: res.status, html: await res.text() };
      };
      const before = await sql<{ n: number }>`SELECT count(*)::int AS n FROM notices`.execute(s.store.db);
      for (const body of [
        new Uint8Array(BINARY),
        part('_csrf', csrf) + `--${b}\r\nContent-Disposition: form-data; name="urls_file"; filename="list.csv"\r\n\r\nhttps://x.example/a`,
      ]) {
        const r = await post(body);
        assert.equal(r.status, 400);
        assert.match(r.html, /the form did not arrive whole; check your entries and send it again/);
        assert.equal((await fetch(`${s.url}/healthz`)).status, 200);
      }
      const r = await post(part('_csrf', csrf) + part('urls_file', 'url\n"https://piratefilms.example/a.mp4\n', 'list.csv') + `--${b}--\r\n`);
      assert.equal(r.status, 422);
      assert.match(r.html, /&quot;list.csv&quot; cannot be read at line 2: a quoted field starts here and is never closed/);
      assert.deepEqual((await sql<{ n: number }>`SELECT count(*)::int AS n FROM notices`.execute(s.store.db)).rows, before.rows, 'nothing filed');
      assert.equal((await fetch(`${s.url}/healthz`)).status, 200);

      // The same form, whole and with a readable list, is filed with the list's URLs.
      const fields: Record<string, string> = {
        _csrf: csrf,
        urls: 'https://piratefilms.example/typed.mp4',
        work_description: 'The feature film "Sunrise Over Harbor" (2025)',
        claimant_name: 'Jane Doe',
        claimant_email: 'jane@harborpictures.test',
        claimant_address: '1 Studio Way, Los Angeles, CA 90001',
        claimant_country: 'US',
        good_faith_belief: 'yes',
        accuracy_and_authority: 'yes',
        signature: 'Jane Doe',
      };
      const whole =
        Object.entries(fields)
          .map(([k, v]) => part(k, v))
          .join('') +
        part('urls_file', 'url,note\n"https://piratefilms.example/a.mp4","a, quoted"\nhttps://piratefilms.example/b.mp4,\n', 'list.csv') +
        `--${b}--\r\n`;
      const filed = await fetch(`${s.url}/report`, {
        method: 'POST',
        headers: { cookie, 'content-type': `multipart/form-data; boundary=${b}` },
        body: whole,
        redirect: 'manual',
      });
      assert.equal(filed.status, 303, await filed.text());
      const urls = await sql<{ url: string }>`SELECT submitted_url AS url FROM notice_items ORDER BY position`.execute(s.store.db);
      assert.deepEqual(
        urls.rows.map((r) => r.url),
        ['https://piratefilms.example/typed.mp4', 'https://piratefilms.example/a.mp4', 'https://piratefilms.example/b.mp4'],
      );
    });

    test('a zones file refused at its header while it is still being sent gets its 422 on the same connection', async () => {
      // 8 MB after a bad first line: the server answers before it has read the body.
      const res = await fetch(`${s.url}/v1/zones/import`, {
        method: 'POST',
        headers: { authorization: `Bearer ${s.adminToken}`, 'content-type': 'text/csv' },
        body: Buffer.concat([Buffer.from('zone,origin\n'), Buffer.alloc(8 * 1024 * 1024, 'example.com,192.0.2.1\n')]),
      });
      assert.equal(res.status, 422);
      assert.match((await res.json()).errors[0].message, /missing: account_id, account_name, account_email, mode/);
      assert.equal((await fetch(`${s.url}/healthz`)).status, 200);
    });
  });
}

async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [BIN, ...args], { env: { ...process.env, SAFEHARBOR_LOG: 'off', ...env }, timeout: 120_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Every malformed file through `safeharbor import`, with the same message the API gives, named by file and line. */
async function importEveryCase(dir: string, args: string[], env: Record<string, string>, alive: () => Promise<void>) {
  for (const route of ROUTES) {
    for (const c of CASES) {
      const file = join(dir, `${route.kind}-${c.name.replace(/\W+/g, '-')}.csv`);
      writeFileSync(file, c.body(route));
      const r = await cli(['import', route.kind, file, ...args], env);
      assert.equal(r.code, 1, `${route.kind}, ${c.name}: ${r.stdout}${r.stderr}`);
      const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      assert.match(r.stderr, new RegExp(`${escaped}:${c.line}: `), `${route.kind}, ${c.name}: ${r.stderr}`);
      assert.match(r.stderr, c.message(route), `${route.kind}, ${c.name}`);
      await alive();
    }
  }
}

describe('safeharbor import with malformed files', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'safeharbor-malformed-'));
    writeFileSync(join(dir, 'world.csv'), WORLD);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('through a running server on the embedded store: each file refused by line, the server still serves', async () => {
    const data = join(dir, 'data');
    const server = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--smtp-port', '0', '--data', data], {
      env: { ...process.env, SAFEHARBOR_LOG: 'off' },
    });
    let out = '';
    server.stdout.on('data', (c) => (out += c));
    server.stderr.on('data', (c) => (out += c));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 60_000);
        server.stdout.on('data', () => {
          const m = /listening on (http:\/\/\S+)/.exec(out);
          if (m) {
            clearTimeout(t);
            resolve(m[1]!);
          }
        });
      });
      const world = await cli(['import', 'zones', join(dir, 'world.csv'), '--data', data]);
      assert.match(world.stdout, /into the running server/, world.stderr);
      await importEveryCase(dir, ['--data', data], {}, async () => {
        assert.equal(server.exitCode, null, `the server is still running: ${out}`);
        assert.equal((await fetch(`${url}/healthz`)).status, 200);
      });
    } finally {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
    }
  });

  if (storeKinds().includes('postgres')) {
    test('on PostgreSQL directly: each file refused by line, nothing loaded', async () => {
      const database = await freshPostgresDatabase();
      const store = await openStore({ databaseUrl: database.url });
      try {
        await migrate(store);
        const env = { DATABASE_URL: database.url };
        const world = await cli(['import', 'zones', join(dir, 'world.csv')], env);
        assert.equal(world.code, 0, world.stderr);
        const before = await counts(store);
        await importEveryCase(dir, [], env, async () => assert.deepEqual(await counts(store), before));
      } finally {
        await store.close();
        await database.drop();
      }
    });
  }
});
