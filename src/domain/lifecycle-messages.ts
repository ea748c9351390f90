// The e-mails of the takedown lifecycle (takedown-lifecycle.ts says *that* a party must be told
// something; this says it in words). One message per recipient, per notice and per step, listing
// the URLs concerned. The customer's takedown notice is review-messages.ts' takedownMessage.
import type { LifecycleMessage } from './takedown-lifecycle.ts';
import type { NoticeFacts, OutgoingMessage } from './messages.ts';
import { BODY_URL_LIMIT, reportNoun } from './messages.ts';
import type { NoticeSubmission } from './notice.ts';
import { KIND_RULES } from './report-kinds.ts';
import { COUNTER_NOTICE_STATEMENTS, jurisdictionStatement, type CounterNotice } from './counter-notice.ts';
import { localDate } from './business-days.ts';

export interface CustomerFacts {
  id: string;
  name: string;
  email: string;
}

export interface LifecycleMessageContext {
  provider: string;
  notice: NoticeFacts;
  /** Groups the messages of one step: a retried step makes the same keys, so nothing is sent twice. */
  stepId: string;
  /** The calendar's time zone, for dates in messages. */
  timeZone: string;
  /** The customer's page for this notice in the portal. */
  portalUrl: string;
  /** Where a customer's e-mailed counter notice goes (the case's reply address), if mail is read. */
  replyAddress: string | null;
  /** The counter notice the step is about, when it is one (for the complainant's copy). */
  counterNotice?: { id: string; receivedAt: Date; body: CounterNotice } | null;
}

function urlLines(urls: readonly string[]): string {
  const more = urls.length - BODY_URL_LIMIT;
  return urls.slice(0, BODY_URL_LIMIT).join('\n') + (more > 0 ? `\n… and ${more} more.` : '');
}

const plural = (n: number, one: string) => `${n === 1 ? 'this URL' : `these ${n} ${one}s`}`;

/** The complainant's copy of the counter notice (17 U.S.C. §512(g)(2)(B)), whole. */
export function counterNoticeText(c: CounterNotice, provider: string): string {
  const s = c.subscriber;
  return [
    `Material and where it appeared:\n${urlLines(c.material.urls)}${c.material.description ? `\n${c.material.description}` : ''}`,
    `Statements:\n- ${COUNTER_NOTICE_STATEMENTS.good_faith_mistake}\n- ${jurisdictionStatement(s.country, provider)}\n- ${COUNTER_NOTICE_STATEMENTS.accept_service_of_process}`,
    `Subscriber:\nName: ${s.name}${s.company ? `\nCompany: ${s.company}` : ''}\nAddress: ${s.address}\nCountry: ${s.country}\nPhone: ${s.phone}${s.email ? `\nE-mail: ${s.email}` : ''}`,
    c.explanation ? `Explanation:\n${c.explanation}` : null,
    `Signature: ${c.signature}`,
  ]
    .filter((x) => x !== null)
    .join('\n\n');
}

/**
 * The message for one lifecycle step's message to one recipient, about `urls`. `null` for the
 * messages another module writes (the customer's takedown notice, the complainant's decision mail).
 */
/** Who withdrew a report, as the customer may learn it: not named when the reporter asked, nor for a report never passed on. */
function withdrawer(s: NoticeSubmission, name: string): string {
  return KIND_RULES[s.kind].forwardsReport && s.notify.owner === 'send' ? `The complainant, ${name},` : 'The reporter';
}

