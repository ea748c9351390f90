// How bin/safeharbor.js starts: the compiled build (dist/) while it is newer than every source,
// the sources through tsx otherwise. On a copy of the checkout, built by the real build script, so
// the checkout's own dist/ (which other tests' processes may be running) is never touched. The
// copy is built with --noCheck: `npm run check` type-checks, this test checks what the build emits.
// No timings here: bench/cli-start.ts measures how fast.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { spawnSafeharbor } from '../support/processes.ts';

const REPO = join(import.meta.dirname, '../..');
const run = promisify(execFile);

const NOTICE = `To whom it may concern,

I am the copyright owner of the film "Night Harbour". The following URL infringes it:
https://pirate.example/films/night-harbour.mp4

I have a good faith belief that this use is not authorized by the copyright owner, its agent, or the law.
The information in this notice is accurate, and under penalty of perjury, I am authorized to act on behalf of the owner.

/s/ Ada Owner
ada@studio.test
`;

describe('bin/safeharbor.js: compiled build or sources', () => {
  let root: string;
  let work: string;
  const bin = () => join(root, 'bin/safeharbor.js');
  const cli = async (args: string[]) => {
    const r = await run(process.execPath, [bin(), ...args], { env: { ...process.env, SAFEHARBOR_DEBUG_START: '1', SAFEHARBOR_LOG: 'off' }, timeout: 120_000 });
    return { stdout: r.stdout, stderr: r.stderr };
  };

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'safeharbor-start-'));
    for (const f of ['package.json', 'tsconfig.json', 'tsconfig.build.json']) cpSync(join(REPO, f), join(root, f));
    for (const d of ['bin', 'src']) cpSync(join(REPO, d), join(root, d), { recursive: true });
    mkdirSync(join(root, 'scripts'));
    cpSync(join(REPO, 'scripts/build.js'), join(root, 'scripts/build.js'));
    symlinkSync(realpathSync(join(REPO, 'node_modules')), join(root, 'node_modules'), 'dir');
    work = join(root, 'work');
    mkdirSync(work);
    writeFileSync(join(work, 'notice.txt'), NOTICE);
    await run(process.execPath, [join(root, 'scripts/build.js'), '--noCheck'], { cwd: root, timeout: 540_000 });
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('the build holds the code and the files it reads beside itself, and a stamp', () => {
    for (const f of ['.build-stamp', 'cli/main.js', 'web/routes.js', 'storage/migrations/001_core.sql', 'web/assets/app.css', 'dsa/statement-schema.json'])
      assert.ok(existsSync(join(root, 'dist', f)), `dist/${f}`);
    assert.ok(!existsSync(join(root, 'dist/cli/main.ts')), 'no sources in dist/');
  });

  test('--help and `serve --help` answer from dist/', async () => {
    const help = await cli(['--help']);
    assert.match(help.stderr, /^safeharbor start: dist \(/m);
    assert.match(help.stdout, /^Usage: safeharbor \[options\] \[command\]/);
    for (const command of ['serve', 'worker', 'import', 'token', 'outbox', 'migrate', 'edge', 'read', 'submit'])
      assert.match(help.stdout, new RegExp(`^  ${command}\\b`, 'm'));
    const serve = await cli(['serve', '--help']);
    assert.match(serve.stdout, /^Usage: safeharbor serve \[options\]/);
    assert.match(serve.stdout, /--port <port>/);
    const submit = await cli(['submit', '--help']);
    assert.match(submit.stdout, /--max-urls-per-notice <n>\s+largest notice; bigger zones are split\s+\(default:\s+10000\)/);
  });

  test('a light command (read) runs from dist/', async () => {
    const r = await cli(['read', join(work, 'notice.txt')]);
    assert.match(r.stderr, /^safeharbor start: dist \(/m);
    const row = JSON.parse(r.stdout) as { kind: string; infringing_urls: string[] };
    assert.equal(row.kind, 'takedown');
    assert.deepEqual(row.infringing_urls, ['https://pirate.example/films/night-harbour.mp4']);
  });

  test('`serve` from dist/ finds its migrations, renders its pages and serves its assets', async () => {
    const server = spawnSafeharbor('serve (dist)', ['serve', '--port', '0', '--no-smtp', '--data', join(work, 'data')], { SAFEHARBOR_DEBUG_START: '1' }, bin());
    try {
      const [, url] = await server.waitFor(/listening on (http:\/\/\S+)/);
      assert.match(server.output(), /^safeharbor start: dist \(/m);
      assert.equal((await fetch(`${url}/healthz`)).status, 200);
      // A page: the JSX of src/web, compiled.
      const page = await fetch(`${url}/report`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /^<!doctype html><html[\s\S]*Report abuse/);
      const css = await fetch(`${url}/assets/app.css`);
      assert.equal(css.status, 200);
      assert.ok((await css.text()).length > 0);
    } finally {
      await server.stop();
    }
  });

  test('a source newer than the build, or a file added to src/, sends bin/ to the sources through tsx', async () => {
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(root, 'src/cli/options.ts'), later, later);
    const edited = await cli(['--help']);
    assert.match(edited.stderr, /^safeharbor start: tsx \(src\/cli\/options\.ts changed after the build\)/m);
    assert.match(edited.stdout, /^Usage: safeharbor \[options\] \[command\]/);

    const earlier = new Date(Date.now() - 3_600_000);
    utimesSync(join(root, 'src/cli/options.ts'), earlier, earlier);
    assert.match((await cli(['--help'])).stderr, /^safeharbor start: dist \(/m);
    writeFileSync(join(root, 'src/web/new-page.tsx'), 'export {};\n');
    assert.match((await cli(['--help'])).stderr, /^safeharbor start: tsx \(src\/web changed after the build\)/m);
  });

  test('without a build, bin/ runs the sources', async () => {
    rmSync(join(root, 'dist'), { recursive: true, force: true });
    const r = await cli(['read', join(work, 'notice.txt')]);
    assert.match(r.stderr, /^safeharbor start: tsx \(no build/m);
    assert.equal((JSON.parse(r.stdout) as { kind: string }).kind, 'takedown');
  });
});
