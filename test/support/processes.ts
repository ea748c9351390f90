// `safeharbor` commands as real child processes (node bin/safeharbor.js …), the way an operator
// runs several API and worker processes: their output is kept for the failure message, and
// a test waits for the line that says a process is ready.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const BIN = join(import.meta.dirname, '../../bin/safeharbor.js');

export interface SafeharborProcess {
  name: string;
  child: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  /** Resolves with the match once a line of output matches; rejects if the process exits first. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** The exit code (or signal) once it has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Send `signal` and wait for the exit (SIGKILL: no chance to clean up). */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `bin`: another checkout's bin/safeharbor.js (a test's own copy) instead of this one's. */
export function spawnSafeharbor(name: string, args: string[], env: Record<string, string>, bin = BIN): SafeharborProcess {
  const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, SAFEHARBOR_LOG: 'off', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const waiters = new Set<() => void>();
  const onData = (c: Buffer) => {
    out += c.toString();
    for (const w of waiters) w();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      done = true;
      for (const w of waiters) w();
      resolve({ code, signal });
    }),
  );
  return {
    name,
    child,
    output: () => out,
    exited,
    waitFor(re, timeoutMs = 240_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = re.exec(out);
          if (m) finish(() => resolve(m));
          else if (done) finish(() => reject(new Error(`${name} exited before printing ${re}:\n${out}`)));
        };
        const timer = setTimeout(() => finish(() => reject(new Error(`${name} did not print ${re} within ${timeoutMs} ms:\n${out}`))), timeoutMs);
        const finish = (f: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          f();
        };
        waiters.add(check);
        check();
      });
    },
    async stop(signal = 'SIGTERM') {
      if (!done) child.kill(signal);
      return exited;
    },
  };
}
