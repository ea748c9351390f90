// The e-mails that staff decisions cause: the reporter hears what was decided about which URLs,
// the customer hears that hosted content was disabled, and a question reaches the reporter.
import { createHash } from 'node:crypto';
import type { NoticeFacts, OutgoingMessage } from './messages.ts';
import { BODY_URL_LIMIT, notifierRedress, reportNoun, reportPhrase } from './messages.ts';
import { KIND_RULES } from './report-kinds.ts';
import { counterNoticeAllowed } from './kind-actions.ts';
import type { NoticeSubmission } from './notice.ts';

export interface DecidedUrl {
  url: string;
  state: 'content_disabled' | 'rejected';
  reason: string | null;
}

function urlLines(lines: string[]): string {
  const more = lines.length - BODY_URL_LIMIT;
  return lines.slice(0, BODY_URL_LIMIT).join('\n') + (more > 0 ? `\n… and ${more} more (see the status page).` : '');
}

export function decisionMessage(provider: string, notice: NoticeFacts, decisionId: string, urls: DecidedUrl[]): OutgoingMessage | null {
  const claimant = notice.submission.claimant;
  if (!claimant?.email) return null;
  const disabled = urls.filter((u) => u.state === 'content_disabled');
  const rejected = urls.filter((u) => u.state === 'rejected');
  const byReason = new Map<string, string[]>();
  for (const u of rejected) byReason.set(u.reason ?? '', [...(byReason.get(u.reason ?? '') ?? []), u.url]);
  const sections = [
    disabled.length ? `Content disabled (${disabled.length}):\n${urlLines(disabled.map((u) => u.url))}` : null,
    ...[...byReason].map(([reason, list]) => `Rejected (${list.length}): ${reason}\n${urlLines(list)}`),
  ].filter((s) => s !== null);
  return {
    dedupeKey: `notice:${notice.id}:decision:${decisionId}:reporter`,
    recipientRole: 'reporter',
    to: claimant.email,
    subject: `[${provider}] Decision on your ${reportNoun(notice.submission)} ${notice.id}: ${urls.length} URL${urls.length === 1 ? '' : 's'}`,
    body: `Dear ${claimant.name ?? 'reporter'},

Our staff reviewed ${urls.length === 1 ? 'a URL' : `${urls.length} URLs`} of your ${reportNoun(notice.submission)} ${notice.id}.

${sections.join('\n\n')}
${notice.statusUrl ? `\nEvery URL's status: ${notice.statusUrl}\n` : ''}${notifierRedress(notice.submission)}`,
    attachments: [],
  };
}

/** How a customer counter-notifies: the portal's form, or a reply by e-mail (to the case's address when mail is read). */
export interface CounterNoticeWays {
  portalUrl: string;
  replyAddress: string | null;
}

export function takedownMessage(
  provider: string,
  notice: NoticeFacts,
  decisionId: string,
  account: { id: string; name: string; email: string },
  urls: string[],
  ways: CounterNoticeWays,
  /** The statement of reasons (DSA Art. 17) of this restriction, as statement-messages.ts words it. */
  statement: string | null = null,
): OutgoingMessage {
  const s = notice.submission;
  return {
    dedupeKey: `notice:${notice.id}:decision:${decisionId}:owner:${account.id}`,
    recipientRole: 'owner',
    to: account.email,
    subject: `[${provider}] Content disabled after ${reportNoun(s)} ${notice.id}`,
    body: `Dear ${account.name},

${provider} received ${reportPhrase(s)} about content we host or serve for you and has disabled access to it:

${urlLines(urls)}

Notice: ${notice.id} (received ${notice.createdAt.toISOString()})
${s.kind === 'copyright' ? `Copyrighted work: ${s.work.description}\n` : ''}${complainantLine(s)}

${answerText(s, ways)}
${
  statement
    ? `
${statement}`
    : ''
}`,
    attachments: [],
  };
}

/** Who complained, as the customer may learn it: never for a report that is not passed on (CSAM), nor when the reporter asked. */
function complainantLine(s: NoticeSubmission): string {
  if (!KIND_RULES[s.kind].forwardsReport) return 'Reporter: not disclosed (reports of this kind are never passed on).';
  return `Complainant: ${s.notify.owner === 'send-anon' || !s.claimant?.name ? '(identity withheld)' : `${s.claimant.name}${s.claimant.company ? `, ${s.claimant.company}` : ''} <${s.claimant.email}>`}`;
}

/** What the customer can do: a counter notice for a DMCA notice; a complaint (DSA Art. 20) or a reply for other reports. */
function answerText(s: NoticeSubmission, ways: CounterNoticeWays): string {
  const reply = `reply to this message${ways.replyAddress ? ` (to ${ways.replyAddress})` : ''}, quoting the notice number`;
  if (!counterNoticeAllowed(s.kind, s.regime).ok) {
    return s.regime === 'dsa'
      ? `If you believe this decision is wrong, you may complain against it (EU Digital Services Act, Art. 20): ${reply}, and say why. The notice's page in our customer portal: ${ways.portalUrl}`
      : `If you believe this decision is wrong, ${reply}, and say why. The notice's page in our customer portal: ${ways.portalUrl}`;
  }
  return `If you believe the material was removed by mistake or misidentification, you may send a counter notice under 17 U.S.C. §512(g)(3): your name, address and telephone number; identification of the material and where it appeared; a statement under penalty of perjury that you believe in good faith it was removed by mistake or misidentification; consent to the jurisdiction of the federal court for your address; and your signature.

To send a counter notice:
- fill in the form on this notice's page in our customer portal: ${ways.portalUrl}
- or reply to this message${ways.replyAddress ? ` (to ${ways.replyAddress})` : ''} with the counter notice, quoting the notice number.

If we receive a valid counter notice, we send a copy to the complainant and restore access 10 business days later unless the complainant tells us that it has filed a court action (17 U.S.C. §512(g)(2)).`;
}

export function infoRequestMessage(provider: string, notice: NoticeFacts, requestId: string, question: string): OutgoingMessage | null {
  const claimant = notice.submission.claimant;
  if (!claimant?.email) return null;
  return {
    dedupeKey: `notice:${notice.id}:info-request:${requestId}`,
    recipientRole: 'reporter',
    to: claimant.email,
    subject: `[${provider}] More information needed for your ${reportNoun(notice.submission)} ${notice.id}`,
    body: `Dear ${claimant.name ?? 'reporter'},

Before we can act on your ${reportNoun(notice.submission)} ${notice.id}, we need more information:

${question}

Reply to this message quoting the notice number.
${notice.statusUrl ? `\nEvery URL's status: ${notice.statusUrl}\n` : ''}`,
    attachments: [],
  };
}

export function loginLinkMessage(provider: string, to: string, links: { label: string; url: string }[], minutes: number): OutgoingMessage {
  return {
    // A digest of the whole links: neither a piece of the secret in the stored key nor two requests
    // with the same `next` (the links' common tail) folded into one message.
    dedupeKey: `login:${createHash('sha256')
      .update(links.map((l) => l.url).join('\n'))
      .digest('base64url')}`,
    recipientRole: 'user',
    to,
    subject: `[${provider}] Your sign-in link`,
    body: `Someone (we hope you) asked to sign in to ${provider}'s abuse desk with this address.

${links.map((l) => `Sign in as ${l.label}:\n${l.url}`).join('\n\n')}

Each link works once, for ${minutes} minutes. If you did not ask for it, ignore this message.
`,
    attachments: [],
  };
}
