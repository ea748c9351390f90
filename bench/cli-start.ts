// How fast the `safeharbor` command starts, as a user runs it: `node bin/safeharbor.js` as a child
// process, from the compiled build when it is fresh, through tsx otherwise (the figure's context
// says which: bin/safeharbor.js reports its choice under SAFEHARBOR_DEBUG_START).
//   cli_help_ms          median wall time of `--help` (goal: under 500 ms)
//   cli_serve_help_ms    median wall time of `serve --help`
//   serve_healthz_ms     `serve` on a fresh embedded store until GET /healthz answers 200
// Run directly: node --import tsx bench/cli-start.ts [--runs=N]   (prints one JSON object per line)
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { figure, note, round } from './common.ts';

const BIN = join(import.meta.dirname, '../bin/safeharbor.js');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Which way bin/safeharbor.js starts in this checkout now: "dist" or "tsx", and why. */
function startMode(): string {
  const r = spawnSync(process.execPath, [BIN, '--help'], { env: { ...process.env, SAFEHARBOR_DEBUG_START: '1' }, encoding: 'utf8' });
  return /safeharbor start: (.*)/.exec(r.stderr)?.[1] ?? 'unknown';
}

function wallMs(args: string[]): number {
  const t = performance.now();
  const r = spawnSync(process.execPath, [BIN, ...args], { stdio: 'ignore' });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`safeharbor ${args.join(' ')} exited ${r.status}`);
  return ms;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** From spawning `serve` to the first 200 of /healthz, polled every 10 ms. */
async function healthzMs(): Promise<number> {
  const data = mkdtempSync(join(tmpdir(), 'safeharbor-bench-start-'));
  const port = await freePort();
  const t = performance.now();
  const child = spawn(process.execPath, [BIN, 'serve', '--port', String(port), '--smtp-port', '0', '--data', data], {
    env: { ...process.env, SAFEHARBOR_LOG: 'off' },
    stdio: 'ignore',
  });
  let exited = false;
  child.once('exit', () => (exited = true));
  try {
    for (;;) {
      if (exited) throw new Error('safeharbor serve exited before /healthz answered');
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) return performance.now() - t;
      if (performance.now() - t > 300_000) throw new Error('safeharbor serve: no /healthz 200 within 300 s');
      await sleep(10);
    }
  } finally {
    if (!exited) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await gone;
    }
    rmSync(data, { recursive: true, force: true });
  }
}

/** Emits the figures; returns cli_help_ms, for the run's list of figures over their goal. */
export async function benchCliStart(options: { runs?: number } = {}): Promise<number> {
  const runs = Math.max(1, options.runs ?? 10);
  const mode = startMode();
  note(`bin/safeharbor.js starts: ${mode}`);
  wallMs(['--help']); // warm the file cache
  let helpMs = NaN;
  for (const [name, args] of [
    ['cli_help_ms', ['--help']],
    ['cli_serve_help_ms', ['serve', '--help']],
  ] as const) {
    const times = Array.from({ length: runs }, () => wallMs([...args]));
    if (name === 'cli_help_ms') helpMs = median(times);
    figure(name, round(median(times), 1), 'ms', { runs, min_ms: round(Math.min(...times), 1), start: mode, goal_ms: 500 });
  }
  const serveRuns = Math.max(1, Math.min(3, runs));
  const serve: number[] = [];
  for (let i = 0; i < serveRuns; i++) serve.push(await healthzMs());
  figure('serve_healthz_ms', round(median(serve), 0), 'ms', { runs: serveRuns, min_ms: round(Math.min(...serve), 0), start: mode, store: 'embedded, fresh' });
  return helpMs;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const runs = Number(process.argv.find((a) => a.startsWith('--runs='))?.slice('--runs='.length) ?? 10);
  await benchCliStart({ runs });
}
