// The legal process's timed work, run by the background loop: customer notices that came due, and
// block rules whose end date passed (also run before the edge feed is read).
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../storage/schema.ts';
import { appendEvents } from '../../storage/events.ts';
import { iso, type LegalDeps, type RequestRow } from './rows.ts';
import { sendDueNotices } from './customer-notices.ts';

/**
 * For a background loop: every request whose customer notice has come due and was not sent —
 * after the configured delay, or when a non-disclosure order ran out (then whatever the request's
 * state: the customer learns of it late, but learns of it). The SQL only narrows the candidates;
 * `customerNoticeDecision` decides.
 */
export async function sendDueLegalNotices(deps: LegalDeps, now: Date): Promise<number> {
  const rows = (
    await sql<RequestRow>`
      SELECT r.* FROM legal_requests r
       WHERE r.state <> 'withdrawn'
         AND r.created_at <= ${new Date(now.getTime() - deps.policy.delayHours * 3600_000)}
         AND (NOT r.non_disclosure_order OR r.non_disclosure_until <= ${now})
         AND EXISTS (SELECT 1 FROM legal_request_targets t WHERE t.request_id = r.id AND t.account_id IS NOT NULL
                       AND NOT EXISTS (SELECT 1 FROM legal_request_notices n WHERE n.request_id = r.id AND n.account_id = t.account_id AND n.kind = 'request'))
       LIMIT 500`.execute(deps.db)
  ).rows;
  let n = 0;
  for (const r of rows) n += await deps.db.transaction().execute((trx) => sendDueNotices(trx, deps, r, now));
  return n;
}

/** Lifts the rules whose end date has passed. Cheap when none has (a partial index); run before reading the feed. */
export async function liftEndedRules(db: Kysely<Database>, now: Date): Promise<number> {
  const due = (
    await sql<{ id: string }>`SELECT id FROM court_order_rules WHERE lifted_at IS NULL AND ends_at IS NOT NULL AND ends_at <= ${now} LIMIT 1`.execute(db)
  ).rows;
  if (!due.length) return 0;
  return db.transaction().execute(async (trx) => {
    const lifted = (
      await sql<{ id: string; request_id: string; text: string; ends_at: Date }>`
        UPDATE court_order_rules SET lifted_at = ends_at, lifted_by = 'system', lift_reason = 'the order''s end date passed'
         WHERE lifted_at IS NULL AND ends_at IS NOT NULL AND ends_at <= ${now}
        RETURNING id, request_id, text, ends_at`.execute(trx)
    ).rows;
    await appendEvents(
      trx,
      lifted.map((r) => ({
        actor: 'system' as const,
        type: 'court_order.rule_lifted',
        subjectType: 'court_order_rule' as const,
        subjectId: r.id,
        before: { active: true },
        after: { active: false },
        data: { legal_request_id: r.request_id, text: r.text, reason: 'end date', ends_at: iso(r.ends_at) },
        at: now,
      })),
    );
    return lifted.length;
  });
}
