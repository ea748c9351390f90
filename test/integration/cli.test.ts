// The `safeharbor` command as users and scripts run it: a real process, real files, a real server.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync, statSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freshPostgresDatabase } from '../support/stores.ts';
import { dmcaNotice } from '../support/server.ts';

const BIN = join(import.meta.dirname, '../../bin/safeharbor.js');
const run = promisify(execFile);

async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [BIN, ...args], { env: { ...process.env, SAFEHARBOR_LOG: 'off', ...env }, timeout: 60_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const ZONES = `account_id,account_name,account_email,zone,mode,origin
acct-1,Pirate Films,owner@piratefilms.test,piratefilms.example,proxied,1.1.1.1
acct-1,Pirate Films,owner@piratefilms.test,not a domain,proxied,1.1.1.1
acct-2,Hosted Shop,ops@hostedshop.test,hostedshop.example,hosted,2001:DB8::0:1
acct-3,Bad Mode,bad@mode.test,badmode.example,cached,1.2.3.4
`;

describe('safeharbor CLI on the embedded store', () => {
  let dir: string;
  let data: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'safeharbor-cli-'));
    data = join(dir, 'data');
    writeFileSync(join(dir, 'zones.csv'), ZONES);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('import zones loads the good lines, reports each bad one with its line number, exits 1', async () => {
    const r = await cli(['import', 'zones', join(dir, 'zones.csv'), '--data', data]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /2 of 4 rows loaded .* 2 zones created, 0 updated, 0 origin changes, 2 accounts created or updated; 2 rows rejected/);
    assert.match(r.stderr, /zones\.csv:3: zone "not a domain" is not a valid domain name/);
    assert.match(r.stderr, /zones\.csv:5: mode "cached" must be "proxied" or "hosted"/);
    const missing = join(dir, 'nohdr.csv');
    writeFileSync(missing, 'zone,origin\nexample.com,1.2.3.4\n');
    const h = await cli(['import', 'zones', missing, '--data', data]);
    assert.equal(h.code, 1);
    assert.match(h.stderr, /missing: account_id, account_name, account_email, mode/);
  });

  test('import netblocks loads assignments with history, reports bad lines by number, and a re-import changes nothing', async () => {
    const file = join(dir, 'netblocks.csv');
    writeFileSync(
      file,
      'cidr,account_id,assigned_from,assigned_to\n198.51.100.0/24,acct-1,2026-01-01,2026-06-01\n198.51.100.0/24,acct-2,2026-06-01,\n2001:db8::/32,acct-2,2026-01-01T00:00:00Z,\n198.51.100.7/24,acct-1,2026-01-01,\n',
    );
    const r = await cli(['import', 'netblocks', file, '--data', data]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /3 netblock assignments .* \(3 added, 0 changed, 0 unchanged\); 1 lines rejected/);
    assert.match(r.stderr, /netblocks\.csv:5: cidr: "198\.51\.100\.7\/24" has host bits set/);
    const again = await cli(['import', 'netblocks', file, '--data', data]);
    assert.match(again.stdout, /\(0 added, 0 changed, 3 unchanged\)/);
  });

  test('token create prints the token on the last line', async () => {
    const r = await cli(['token', 'create', '--role', 'reporter', '--email', 'agent@rights.test', '--data', data]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines.at(-1)!, /^sh_[A-Za-z0-9_-]{32}$/);
    const bad = await cli(['token', 'create', '--role', 'reporter', '--email', 'nope', '--data', data]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--email "nope" is not a valid e-mail address/);
    const role = await cli(['token', 'create', '--role', 'king', '--email', 'a@b.test', '--data', data]);
    assert.notEqual(role.code, 0);
    assert.match(role.stderr, /Allowed choices are reporter, staff/);
  });

  test('serve: first start prints the admin token; commands go through the running server; stop cleans up', async () => {
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
      assert.equal((await fetch(`${url}/healthz`)).status, 200);
      const admin = /shown only this once:\s+(sh_\S+)/.exec(out)?.[1];
      assert.ok(admin, out);
      const me = await (await fetch(`${url}/v1/me`, { headers: { authorization: `Bearer ${admin}` } })).json();
      assert.equal(me.role, 'staff');
      const handoff = join(data, 'server.json');
      assert.equal(statSync(handoff).mode & 0o777, 0o600, 'the local token is readable only by its owner');

      // While the server holds the store, commands go through it.
      writeFileSync(join(dir, 'moved.csv'), ZONES.replace('piratefilms.example,proxied,1.1.1.1', 'piratefilms.example,proxied,8.8.8.8'));
      const imp = await cli(['import', 'zones', join(dir, 'moved.csv'), '--data', data]);
      assert.match(imp.stdout, /into the running server at http:\/\/127\.0\.0\.1:\d+/);
      assert.match(imp.stdout, /1 updated, 1 origin changes/);
      const tok = await cli(['token', 'create', '--role', 'reporter', '--email', 'live@rights.test', '--data', data]);
      assert.equal(tok.code, 0, tok.stderr);
      const reporter = tok.stdout.trim().split('\n').at(-1)!;
      const filed = await fetch(`${url}/v1/notices`, {
        method: 'POST',
        headers: { authorization: `Bearer ${reporter}`, 'content-type': 'application/json' },
        body: JSON.stringify(dmcaNotice(['https://piratefilms.example/film.mkv'])),
      });
      assert.equal(filed.status, 201);
      const notice = await filed.json();
      assert.equal(notice.items[0].hosting_provider.asn, 15169, 'the re-import through the server is in effect');
      const box = await cli(['outbox', '--json', '--data', data]);
      assert.equal(box.code, 0, box.stderr);
      const msgs = box.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      assert.deepEqual(msgs.map((m) => m.recipient_role).sort(), ['owner', 'reporter']);
      assert.ok(
        msgs.every((m) => m.status === 'pending'),
        'no SMTP: messages wait in the outbox',
      );
    } finally {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
    }
    assert.ok(!existsSync(join(data, 'server.json')) && !existsSync(join(data, 'safeharbor.pid')), 'handoff and pid files removed on stop');
    const after = await cli(['outbox', '--status', 'pending', '--data', data]);
    assert.equal(after.code, 0, after.stderr);
    assert.match(after.stdout, /pending .* owner .* owner@piratefilms\.test/);
  });
});

describe('safeharbor CLI on PostgreSQL (DATABASE_URL)', () => {
  test('import zones and token create use the database named by DATABASE_URL', async () => {
    const db = await freshPostgresDatabase();
    const dir = mkdtempSync(join(tmpdir(), 'safeharbor-cli-pg-'));
    try {
      writeFileSync(join(dir, 'zones.csv'), ZONES);
      const env = { DATABASE_URL: db.url };
      const r = await cli(['import', 'zones', join(dir, 'zones.csv')], env);
      assert.match(r.stdout, /2 of 4 rows loaded into postgres store postgres:\/\/postgres@127\.0\.0\.1:\d+\/sh_test_/);
      const again = await cli(['import', 'zones', join(dir, 'zones.csv')], env);
      assert.match(again.stdout, /0 zones created, 0 updated/);
      const t = await cli(['token', 'create', '--role', 'staff', '--email', 'ops@provider.test'], env);
      assert.equal(t.code, 0, t.stderr);
      assert.match(t.stdout.trim().split('\n').at(-1)!, /^sh_/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await db.drop();
    }
  });
});
