import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import { withholdPrivateLinks } from '../domain/messages.ts';

export interface OutboxEntry {
  id: number;
  status: string;
  created_at: string;
  sent_at: string | null;
  recipient_role: string;
  to: string;
  subject: string;
  attempts: number;
  last_error: string | null;
  notice_id: string | null;
}

/**
 * Staff's view of outgoing mail (`GET /v1/outbox`, `safeharbor outbox`): who, what subject, which
 * state — never a body. Private links (sign-in, status) are for the recipient only; any text of a
 * message shown here goes through withholdPrivateLinks.
 */
export async function listOutbox(db: Kysely<Database>, q: { status?: 'pending' | 'sent' | 'failed'; limit?: number }): Promise<OutboxEntry[]> {
  let query = db
    .selectFrom('outbox')
    .select(['id', 'status', 'created_at', 'sent_at', 'recipient_role', 'to_address', 'subject', 'attempts', 'last_error', 'notice_id'])
    .orderBy('id', 'desc')
    .limit(Math.min(Math.max(q.limit ?? 50, 1), 10_000));
  if (q.status) query = query.where('status', '=', q.status);
  return (await query.execute()).map((r) => ({
    id: Number(r.id),
    status: r.status,
    created_at: new Date(r.created_at).toISOString(),
    sent_at: r.sent_at ? new Date(r.sent_at).toISOString() : null,
    recipient_role: r.recipient_role,
    to: r.to_address,
    subject: withholdPrivateLinks(r.subject),
    attempts: r.attempts,
    last_error: r.last_error,
    notice_id: r.notice_id,
  }));
}
