// A counter notice read from a reply by mail, fed into the same service as the API and the
// portal: the reader's findings become the counter notice's JSON shape (pure), and the account is
// the one whose content the notice disabled (by the sender's address when several).
// The outcome is recorded with the status the API would answer (the one mapping, http/reply.ts).
import { FAILURE_STATUS } from '../http/reply.ts';
import { failureErrors } from '../services/result.ts';
import { sql } from 'kysely';
import type { ReadResult } from '../reader/types.ts';
import { appendEvents } from '../storage/events.ts';
import { fileCounterNotice, type LifecycleDeps } from '../services/takedown-lifecycle.ts';

/** What the reader found, as a counter-notice body; what it did not find fails validation by field. */
export function counterNoticeFromReading(r: ReadResult, sender: string | null): Record<string, unknown> {
  const c = r.claimant;
  const sworn = (k: string) => r.elements[k] === true;
  return {
    material: { urls: r.infringing_urls },
    statements: {
      good_faith_mistake: sworn('mistake_statement'),
      consent_to_jurisdiction: sworn('consent_to_jurisdiction'),
      // The reader reads consent to jurisdiction and to service of process as one element (§512(g)(3)(D)).
      accept_service_of_process: sworn('consent_to_jurisdiction'),
    },
    subscriber: {
      name: c.name ?? undefined,
      company: c.company ?? undefined,
      address: c.address ?? undefined,
      country: c.country ?? undefined,
      phone: c.phone ?? undefined,
      email: c.email ?? sender ?? undefined,
    },
    // A signature the reader found is the sender's name as signed.
    signature: sworn('signature') ? (c.name ?? undefined) : undefined,
  };
}

/**
 * Files a counter notice that came by mail to the case's reply address. Whatever the result, the
 * notice's timeline says so (an incomplete one, with every missing field, is left to staff).
 */
export async function counterNoticeFromMail(
  deps: LifecycleDeps,
  noticeId: string,
  inboundMessageId: number,
  sender: string | null,
  reading: ReadResult,
): Promise<{ filed: boolean }> {
  const accounts = (
    await sql<{ account_id: string; email: string }>`
      SELECT DISTINCT i.account_id, a.email FROM notice_items i JOIN accounts a ON a.id = i.account_id
      WHERE i.notice_id = ${noticeId}::uuid AND i.state = 'content_disabled'`.execute(deps.db)
  ).rows;
  const bySender = accounts.filter((a) => sender && a.email.toLowerCase() === sender.toLowerCase());
  const account = bySender.length === 1 ? bySender[0]! : accounts.length === 1 ? accounts[0]! : null;
  const r = account
    ? await fileCounterNotice(
        deps,
        { principal: null, channel: 'email', inboundMessageId, accountId: account.account_id },
        noticeId,
        counterNoticeFromReading(reading, sender),
      )
    : null;
  const outcome = !r
    ? {
        status: 'no_account',
        why: accounts.length
          ? 'several accounts have disabled content on this notice; the sender matches none'
          : 'no content of any account is disabled under this notice',
      }
    : !r.ok
      ? { status: FAILURE_STATUS[r.error], ...(r.error === 'not_found' ? {} : { errors: failureErrors(r) }) }
      : { status: r.created ? 201 : 200, counter_notice_id: r.value.id, changed: r.value.result.changed.length };
  await appendEvents(deps.db, [
    {
      actor: 'system',
      type: 'notice.counter_notice_by_mail',
      subjectType: 'notice',
      subjectId: noticeId,
      noticeId,
      data: { inbound_message_id: inboundMessageId, from: sender, account_id: account?.account_id ?? null, ...outcome },
    },
  ]);
  return { filed: !!r && 'result' in r };
}
