// Moving an account's zones from one status to another. Every change bumps the zone's change_seq,
// which the edge feed pages by; one statement here, so no caller can forget it.
import { sql, type Kysely } from 'kysely';
import type { Database, ZoneStatus } from './schema.ts';

/** Sets `to` on the account's zones whose status is `from` (or, with `{ not }`, any other); returns their names. */
export async function moveAccountZones(trx: Kysely<Database>, accountId: string, from: ZoneStatus | { not: ZoneStatus }, to: ZoneStatus): Promise<string[]> {
  const which = typeof from === 'string' ? sql`status = ${from}` : sql`status <> ${from.not}`;
  return (
    await sql<{ name: string }>`
      UPDATE zones SET status = ${to}, updated_at = now(), change_seq = nextval('zone_change_seq')
      WHERE account_id = ${accountId} AND ${which} RETURNING name`.execute(trx)
  ).rows.map((z) => z.name);
}
