// Telling the customer of a legal request: whom it concerns, and the notice once policy says it is due.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../storage/schema.ts';
import { appendEvents } from '../../storage/events.ts';
import { enqueueMessages } from '../../storage/outbox.ts';
import { legalRequestNoticeMessage, type CustomerFacts } from '../domain/legal-messages.ts';
import { decisionFor, facts, type Db, type LegalDeps, type RequestRow } from './rows.ts';

/** The accounts a request concerns, with what it names of each. */
export async function targetCustomers(db: Db, requestId: string): Promise<CustomerFacts[]> {
  const rows = (
    await sql<{ account_id: string; account_name: string; account_email: string; names: (string | null)[] }>`
      SELECT t.account_id, max(a.name) AS account_name, max(a.email) AS account_email,
             array_agg(DISTINCT CASE WHEN t.kind = 'domain' THEN t.value END) AS names
        FROM legal_request_targets t JOIN accounts a ON a.id = t.account_id
       WHERE t.request_id = ${requestId}::uuid AND t.account_id IS NOT NULL
       GROUP BY t.account_id ORDER BY t.account_id`.execute(db)
  ).rows;
  return rows.map((r) => ({
    accountId: r.account_id,
    accountName: r.account_name,
    email: r.account_email,
    names: r.names.filter((n): n is string => !!n).sort(),
  }));
}

/** Sends the request's customer notices that are due and not yet sent. Returns how many were queued. */
export async function sendDueNotices(db: Db, deps: LegalDeps, row: RequestRow, now: Date): Promise<number> {
  const decision = decisionFor(row, deps.policy, now);
  if (decision.kind !== 'notify' || decision.at.getTime() > now.getTime()) return 0;
  const customers = await targetCustomers(db, row.id);
  const sent = new Set(
    (
      await sql<{ account_id: string }>`SELECT account_id FROM legal_request_notices WHERE request_id = ${row.id}::uuid AND kind = 'request'`.execute(db)
    ).rows.map((r) => r.account_id),
  );
  const due = customers.filter((c) => !sent.has(c.accountId));
  if (!due.length) return 0;
  await sql`
    INSERT INTO legal_request_notices (request_id, account_id, kind, sent_at)
    SELECT ${row.id}::uuid, a, 'request', ${now} FROM unnest(${due.map((c) => c.accountId)}::text[]) AS a
    ON CONFLICT DO NOTHING`.execute(db);
  const n = await enqueueMessages(
    db as Kysely<Database>,
    null,
    due.map((c) => legalRequestNoticeMessage(deps.provider, facts(row), c)),
  );
  await appendEvents(
    db,
    due.map((c) => ({
      actor: 'system' as const,
      type: 'legal_request.customer_notified',
      subjectType: 'legal_request' as const,
      subjectId: row.id,
      data: { account_id: c.accountId, to: c.email, what: 'request' },
      at: now,
    })),
  );
  return n;
}
