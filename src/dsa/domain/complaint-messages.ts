// The e-mails of an internal complaint (DSA Art. 20; complaint.ts): its receipt to the
// complainant, and its outcome with the reasons to both parties — the notifier and every
// customer whose URLs the complaint is about — with the redress that remains (Art. 21 and the
// courts). The customer never learns who reported (a CSAM report is never passed on, and a
// complaint's outcome is no reason to start): the notifier is "the reporter" in their mail.
// Pure: composed from plain data; the service queues them (services/complaints.ts).
import type { NoticeFacts, OutgoingMessage } from '../../domain/messages.ts';
import { BODY_URL_LIMIT, reportNoun } from '../../domain/messages.ts';
import { REDRESS_OPTIONS } from './statement-of-reasons.ts';
import { complaintDeadline, type ComplaintOutcome, type ComplaintParty, type DecisionKind } from './complaint.ts';

export interface ComplaintMessageFacts {
  id: string;
  party: ComplaintParty;
  decisionKind: DecisionKind;
  decisionAt: Date;
  text: string;
  /** The complaint's URLs. */
  urls: string[];
}

export interface Addressee {
  role: 'customer' | 'notifier';
  email: string;
  name: string | null;
  /** The customer's account (a notifier's complaint may concern several). */
  accountId?: string;
}

const ymd = (d: Date) => d.toISOString().slice(0, 10);

function urlLines(urls: readonly string[]): string {
  const more = urls.length - BODY_URL_LIMIT;
  return urls.slice(0, BODY_URL_LIMIT).join('\n') + (more > 0 ? `\n… and ${more} more.` : '');
}

const decisionWords = (k: DecisionKind) => (k === 'restriction' ? 'to disable access to the content' : 'to take no action on the report');

/** Art. 21 and the courts: what is left once the complaint is decided (REDRESS_OPTIONS without the complaint itself). */
export const REMAINING_REDRESS: readonly string[] = REDRESS_OPTIONS.slice(1);

const recipientRole = (a: Addressee): OutgoingMessage['recipientRole'] => (a.role === 'customer' ? 'owner' : 'reporter');

/** To the complainant: the complaint is recorded, who decides it and how. */
export function complaintReceiptMessage(
  provider: string,
  notice: NoticeFacts,
  c: ComplaintMessageFacts,
  to: Addressee,
  pageUrl: string | null,
): OutgoingMessage {
  return {
    dedupeKey: `complaint:${c.id}:receipt`,
    recipientRole: recipientRole(to),
    to: to.email,
    subject: `[${provider}] Your complaint about our decision on ${reportNoun(notice.submission)} ${notice.id}`,
    body: `${to.name ? `Dear ${to.name},` : 'Hello,'}

We have received your complaint (reference ${c.id}) against our decision of ${ymd(c.decisionAt)} ${decisionWords(c.decisionKind)} at:

${urlLines(c.urls)}

Your complaint:
${c.text}

A member of our staff who did not take the decision will review it, free of charge, and we will tell you the outcome and the reasons (EU Digital Services Act, Art. 20).${pageUrl ? `\n\nThe notice's page: ${pageUrl}` : ''}
`,
    attachments: [],
  };
}

const OUTCOME_WORDS: Record<ComplaintOutcome, (k: DecisionKind) => string> = {
  upheld: () => 'The decision stands.',
  reversed: (k) =>
    k === 'restriction' ? 'The decision is reversed: access to the content is restored.' : 'The decision is reversed: access to the content is disabled.',
  partly_reversed: (k) =>
    k === 'restriction'
      ? 'The decision is partly reversed: access to the content at the URLs below is restored; for the others it stands.'
      : 'The decision is partly reversed: access to the content at the URLs below is disabled; for the others it stands.',
};

/**
 * The outcome, to one party. `urls` are the addressee's URLs of the complaint (a customer sees
 * its own only), `reversedUrls` those of them whose decision was undone.
 */
export function complaintOutcomeMessage(
  provider: string,
  notice: NoticeFacts,
  c: ComplaintMessageFacts,
  outcome: { outcome: ComplaintOutcome; reason: string; decidedAt: Date },
  to: Addressee,
  urls: readonly string[],
  reversedUrls: readonly string[],
): OutgoingMessage {
  const theirs = c.party === to.role;
  const by = theirs ? 'your complaint' : c.party === 'notifier' ? 'a complaint by the reporter' : 'a complaint by the operator of the site';
  const reversedList = outcome.outcome === 'partly_reversed' && reversedUrls.length ? `\n\nReversed for:\n${urlLines(reversedUrls)}` : '';
  return {
    dedupeKey: `complaint:${c.id}:outcome:${to.role}:${to.accountId ?? ''}`,
    recipientRole: recipientRole(to),
    to: to.email,
    subject: `[${provider}] Outcome of the complaint about our decision on ${reportNoun(notice.submission)} ${notice.id}`,
    body: `${to.name ? `Dear ${to.name},` : 'Hello,'}

We have decided ${by} (reference ${c.id}) against our decision of ${ymd(c.decisionAt)} ${decisionWords(c.decisionKind)} at:

${urlLines(urls)}

${OUTCOME_WORDS[outcome.outcome](c.decisionKind)}${reversedList}

Our reasons:
${outcome.reason}

The complaint was decided on ${ymd(outcome.decidedAt)} by a member of our staff who did not take the original decision (EU Digital Services Act, Art. 20).

If you disagree with this outcome, you may still turn to:
${REMAINING_REDRESS.map((r) => `- ${r}`).join('\n')}
`,
    attachments: [],
  };
}

/** For pages and refusals: until when a complaint against a decision can be made. */
export function complaintDeadlineText(decidedAt: Date): string {
  return `until ${ymd(complaintDeadline(decidedAt))}`;
}
