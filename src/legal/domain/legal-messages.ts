// The e-mails legal process causes to a customer: a request about their account arrived (so that
// they can object before anything is produced), and what was produced. Composed from plain data.
import type { OutgoingMessage } from '../../domain/messages.ts';
import { LEGAL_REQUEST_TYPE_LABELS, PRODUCTION_FIELD_LABELS, type LegalRequestType, type ProductionField } from './legal-request.ts';

export interface LegalRequestFacts {
  id: string;
  type: LegalRequestType;
  authority: string;
  caseNumber: string;
  requestingParty: string;
  deadline: Date | null;
}

export interface CustomerFacts {
  accountId: string;
  accountName: string;
  email: string;
  /** The account's names the request targets (domains and zones). */
  names: string[];
}

const day = (d: Date) => d.toISOString().slice(0, 10);

export function legalRequestNoticeMessage(provider: string, r: LegalRequestFacts, c: CustomerFacts): OutgoingMessage {
  const body = [
    `Dear ${c.accountName},`,
    '',
    `${provider} has received legal process that concerns your account (${c.accountId}):`,
    '',
    `  Kind:             ${LEGAL_REQUEST_TYPE_LABELS[r.type]}`,
    `  Issued by:        ${r.authority}`,
    `  Case number:      ${r.caseNumber}`,
    `  Requested by:     ${r.requestingParty}`,
    ...(r.deadline ? [`  Answer due:       ${day(r.deadline)}`] : []),
    ...(c.names.length ? [`  About:            ${c.names.join(', ')}`] : []),
    `  Our reference:    ${r.id}`,
    '',
    'It may ask us to disclose information about you, such as your name, e-mail address, payment',
    'details or IP addresses. We tell you before we produce anything, so that you can object or ask',
    'the court to quash or limit the request. If you intend to do so, reply to this message, quoting',
    `our reference, before the date above${r.deadline ? '' : ' as soon as you can'}, and consider seeking legal advice.`,
    '',
    `${provider}`,
  ].join('\n');
  return {
    dedupeKey: `legal:${r.id}:notice:${c.accountId}`,
    recipientRole: 'owner',
    to: c.email,
    subject: `[${provider}] Legal process about your account: ${r.caseNumber}`,
    body,
    attachments: [],
  };
}

export function productionNoticeMessage(
  provider: string,
  r: LegalRequestFacts,
  c: CustomerFacts,
  p: { id: number; fields: ProductionField[]; producedAt: Date; ipAddresses: string[] },
): OutgoingMessage {
  const body = [
    `Dear ${c.accountName},`,
    '',
    `In answer to the legal process we told you about (${r.authority}, case ${r.caseNumber}, our reference ${r.id}),`,
    `${provider} produced the following information about your account (${c.accountId}) on ${day(p.producedAt)}:`,
    '',
    ...p.fields.map((f) => `  - ${PRODUCTION_FIELD_LABELS[f]}`),
    ...(p.ipAddresses.length ? ['', `IP addresses produced: ${p.ipAddresses.join(', ')}`] : []),
    '',
    `It was produced to: ${r.requestingParty}.`,
    '',
    `${provider}`,
  ].join('\n');
  return {
    dedupeKey: `legal:${r.id}:production:${p.id}:${c.accountId}`,
    recipientRole: 'owner',
    to: c.email,
    subject: `[${provider}] Information produced in answer to ${r.caseNumber}`,
    body,
    attachments: [],
  };
}
