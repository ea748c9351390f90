// Waking the background loops when work is stored. A NOTIFY issued inside a transaction is
// delivered only when (and only if) it commits, and to every process listening on the database,
// so whoever stores work never calls the loop that does it: the loop listens (Store.listen).
// PostgreSQL folds repeated notifications of one transaction into one.
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** The channel each kind of stored work is announced on. */
export const WAKE_CHANNELS = {
  /** Messages queued in the outbox (the mailer sends them). */
  outbox: 'safeharbor_outbox',
  /** Notices filed that need processing (the notice worker). */
  notices: 'safeharbor_notices',
  /** Inbound mail stored or put back to be read (the mail intake). */
  inbound: 'safeharbor_inbound',
  /** A token, a principal or a trust grant changed (API processes drop their cached principals). */
  principals: 'safeharbor_principals',
  /**
   * Events about a notice were appended (a trigger on events, migration 029, announces each
   * notice's id as the payload): API processes drop the views of it they cached.
   */
  noticeChanges: 'safeharbor_notice_changes',
} as const;

export type WakeChannel = keyof typeof WAKE_CHANNELS;

/** Call inside the transaction that stores the work: the listeners wake when it commits. */
export async function wakeOnCommit(db: Kysely<Database>, channel: WakeChannel): Promise<void> {
  await sql`SELECT pg_notify(${WAKE_CHANNELS[channel]}, '')`.execute(db);
}
