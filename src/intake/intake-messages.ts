// The answers the mail intake sends (pure): that a reply reached its case, and what a notice
// sent by e-mail lacks. Never to automatic mail, bounces or lists, so no two robots loop.
import type { ParsedMail } from 'mailparser';
import type { OutgoingMessage } from '../domain/messages.ts';
import type { FieldError } from '../domain/notice.ts';
import type { StatusLinks } from '../services/status-links.ts';

export function shouldAutoReply(mail: ParsedMail, envelopeFrom: string | null): boolean {
  if (!envelopeFrom) return false; // a bounce (null sender, RFC 5321 §4.5.5)
  const auto = String(mail.headers.get('auto-submitted') ?? 'no').toLowerCase();
  if (auto !== 'no') return false;
  const precedence = String(mail.headers.get('precedence') ?? '').toLowerCase();
  if (['bulk', 'list', 'junk'].includes(precedence)) return false;
  return !mail.headers.has('list-id');
}

const FIELD_TEXT: Record<string, string> = {
  'claimant.name': 'your full name',
  'claimant.email': 'an e-mail address where we can reach you',
  'claimant.address': 'your postal address',
  'claimant.country': 'your country',
  'claimant.phone': 'a valid telephone number',
  'work.description': 'identification of the copyrighted work',
  signature: 'your signature (your full name)',
  urls: 'the URLs of the infringing material',
};

export function incompleteNoticeReply(
  provider: string,
  inboundId: number,
  to: string,
  subject: string | null,
  missing: string[],
  errors: FieldError[],
  _links: StatusLinks,
): OutgoingMessage {
  const lines = [
    ...missing.map((m) => `- ${m}`),
    ...errors.filter((e) => !/^urls\[/.test(e.field)).map((e) => `- ${FIELD_TEXT[e.field] ?? e.field}: ${e.message}`),
  ];
  const badUrls = errors.filter((e) => /^urls\[/.test(e.field));
  return {
    dedupeKey: `inbound:${inboundId}:incomplete`,
    recipientRole: 'user',
    to,
    subject: `[${provider}] Your notice is incomplete${subject ? `: ${subject.slice(0, 150)}` : ''}`,
    body: `We received your message${subject ? ` "${subject.slice(0, 300)}"` : ''} and read it as a copyright infringement notice, but we cannot act on it yet. A notice under 17 U.S.C. §512(c)(3) must include the following, which we could not find:

${lines.join('\n')}
${badUrls.length ? `\nThese URLs cannot be acted on:\n${badUrls.map((e) => `- ${e.message}`).join('\n')}\n` : ''}
Please send the complete notice again, or use our web form, which asks for each element.
`,
    attachments: [],
  };
}

export function replyReceivedMessage(provider: string, noticeId: string, inboundId: number, to: string, readsAs: string): OutgoingMessage {
  const what = readsAs === 'counter_notice' ? 'your counter notice' : readsAs === 'retraction' ? 'your retraction' : 'your reply';
  return {
    dedupeKey: `inbound:${inboundId}:reply-received`,
    recipientRole: 'user',
    to,
    subject: `[${provider}] We received ${what} about notice ${noticeId}`,
    body: `We received ${what} about notice ${noticeId} and added it to the case. Our staff will review it; you will hear from us when something changes.
`,
    attachments: [],
  };
}
