// The README's first steps, as a newcomer follows them: the files, commands and notice are read
// from README.md itself, so the test breaks when the README promises what the code does not do.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/safeharbor.js');
const run = promisify(execFile);

/** The shell block of the README's "First steps" section. */
function firstSteps(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## First steps'));
  const m = /```sh\n([\s\S]*?)```/.exec(section);
  assert.ok(m, 'README has a First steps shell block');
  return m[1]!;
}

function stepsOf(sh: string) {
  const zones = /cat > zones\.csv <<'EOF'\n([\s\S]*?)\nEOF\n/.exec(sh)?.[1];
  const networks = /printf '([^']*)' > networks\.csv/.exec(sh)?.[1];
  const token = /TOKEN=\$\(npx safeharbor (token create [^|)]*?)\s*\|/.exec(sh)?.[1];
  const notice = /-d '(\{[\s\S]*?\})'\n/.exec(sh)?.[1];
  assert.ok(zones && networks && token && notice, 'the README still has the steps this test follows');
  assert.match(sh, /npx safeharbor import zones zones\.csv/);
  assert.match(sh, /npx safeharbor import networks networks\.csv/);
  return { zones: `${zones}\n`, networks: networks.replace(/\\n/g, '\n'), tokenArgs: token.split(/\s+/), notice: JSON.parse(notice) };
}

async function cli(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, SAFEHARBOR_LOG: 'off' }, timeout: 60_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('README first steps', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'safeharbor-readme-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('give the hosting provider the README promises for the proxied site', async () => {
    const steps = stepsOf(firstSteps());
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
      writeFileSync(join(dir, 'zones.csv'), steps.zones);
      const zones = await cli(['import', 'zones', 'zones.csv', '--data', data], dir);
      assert.equal(zones.code, 0, zones.stderr);
      writeFileSync(join(dir, 'networks.csv'), steps.networks);
      const networks = await cli(['import', 'networks', 'networks.csv', '--data', data], dir);
      assert.equal(networks.code, 0, networks.stderr);
      const tok = await cli([...steps.tokenArgs, '--data', data], dir);
      assert.equal(tok.code, 0, tok.stderr);
      const token = tok.stdout.trim().split('\n').at(-1)!;

      const filed = await fetch(`${url}/v1/notices`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': 'first-notice' },
        body: JSON.stringify(steps.notice),
      });
      assert.equal(filed.status, 201, await filed.clone().text());
      const notice = await filed.json();
      const film = notice.items.find((i: any) => i.url?.includes('piratefilms.example'));
      assert.equal(film.state, 'forwarded');
      assert.equal(film.zone, 'piratefilms.example');
      // The override of step 2 names the provider of the documentation address in step 1.
      assert.deepEqual(film.hosting_provider, { name: 'Example Hosting', asn: 64500, abuse_email: 'abuse@hosting.example' });
      const elsewhere = notice.items.find((i: any) => i.url?.includes('elsewhere.example'));
      assert.equal(elsewhere.state, 'not_on_network');
    } finally {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
    }
  });
});
