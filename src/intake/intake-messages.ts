// The answers the mail intake sends (pure): that a reply reached its case, and what a notice or
// report sent by e-mail lacks, in the words of its kind and regime. Never to automatic mail, bounces or lists, so no two robots loop.
import type { ParsedMail } from 'mailparser';
import type { OutgoingMessage } from '../domain/messages.ts';
import type { FieldError } from '../domain/notice.ts';
import type { StatusLinks } from '../services/status-links.ts';
import { KIND_RULES, type LegalRegime, type ReportKind } from '../domain/report-kinds.ts';
import { DSA_STATEMENT } from '../domain/report-submission.ts';

export function shouldAutoReply(mail: ParsedMail, envelopeFrom: string | null): boolean {
  if (!envelopeFrom) return false; // a bounce (null sender, RFC 5321 §4.5.5)
  const auto = String(mail.headers.get('auto-submitted') ?? 'no').toLowerCase();
  if (auto !== 'no') return false;
  const precedence = String(mail.headers.get('precedence') ?? '').toLowerCase();
  if (['bulk', 'list', 'junk'].includes(precedence)) return false;
  return !mail.headers.has('list-id');
}

/** What each field of a report is, in the sender's words (a mail reply names fields as a form would not). */
const FIELD_TEXT: Record<string, string> = {
  claimant: 'your name and an e-mail address where we can reach you',
  'claimant.name': 'your full name',
  'claimant.email': 'an e-mail address where we can reach you',
  'claimant.address': 'your postal address',
  'claimant.country': 'your country',
  'claimant.phone': 'a valid telephone number',
  work: 'identification of the copyrighted work',
  'work.description': 'identification of the copyrighted work',
  signature: 'your signature (your full name)',
  trademark: 'the registered trademark: its registration number, the office that registered it (for example USPTO or EUIPO) and the mark itself',
  'trademark.number': 'the registration number of your trademark',
  'trademark.office': 'the office that registered your trademark (for example USPTO, EUIPO or WIPO)',
  'trademark.symbol': 'the trademark itself (the word, or a description of the figurative mark)',
  'statements.accurate_and_complete': `the statement that you believe in good faith that the information and allegations in your notice are accurate and complete (EU Digital Services Act, Art. 16(2)(d)): "${DSA_STATEMENT}"`,
  subject_representation: 'whether you are the person shown in the images, or report them on behalf of that person',
  whois_request:
    'what you request: the registrant data you ask for, your legal basis for it, a statement that you ask in good faith, and your agreement to process the data lawfully',
  'whois_request.legal_basis': 'your legal basis for the request (for example a legitimate interest under Art. 6(1)(f) GDPR) and why you need the data',
  'whois_request.requested_data': "which registrant data you request (for example the registrant's name and e-mail address)",
  'whois_request.good_faith_affirmation': 'a statement that you make the request in good faith',
  'whois_request.lawful_processing_agreement': 'your agreement to process the data lawfully and only for the purpose you state',
};

/** A field a report lacks (or got wrong), as the sender reads it; what the field is not known for, with the validation's own message. */
export function describeField(field: string, message: string, report: { kind: ReportKind; regime: LegalRegime } = COPYRIGHT_DMCA): string {
  if (field === 'urls')
    return report.kind === 'copyright' ? 'the URLs of the infringing material' : 'the URLs (full http:// or https:// addresses) of the reported material';
  if (field === 'explanation') {
    return report.regime === 'dsa'
      ? 'a substantiated explanation of why the content is illegal (EU Digital Services Act, Art. 16(2)(a))'
      : 'an explanation of what you report: what the page shows or does that is wrong, and how to see it there';
  }
  return FIELD_TEXT[field] ?? `${field}: ${message}`;
}

const COPYRIGHT_DMCA = { kind: 'copyright', regime: 'dmca' } as const;

export function incompleteNoticeReply(
  provider: string,
  inboundId: number,
  to: string,
  subject: string | null,
  missing: string[],
  errors: FieldError[],
  _links: StatusLinks,
  report: { kind: ReportKind; regime: LegalRegime } = COPYRIGHT_DMCA,
): OutgoingMessage {
  const lines = [
    ...missing.map((m) => `- ${m}`),
    ...errors.filter((e) => !/^urls\[/.test(e.field)).map((e) => `- ${FIELD_TEXT[e.field] ?? e.field}: ${e.message}`),
  ];
  const badUrls = errors.filter((e) => /^urls\[/.test(e.field));
  const dmca = report.kind === 'copyright' && report.regime === 'dmca';
  // A report of child sexual abuse material is never quoted back: its subject line may describe the material.
  const quoted = report.kind === 'csam' ? null : subject;
  const readAs = dmca
    ? 'a copyright infringement notice'
    : `a ${KIND_RULES[report.kind].noun}${report.regime === 'dsa' ? ' under the EU Digital Services Act (Art. 16)' : ''}`;
  const mustInclude = dmca
    ? 'A notice under 17 U.S.C. §512(c)(3) must include the following'
    : report.regime === 'dsa'
      ? 'A notice under Art. 16 of the Digital Services Act must include the following'
      : `A ${KIND_RULES[report.kind].noun} must include the following`;
  return {
    dedupeKey: `inbound:${inboundId}:incomplete`,
    recipientRole: 'user',
    to,
    subject: `[${provider}] Your ${dmca ? 'notice' : KIND_RULES[report.kind].noun} is incomplete${quoted ? `: ${quoted.slice(0, 150)}` : ''}`,
    body: `We received your message${quoted ? ` "${quoted.slice(0, 300)}"` : ''} and read it as ${readAs}, but we cannot act on it yet. ${mustInclude}, which we could not find:

${lines.join('\n')}
${badUrls.length ? `\nThese URLs cannot be acted on:\n${badUrls.map((e) => `- ${e.message}`).join('\n')}\n` : ''}${report.kind === 'csam' ? '\nDo not send the material itself, by e-mail or otherwise: the addresses where it appears are all we need.\n' : ''}
Please send the complete ${dmca ? 'notice' : 'report'} again, or use our web form, which asks for each element.
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
