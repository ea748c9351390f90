// `import networks`: operator overrides (cidr,asn,name,abuse_email) upserted by CIDR.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import { parseNetworksCsv } from '../domain/network-overrides-csv.ts';
import { appendEvents, type Actor } from '../storage/events.ts';

export async function importNetworks(
  db: Kysely<Database>,
  csv: string,
  actor: Actor,
): Promise<{ loaded: number; errors: { line: number; message: string }[] }> {
  const { rows, errors } = parseNetworksCsv(csv);
  if (rows.length) {
    await db.transaction().execute(async (trx) => {
      await sql`
        INSERT INTO networks (cidr, asn, name, abuse_email)
        SELECT * FROM unnest(${rows.map((r) => r.cidr)}::cidr[], ${rows.map((r) => r.asn)}::bigint[], ${rows.map((r) => r.name)}::text[], ${rows.map((r) => r.abuseEmail)}::text[])
        ON CONFLICT (cidr) DO UPDATE SET asn = excluded.asn, name = excluded.name, abuse_email = excluded.abuse_email, updated_at = now()`.execute(trx);
      await appendEvents(trx, [
        { actor, type: 'networks.imported', subjectType: 'import', subjectId: new Date().toISOString(), data: { rows: rows.length, rejected: errors.length } },
      ]);
    });
  }
  return { loaded: rows.length, errors };
}
