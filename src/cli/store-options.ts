// Every command that touches the store takes --data DIR or DATABASE_URL, opened the same way.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore, type Store } from '../storage/store.ts';

export interface StoreFlags {
  data?: string;
}

const LOCK = 'safeharbor.pid';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The embedded store is one process's at a time (PGlite is not a server). A second process
 * would corrupt it, so it is refused with a clear way forward.
 */
export async function openStoreFromFlags(flags: StoreFlags, opts: { holdLock?: boolean } = {}): Promise<Store> {
  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl) return openStore({ databaseUrl });
  const dataDir = flags.data ?? process.env.SAFEHARBOR_DATA ?? 'data';
  const lock = join(dataDir, LOCK);
  if (existsSync(lock)) {
    const pid = Number(readFileSync(lock, 'utf8').trim());
    if (pid && pid !== process.pid && alive(pid)) {
      throw new Error(
        `the embedded store in ${dataDir} is in use by another Safeharbor process (pid ${pid}).\n` +
          `Stop it first, or run Safeharbor on PostgreSQL (DATABASE_URL=postgres://…) so that several processes can share the store.`,
      );
    }
  }
  const store = await openStore({ dataDir });
  writeFileSync(lock, String(process.pid));
  const release = () => {
    try {
      if (readFileSync(lock, 'utf8').trim() === String(process.pid)) rmSync(lock);
    } catch {
      /* already gone */
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
