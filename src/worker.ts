// The background daemon in a process of its own, without HTTP: `safeharbor worker`. Any number
// of them share one PostgreSQL database with any number of API processes (`serve --no-worker`);
// work is claimed row by row with FOR UPDATE SKIP LOCKED and a lease, so none is done twice and
// a crashed worker's is taken over when its lease runs out.
import type { Store } from './storage/store.ts';
import type { Config } from './config.ts';
import type { HostResolver } from './services/dns.ts';
import { refreshDirectories } from './services/resolver.ts';
import { createAppContext, type AppContext } from './context.ts';
import { createDaemon, type Daemon } from './daemon.ts';
import { LOCKS } from './storage/locks.ts';

export interface WorkerOptions {
  store: Store;
  config: Config;
  dns?: HostResolver;
  pollMs?: number;
  /** Read stored inbound mail (some `serve` of this deployment listens for mail). */
  readMail: boolean;
  log: (msg: string, err?: unknown) => void;
}

export interface RunningWorker {
  context: AppContext;
  daemon: Daemon;
  /** Finishes the batch in hand, gives the rest of the claimed work back, and stops every loop. */
  close(): Promise<void>;
}

export async function startWorker(opts: WorkerOptions): Promise<RunningWorker> {
  const context = await opts.store.exclusively(LOCKS.setup, () =>
    createAppContext({ store: opts.store, config: opts.config, dns: opts.dns, readsMail: opts.readMail, log: opts.log }),
  );
  await refreshDirectories(context.processor); // the zone index and the ASN table, before taking work
  const daemon = createDaemon(context, { pollMs: opts.pollMs, readMail: opts.readMail });
  await daemon.start();
  return { context, daemon, close: () => daemon.stop() };
}
