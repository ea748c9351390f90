// The administrative commands done directly on the store (admin-client.ts: the interface, and
// the same through a running server).
import { createReadStream, readFileSync } from 'node:fs';
import type { Store } from '../storage/store.ts';
import { importZones } from '../services/zone-import.ts';
import { importNetworks } from '../services/network-import.ts';
import { importNetblocks } from '../services/netblocks.ts';
import { createPrincipal } from '../services/principals.ts';
import { listOutbox } from '../services/outbox-view.ts';
import { cloudflareAccountId } from '../http/routes/cloudflare.ts';
import type { AdminClient } from './admin-client.ts';

export function localAdmin(store: Store): AdminClient {
  return {
    where: `${store.kind} store ${store.location}`,
    async importZones(file, progress) {
      const input = createReadStream(file);
      try {
        return await importZones(store, input, { actor: 'system', onProgress: (p) => progress?.(p.rows, p.rows, 'rows', p.phase) });
      } finally {
        input.destroy(); // the import leaves its input to its owner
      }
    },
    importNetworks: (file) => importNetworks(store.db, readFileSync(file, 'utf8'), 'system'),
    importNetblocks: (file) => importNetblocks(store.db, readFileSync(file, 'utf8'), 'system'),
    async createPrincipal(role, email, name) {
      const { principal, token } = await createPrincipal(store.db, { role, email, name, actor: 'system' });
      return { id: principal.id, accountId: cloudflareAccountId(principal.id), role: principal.role, email: principal.email, token };
    },
    listOutbox: (q) => listOutbox(store.db, q),
    close: () => store.close(),
  };
}
