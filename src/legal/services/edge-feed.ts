// What court orders put in the edge feed.
import { sql } from 'kysely';
import type { Db } from './rows.ts';

/** The edge feed's court-ordered domains: rule names that stand on their own, and every zone an active rule caught. */
export async function courtOrderedDomains(db: Db): Promise<{ domain: string; orderId: string }[]> {
  const rows = (
    await sql<{ domain: string; order_id: string }>`
      SELECT edge_domain AS domain, request_id::text AS order_id FROM court_order_rules WHERE lifted_at IS NULL AND edge_domain IS NOT NULL
      UNION
      SELECT z.name, r.request_id::text FROM court_order_matches m
        JOIN court_order_rules r ON r.id = m.rule_id AND r.lifted_at IS NULL
        JOIN zones z ON z.id = m.zone_id AND z.account_id = m.account_id`.execute(db)
  ).rows;
  return rows.map((r) => ({ domain: r.domain, orderId: r.order_id }));
}
