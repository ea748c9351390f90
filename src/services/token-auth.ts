// API tokens to principals without a database round trip for every request: the answers of the
// last few seconds are kept in this process, by the token's hash (never the token). They are
// dropped at once when this process changes a token or a trust grant, and when another process's
// change is announced (a notification on commit); the max age bounds what a lost notification can
// cost. Tokens unknown or revoked are not cached: a token made in another process works at once.
import type { Store } from '../storage/store.ts';
import { ExpiringCache } from './expiring-cache.ts';
import { onPrincipalsChangedHere } from './principal-changes.ts';
import { principalForTokenHash, type Principal } from './principals.ts';

export interface TokenAuthenticator {
  /** The principal of the token with this hash (services/principals.ts hashToken). */
  principal(tokenHash: string): Promise<Principal | null>;
  close(): Promise<void>;
}

export async function tokenAuthenticator(store: Store, opts: { maxAgeMs: number; maxEntries?: number }): Promise<TokenAuthenticator> {
  const cache = new ExpiringCache<Principal>({ maxEntries: opts.maxEntries ?? 10_000, maxAgeMs: opts.maxAgeMs });
  const clear = () => cache.clear();
  const stopHere = onPrincipalsChangedHere(store.db, clear);
  // Also called once after the listening connection was lost and opened again (Store.listen).
  const stopListening = opts.maxAgeMs > 0 ? await store.listen('principals', clear) : async () => {};
  return {
    async principal(key) {
      const cached = cache.get(key);
      if (cached) return cached;
      const generation = cache.generation;
      const found = await principalForTokenHash(store.db, key);
      // Shared by the requests that find it here: frozen, so that none changes it for the others.
      if (found) cache.set(key, Object.freeze(found.principal), generation, found.until?.getTime());
      return found?.principal ?? null;
    },
    async close() {
      stopHere();
      await stopListening();
    },
  };
}
