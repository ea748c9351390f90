// A retraction read from the complainant's reply by mail, fed into the same service as the API:
// only a reply to the address we gave the complainant, from the complainant's own address, is
// filed; anything else, or anything that fails validation, is recorded on the case for staff.
// The outcome is recorded with the status the API would answer (the one mapping, http/reply.ts).
import { FAILURE_STATUS } from '../http/reply.ts';
import { failureErrors } from '../services/result.ts';
import type { ReadResult } from '../reader/types.ts';
import { normaliseUrl } from '../domain/url.ts';
import { appendEvents } from '../storage/events.ts';
import { fileRetraction, type LifecycleDeps } from '../services/takedown-lifecycle.ts';
import type { Principal } from '../services/principals.ts';

/**
 * What the reader found, as a retraction body (pure). URLs of the notice the letter mentions are
 * withdrawn; a letter mentioning none withdraws the whole notice; a letter asking about only
 * URLs the notice does not have passes them on, so validation says which.
 */
export function retractionFromReading(r: ReadResult, noticeUrls: readonly string[], inboundMessageId: number): Record<string, unknown> {
  const inNotice = new Set(noticeUrls);
  const named = r.infringing_urls.map(normalised);
  const ours = mentionedUrls(r).filter((u) => inNotice.has(u));
  return {
    ...(ours.length ? { urls: ours } : named.length ? { urls: named } : {}),
    reason: `retracted by e-mail (inbound message ${inboundMessageId})`,
    signature: r.claimant.name ?? undefined,
  };
}

const normalised = (u: string) => {
  const n = normaliseUrl(u);
  return n.ok ? n.url : u;
};

/**
 * Every URL the letter mentions, whatever role the reader gave it: any of the notice's among them
 * is one it withdraws (withdrawing the whole notice when the letter meant one URL would restore too much).
 */
export function mentionedUrls(r: ReadResult): string[] {
  return [...new Set([...r.infringing_urls, ...r.other_urls, ...r.original_urls].map(normalised))];
}

export async function retractionFromMail(
  deps: LifecycleDeps,
  noticeId: string,
  inboundMessageId: number,
  sender: string | null,
  reading: ReadResult,
): Promise<{ filed: boolean }> {
  const notice = await deps.db
    .selectFrom('notices as n')
    .innerJoin('principals as p', 'p.id', 'n.reporter_id')
    .select(['n.reporter_id', 'n.submission', 'p.email', 'p.name'])
    .where('n.id', '=', noticeId)
    .executeTakeFirst();
  const claimantEmail = (notice?.submission as { claimant?: { email?: string } } | undefined)?.claimant?.email;
  const fromComplainant = !!notice && !!sender && [notice.email, claimantEmail].some((e) => e && e.toLowerCase() === sender.toLowerCase());
  let outcome: Record<string, unknown>;
  let filed = false;
  if (!notice || !fromComplainant) {
    outcome = { status: 'not_the_complainant', why: 'the sender is neither the reporter nor the claimant of this notice' };
  } else {
    // Only the notice's URLs the letter mentions (a notice may hold 100,000).
    const mentioned = mentionedUrls(reading);
    const urls = mentioned.length
      ? (
          await deps.db
            .selectFrom('notice_items')
            .select(['url', 'submitted_url'])
            .where('notice_id', '=', noticeId)
            .where((eb) => eb.or([eb('url', 'in', mentioned), eb('submitted_url', 'in', mentioned)]))
            .execute()
        ).map((i) => i.url ?? i.submitted_url)
      : [];
    const principal: Principal = { id: notice.reporter_id, role: 'reporter', email: notice.email, name: notice.name, accountId: null };
    const r = await fileRetraction(deps, principal, noticeId, retractionFromReading(reading, urls, inboundMessageId), { channel: 'email', inboundMessageId });
    outcome = !r.ok
      ? { status: FAILURE_STATUS[r.error], ...(r.error === 'not_found' ? {} : { errors: failureErrors(r) }) }
      : { status: r.created ? 201 : 200, filing_id: r.value.id, changed: r.value.result.changed.length };
    filed = r.ok;
  }
  await appendEvents(deps.db, [
    {
      actor: 'system',
      type: 'notice.retraction_by_mail',
      subjectType: 'notice',
      subjectId: noticeId,
      noticeId,
      data: { inbound_message_id: inboundMessageId, from: sender, ...outcome },
    },
  ]);
  return { filed };
}
