// Every command that touches the store takes --data DIR or DATABASE_URL, opened the same way.
// The embedded store belongs to one process at a time (PGlite is not a server): `serve` marks
// it with a pid file and a handoff file (its URL and a staff token for local commands, mode
// 0600, next to the data itself), and other commands go through that server instead.
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from '../storage/store.ts';
import type { AdminClient, ServerHandoff } from './admin-client.ts';

export interface StoreFlags {
  data?: string;
}

const PID_FILE = 'safeharbor.pid';
const HANDOFF_FILE = 'server.json';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function dataDirOf(flags: StoreFlags): string {
  return flags.data ?? process.env.SAFEHARBOR_DATA ?? 'data';
}

function runningOwner(dataDir: string): number | null {
  const file = join(dataDir, PID_FILE);
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return pid && pid !== process.pid && alive(pid) ? pid : null;
}

function inUse(dataDir: string, owner: number): Error {
  return new Error(
    `the embedded store in ${dataDir} is in use by another Safeharbor process (pid ${owner}).\n` +
      `Stop it first, or run Safeharbor on PostgreSQL (DATABASE_URL=postgres://…) so that several processes can share the store.`,
  );
}

/**
 * Take the pid file before opening the store: created exclusively, so of two processes started
 * together only one gets the store (PGlite would let both open it and corrupt it). A pid file
 * left by a process that is gone is taken over.
 */
function claimPidFile(dataDir: string, pidFile: string): void {
  mkdirSync(dataDir, { recursive: true });
  for (let tries = 0; ; tries++) {
    try {
      writeFileSync(pidFile, String(process.pid), { flag: 'wx' });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let pid = 0;
    try {
      pid = Number(readFileSync(pidFile, 'utf8').trim());
    } catch {
      /* removed meanwhile: try again */
    }
    if (pid && pid !== process.pid && alive(pid)) throw inUse(dataDir, pid);
    // Empty: its writer may be between creating and writing it; give it a moment before taking it over.
    if (!pid && tries < 3) {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
      continue;
    }
    if (tries > 5) throw new Error(`cannot take ${pidFile}: another process keeps replacing it`);
    rmSync(pidFile, { force: true });
  }
}

export async function openStoreFromFlags(flags: StoreFlags): Promise<Store> {
  // The storage drivers load here, not with this module: a command that finds a running server needs none.
  const { openStore } = await import('../storage/store.ts');
  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl) return openStore({ databaseUrl });
  const dataDir = dataDirOf(flags);
  const pidFile = join(dataDir, PID_FILE);
  claimPidFile(dataDir, pidFile);
  let store: Store;
  try {
    store = await openStore({ dataDir });
  } catch (err) {
    rmSync(pidFile, { force: true });
    throw err;
  }
  const release = () => {
    for (const f of [pidFile, join(dataDir, HANDOFF_FILE)]) {
      try {
        if (f === pidFile ? readFileSync(f, 'utf8').trim() === String(process.pid) : (JSON.parse(readFileSync(f, 'utf8')) as ServerHandoff).pid === process.pid)
          rmSync(f);
      } catch {
        /* already gone */
      }
    }
  };
  process.once('exit', release);
  const close = store.close.bind(store);
  return Object.assign(store, {
    async close() {
      await close();
      release();
    },
  });
}

/** Called by `serve` once it listens on an embedded store. */
export function writeHandoff(flags: StoreFlags, handoff: ServerHandoff): void {
  const file = join(dataDirOf(flags), HANDOFF_FILE);
  writeFileSync(file, JSON.stringify(handoff), { mode: 0o600 });
  chmodSync(file, 0o600);
}

/** The running server that holds the embedded store (its URL and local staff token), if any. */
export function runningServer(flags: StoreFlags): ServerHandoff | null {
  if (process.env.DATABASE_URL) return null;
  const dataDir = dataDirOf(flags);
  const owner = runningOwner(dataDir);
  const handoffFile = join(dataDir, HANDOFF_FILE);
  if (!owner || !existsSync(handoffFile)) return null;
  const handoff = JSON.parse(readFileSync(handoffFile, 'utf8')) as ServerHandoff;
  return handoff.pid === owner ? handoff : null;
}

/** The store itself, or the running server that holds it. */
export async function openAdmin(flags: StoreFlags): Promise<AdminClient> {
  const server = runningServer(flags);
  if (server) return (await import('./admin-client.ts')).remoteAdmin(server);
  const { localAdmin } = await import('./local-admin.ts');
  return localAdmin(await openStoreFromFlags(flags));
}
