// Queueing messages: one INSERT for a batch, a dedupe key so each message exists once however
// often the step that makes it runs, and a message.queued event for each new one.
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';
import { appendEvents } from './events.ts';
import { jsonRows } from './json-rows.ts';
import { wakeOnCommit } from './wake.ts';
import type { OutgoingMessage } from '../domain/messages.ts';

/** Call inside the transaction that causes the messages (the mailer wakes when it commits). Returns how many were new. */
/** Queue messages in the caller's transaction; a null is a message with nobody to send it to (a reporter who gave no address). */
export async function enqueueMessages(db: Kysely<Database>, noticeId: string | null, wanted: readonly (OutgoingMessage | null)[]): Promise<number> {
  const messages = wanted.filter((m): m is OutgoingMessage => m !== null);
  if (!messages.length) return 0;
  const rows = messages.map((m) => ({ k: m.dedupeKey, r: m.recipientRole, t: m.to, s: m.subject, b: m.body, a: m.attachments }));
  const queued = (
    await sql<{ id: number; recipient_role: string; to_address: string }>`
      INSERT INTO outbox (dedupe_key, notice_id, recipient_role, to_address, subject, body, attachments)
      SELECT k, ${noticeId}::uuid, r, t, s, b, a FROM ${jsonRows(rows, { k: 'text', r: 'text', t: 'text', s: 'text', b: 'text', a: 'jsonb' }, 'm')}
      ON CONFLICT (dedupe_key) DO NOTHING
      RETURNING id, recipient_role, to_address`.execute(db)
  ).rows;
  await appendEvents(
    db,
    queued.map((q) => ({
      actor: 'system' as const,
      type: 'message.queued',
      subjectType: 'message' as const,
      subjectId: String(q.id),
      noticeId,
      after: { status: 'pending' },
      data: { recipient_role: q.recipient_role, to: q.to_address },
    })),
  );
  if (queued.length) await wakeOnCommit(db, 'outbox');
  return queued.length;
}