export function lifecycleMessage(
  m: LifecycleMessage,
  to: { role: 'customer'; customer: CustomerFacts } | { role: 'complainant' },
  urls: readonly string[],
  ctx: LifecycleMessageContext,
): OutgoingMessage | null {
  const n = ctx.notice;
  const claimant = { name: n.submission.claimant?.name ?? 'the complainant', email: n.submission.claimant?.email ?? null };
  const day = (d: Date) => localDate(d, ctx.timeZone);
  const key = `notice:${n.id}:lifecycle:${ctx.stepId}:${m.kind}:${to.role === 'customer' ? `owner:${to.customer.id}` : 'reporter'}`;
  const base = { dedupeKey: key, attachments: [] };
  const list = urlLines(urls);
  if (to.role === 'customer') {
    const c = to.customer;
    const hello = `Dear ${c.name},\n\n`;
    const footer = `\nThe notice and the state of each URL: ${ctx.portalUrl}\n`;
    const mk = (subject: string, body: string): OutgoingMessage => ({
      ...base,
      recipientRole: 'owner',
      to: c.email,
      subject: `[${ctx.provider}] ${subject}`,
      body: hello + body + footer,
    });
    switch (m.kind) {
      case 'counter_notice_received':
        return mk(
          `Counter notice received for copyright notice ${n.id}`,
          `We received your counter notice (${m.counterNoticeId}) about ${plural(urls.length, 'URL')}:\n\n${list}\n`,
        );
      case 'restore_scheduled':
        return mk(
          `Counter notice forwarded: content due back on ${day(m.restoreAt)}`,
          `We received your counter notice about ${plural(urls.length, 'URL')} and sent a copy to the complainant, ${claimant.name}:\n\n${list}\n\nUnless the complainant tells us that it has filed an action seeking a court order against you, we will restore access on ${day(m.restoreAt)} (17 U.S.C. §512(g)(2)(C)).\n`,
        );
      case 'court_action_filed':
        return mk(
          `Court action filed: content stays disabled (notice ${n.id})`,
          `The complainant, ${claimant.name}, has told us that it filed an action seeking a court order against you about the material at ${plural(urls.length, 'URL')}:\n\n${list}\n\nCourt action: ${m.reference}\n\nThe content stays disabled (17 U.S.C. §512(g)(2)(C)).\n`,
        );
      case 'restored':
        return mk(
          `Content restored (notice ${n.id})`,
          m.cause === 'retraction'
            ? `${withdrawer(n.submission, claimant.name)} withdrew its ${reportNoun(n.submission)} for ${plural(urls.length, 'URL')}. We have restored access, and the notice no longer counts against your account:\n\n${list}\n`
            : `The waiting period after your counter notice has passed without the complainant telling us of a court action. We have restored access to ${plural(urls.length, 'URL')}:\n\n${list}\n`,
        );
      default:
        return null;
    }
  }
  if (!claimant.email) return null;
  const to_ = claimant.email;
  const hello = `Dear ${claimant.name},\n\n`;
  const footer = n.statusUrl ? `\nEvery URL's status: ${n.statusUrl}\n` : '';
  const mk = (subject: string, body: string): OutgoingMessage => ({
    ...base,
    recipientRole: 'reporter',
    to: to_,
    subject: `[${ctx.provider}] ${subject}`,
    body: hello + body + footer,
  });
  switch (m.kind) {
    case 'counter_notice_copy': {
      const cn = ctx.counterNotice;
      const copy = cn
        ? `\n---- Counter notice ${cn.id}, received ${cn.receivedAt.toISOString()} ----\n\n${counterNoticeText(cn.body, ctx.provider)}\n\n---- end of the counter notice ----\n`
        : '';
      const when = m.restoreAt
        ? `We will restore access on ${day(m.restoreAt)}, not less than 10 and not more than 14 business days after we received the counter notice, unless before then you tell us that you have filed an action seeking a court order to restrain the subscriber from infringing activity relating to the material (17 U.S.C. §512(g)(2)(C)). Send that notice of court action with POST /v1/notices/${n.id}/court-action or by replying to this message with the court, the case number and the filing date.`
        : 'You have already told us of a court action, so the content stays disabled.';
      return mk(
        `Counter notice to your copyright notice ${n.id}: restore on ${m.restoreAt ? day(m.restoreAt) : '— (court action)'}`,
        `The site owner sent a counter notice (17 U.S.C. §512(g)(3)) about ${plural(urls.length, 'URL')} of your notice ${n.id}:\n\n${list}\n\n${when}\n${copy}`,
      );
    }
    case 'restored':
      return mk(
        `Content restored after counter notice (notice ${n.id})`,
        `The waiting period after the counter notice has passed without a notice of court action. We have restored access to ${plural(urls.length, 'URL')} (17 U.S.C. §512(g)(2)(C)):\n\n${list}\n`,
      );
    case 'retraction_confirmed':
      return mk(
        `Retraction recorded (notice ${n.id})`,
        `We recorded your retraction of ${plural(urls.length, 'URL')} of your notice ${n.id}${m.contentRestored ? '; access to the content has been restored' : ''}:\n\n${list}\n`,
      );
    default:
      return null;
  }
}
