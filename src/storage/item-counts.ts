// Stored per-notice counts of items by state (see migration 006). Call in the transaction that
// changed item states, after the change.
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';

export async function refreshItemCounts(db: Kysely<Database>, noticeId: string): Promise<void> {
  await sql`UPDATE notices SET item_counts = coalesce((
      SELECT jsonb_object_agg(state, n) FROM (SELECT state, count(*)::int AS n FROM notice_items WHERE notice_id = ${noticeId}::uuid GROUP BY state) s
    ), '{}'::jsonb)
    WHERE id = ${noticeId}::uuid`.execute(db);
}
