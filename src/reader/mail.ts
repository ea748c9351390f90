// mailparser's ParsedMail as the reader's MailParts (pure mapping; the SMTP intake parses, the reader reads).
import type { ParsedMail } from 'mailparser';
import type { MailParts } from './types.ts';

const TEXTUAL = /^text\/|xml|json|yaml/i;
const MAX_ATTACHMENT = 5 * 1024 * 1024;

export function mailPartsFromParsed(mail: ParsedMail): MailParts {
  const from = mail.from?.value[0];
  return {
    subject: mail.subject ?? null,
    from: from ? { name: from.name || null, address: from.address?.toLowerCase() ?? null } : null,
    text: mail.text ?? null,
    html: typeof mail.html === 'string' ? mail.html : null,
    attachments: mail.attachments
      .filter((a) => (TEXTUAL.test(a.contentType) || /\.(?:xml|txt|md|json|ya?ml)$/i.test(a.filename ?? '')) && a.size <= MAX_ATTACHMENT)
      .map((a) => ({ filename: a.filename ?? null, contentType: a.contentType.toLowerCase(), content: a.content.toString('utf8') })),
  };
}
