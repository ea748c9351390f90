// Who may call the API is cached by every API process (services/token-auth.ts). Whatever changes
// it (a token revoked, a trust grant decided) announces the change twice: to other processes by a
// notification delivered when its transaction commits, and to this process's caches at once after
// the commit, since the notification reaches this process too but only some time later.
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import { wakeOnCommit } from '../storage/wake.ts';

const here = new WeakMap<Kysely<Database>, Set<() => void>>();

/** Call inside the transaction that changes a token, a principal or a trust grant. */
export async function announcePrincipalChange(trx: Kysely<Database>): Promise<void> {
  await wakeOnCommit(trx, 'principals');
}

/** Call after that transaction committed: this process's caches on `db` drop what they hold. */
export function principalsChangedHere(db: Kysely<Database>): void {
  here.get(db)?.forEach((fn) => fn());
}

/** `fn` runs on every principalsChangedHere(db); returns the function that stops that. */
export function onPrincipalsChangedHere(db: Kysely<Database>, fn: () => void): () => void {
  let fns = here.get(db);
  if (!fns) here.set(db, (fns = new Set()));
  fns.add(fn);
  return () => void fns.delete(fn);
}
