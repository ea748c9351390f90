// The e-mails a notice causes, composed from plain data. Each recipient gets one message per
// notice listing its URLs; long lists go in a CSV attachment so the body stays readable.
import type { Channel, NoticeSubmission } from './notice.ts';
import { DMCA_STATEMENTS } from './notice.ts';
import { KIND_RULES } from './report-kinds.ts';
import { DSA_STATEMENT } from './report-submission.ts';
import { AUTOMATED_MEANS, NOTIFIER_REDRESS_OPTIONS, redressText } from '../dsa/domain/redress.ts';

export interface MessageItem {
  position: number;
  submittedUrl: string;
  url: string | null;
  state: string;
  reason: string | null;
  zone: string | null;
  hostName: string | null;
  hostAsn: number | null;
  hostAbuseEmail: string | null;
  originIps: string[] | null;
}

export interface NoticeFacts {
  id: string;
  createdAt: Date;
  submission: NoticeSubmission;
  statusUrl: string | null;
  /** Filed by a trusted flagger within its expertise (DSA Art. 22): statements of reasons name it as the source. */
  trustedFlagger: boolean;
}

export interface Attachment {
  filename: string;
  contentType: string;
  content: string;
}

export interface OutgoingMessage {
  dedupeKey: string;
  recipientRole: 'reporter' | 'owner' | 'host' | 'user';
  to: string;
  subject: string;
  body: string;
  attachments: Attachment[];
}

export const BODY_URL_LIMIT = 200;

/**
 * Private links are bearer secrets meant for the recipient of one message: a one-time sign-in
 * link (/login/link/<token>) signs in whoever opens it, a private status link
 * (/status/<notice id>.<MAC>) shows a notice's status to whoever holds it, for ever. The mail
 * server gets them; nobody else does — the stored copy of a message loses them once it is sent
 * (or given up), and anything that shows a message's text to staff shows it through this.
 */
export const SIGN_IN_LINK_WITHHELD = '[sign-in link withheld]';
export const STATUS_LINK_WITHHELD = '[private status link withheld]';
const SIGN_IN_LINK = /\/login\/link\/[A-Za-z0-9_-]{16,}/;
const STATUS_LINK = /\/status\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.[A-Za-z0-9_-]{8,}/i;

/** The text with every private link (the whole whitespace-delimited word that holds it) replaced by a placeholder. */
export function withholdPrivateLinks(text: string): string {
  return text.replace(/\S+/g, (word) => (SIGN_IN_LINK.test(word) ? SIGN_IN_LINK_WITHHELD : STATUS_LINK.test(word) ? STATUS_LINK_WITHHELD : word));
}

/** Whether the text holds a private link. */
export function hasPrivateLinks(text: string): boolean {
  return SIGN_IN_LINK.test(text) || STATUS_LINK.test(text);
}

function csvField(v: string | number | null): string {
  // A text cell starting with = + - @ (or tab/CR) is a formula to a spreadsheet (CSV injection):
  // the submitted URLs in the reporter's list are anyone's text, so such cells get a leading '.
  const s = v === null ? '' : typeof v === 'string' && /^[=+\-@\t\r]/.test(v) ? `'${v}` : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
function csv(header: string[], rows: (string | number | null)[][]): string {
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

function listUrls(lines: string[], what: string): { text: string; truncated: boolean } {
  const shown = lines.slice(0, BODY_URL_LIMIT);
  const more = lines.length - shown.length;
  return {
    text: shown.join('\n') + (more > 0 ? `\n… and ${more} more: every ${what} is in the attached CSV file.` : ''),
    truncated: more > 0,
  };
}

/** How a message names the report: "a copyright infringement notice (DMCA, 17 U.S.C. §512)", "a report of phishing or malware under …". */
export function reportPhrase(s: NoticeSubmission): string {
  if (s.kind === 'copyright' && s.regime === 'dmca') return 'a copyright infringement notice (DMCA, 17 U.S.C. §512)';
  const what = s.kind === 'copyright' ? 'a notice of copyright infringement' : `a report of ${KIND_RULES[s.kind].label.toLowerCase()}`;
  return s.regime === 'dsa' ? `${what} under Art. 16 of the EU Digital Services Act` : what;
}

/** "copyright notice", "phishing report", …: what the reporter's own messages call it. */
export function reportNoun(s: NoticeSubmission): string {
  return KIND_RULES[s.kind].noun;
}
const capitalised = (t: string) => t.charAt(0).toUpperCase() + t.slice(1);

/** The reporter's e-mail address, where they gave one (a CSAM report may be anonymous). */
export function reporterEmail(s: NoticeSubmission): string | null {
  return s.claimant?.email ?? null;
}
function greeting(s: NoticeSubmission): string {
  return s.claimant?.name ? `Dear ${s.claimant.name},` : 'Hello,';
}

function claimantBlock(s: NoticeSubmission): string {
  const c = s.claimant;
  if (!c?.name && !c?.email) return 'The reporter did not give their name.';
  return [
    c.name ? `Name: ${c.name}` : null,
    c.company ? `Company: ${c.company}` : null,
    c.email ? `E-mail: ${c.email}` : null,
    c.address ? `Address: ${c.address}` : null,
    c.phone ? `Phone: ${c.phone}` : null,
    c.country ? `Country: ${c.country}` : null,
  ]
    .filter((l) => l !== null)
    .join('\n');
}

/** What is reported, in the kind's own terms (the work, the mark, the request, the explanation). */
function reportBlock(s: NoticeSubmission): string {
  const parts: string[] = [];
  switch (s.kind) {
    case 'copyright': {
      const urls = s.work.urls?.length ? `\nOriginal work can be seen at:\n${s.work.urls.join('\n')}` : '';
      const owner = s.work.owner ? `\nCopyright owner: ${s.work.owner}` : '';
      parts.push(`Copyrighted work:\n${s.work.description}${owner}${urls}`);
      break;
    }
    case 'trademark':
      parts.push(`Trademark:\n${s.trademark.symbol}, registration ${s.trademark.number} (${s.trademark.office})`);
      break;
    case 'phishing':
      if (s.impersonated) parts.push(`Imitates: ${s.impersonated}`);
      break;
    case 'whois':
      parts.push(
        `Request: ${s.whois_request.request_type === 'disclosure' ? 'disclosure of registration data' : 'false WHOIS data'}\nLegal basis: ${s.whois_request.legal_basis}\nData requested: ${s.whois_request.requested_data.join(', ')}`,
      );
      break;
    case 'general':
      if (s.network?.source_ips?.length) parts.push(`Source IPs: ${s.network.source_ips.join(', ')}`);
      if (s.network?.destination_ips?.length) parts.push(`Destination IPs: ${s.network.destination_ips.join(', ')}`);
      if (s.network?.ports_protocols?.length) parts.push(`Ports and protocols: ${s.network.ports_protocols.join(', ')}`);
      break;
    case 'ncsei':
      parts.push(s.subject_representation ? 'The reporter is the person shown.' : 'The reporter acts for the person shown.');
      break;
    default:
      break;
  }
  if (s.explanation) parts.push(`${s.kind === 'copyright' ? 'Explanation' : 'The report'}:\n${s.explanation}`);
  return parts.join('\n\n');
}

function statementsBlock(s: NoticeSubmission, anonymous = false): string {
  if (s.kind === 'copyright' && s.regime === 'dmca') {
    return [
      `The complainant affirmed:`,
      `- ${DMCA_STATEMENTS.good_faith_belief}`,
      `- ${DMCA_STATEMENTS.accuracy_and_authority}`,
      anonymous ? `Signed (name withheld at the complainant's request)` : `Signed: ${s.signature}`,
    ].join('\n');
  }
  if (s.regime === 'dsa') return `The notifier affirmed:\n- ${DSA_STATEMENT}`;
  return '';
}

/** What the owner can do about the report: a counter notice for DMCA notices, a reply otherwise. */
function answerBlock(s: NoticeSubmission): string {
  if (s.kind === 'copyright' && s.regime === 'dmca') {
    return 'If you believe the material was reported by mistake or misidentification, you may answer with a counter notice under 17 U.S.C. §512(g)(3). Reply to this message quoting the notice number.';
  }
  return 'If you believe the report is mistaken, reply to this message quoting the notice number and say why.';
}

export function ownerMessage(
  provider: string,
  notice: NoticeFacts,
  account: { id: string; name: string; email: string },
  items: MessageItem[],
): OutgoingMessage {
  const urls = listUrls(
    items.map((i) => i.url ?? i.submittedUrl),
    'URL',
  );
  const body = `Dear ${account.name},

${provider} received ${reportPhrase(notice.submission)} about ${items.length === 1 ? 'a URL' : `${items.length} URLs`} on your site${new Set(items.map((i) => i.zone)).size > 1 ? 's' : ''}. Please review it and remove the material if the complaint is valid.

Notice: ${notice.id} (received ${notice.createdAt.toISOString()})

Reported URLs:
${urls.text}

${reportBlock(notice.submission)}

Complainant:
${notice.submission.notify.owner === 'send-anon' ? 'The reporter asked that their identity not be passed on.' : claimantBlock(notice.submission)}

${statementsBlock(notice.submission, notice.submission.notify.owner === 'send-anon')}
${notice.submission.comments ? `\nComments from the complainant:\n${notice.submission.comments}\n` : ''}
${answerBlock(notice.submission)}
`;
  return {
    dedupeKey: `notice:${notice.id}:owner:${account.id}`,
    recipientRole: 'owner',
    to: account.email,
    subject: `[${provider}] ${capitalised(reportNoun(notice.submission))} ${notice.id} about ${items.length} URL${items.length === 1 ? '' : 's'} on your site`,
    body,
    attachments: urls.truncated
      ? [
          {
            filename: `notice-${notice.id}-urls.csv`,
            contentType: 'text/csv',
            content: csv(
              ['url', 'zone'],
              items.map((i) => [i.url, i.zone]),
            ),
          },
        ]
      : [],
  };
}

export function hostMessage(
  provider: string,
  notice: NoticeFacts,
  host: { name: string; abuseEmail: string },
  items: MessageItem[],
  anonymous: boolean,
): OutgoingMessage {
  const urls = listUrls(
    items.map((i) => `${i.url ?? i.submittedUrl}  (origin ${(i.originIps ?? []).join(', ') || 'unknown'})`),
    'URL',
  );
  const who = anonymous
    ? 'The complainant asked that their identity not be passed on to the hosting provider. Contact the site owner or reply to this message if you need more.'
    : claimantBlock(notice.submission);
  const body = `To the abuse team of ${host.name},

${provider} is a reverse proxy for the site(s) below; the content is served from origin servers on your network. ${provider} received ${reportPhrase(notice.submission)} about ${items.length === 1 ? 'this URL' : `these ${items.length} URLs`} and has forwarded it to its customer. We pass it on so that you can act as your own policy requires.

Notice: ${notice.id} (received ${notice.createdAt.toISOString()})

Reported URLs and the origin address each is served from:
${urls.text}

${reportBlock(notice.submission)}

Complainant:
${who}

${statementsBlock(notice.submission, anonymous)}
`;
  return {
    dedupeKey: `notice:${notice.id}:host:${host.abuseEmail.toLowerCase()}`,
    recipientRole: 'host',
    to: host.abuseEmail,
    subject: `[${provider}] ${capitalised(reportNoun(notice.submission))} ${notice.id}: ${items.length} URL${items.length === 1 ? '' : 's'} served from your network`,
    body,
    attachments: urls.truncated
      ? [
          {
            filename: `notice-${notice.id}-urls.csv`,
            contentType: 'text/csv',
            content: csv(
              ['url', 'origin_ips'],
              items.map((i) => [i.url, (i.originIps ?? []).join(' ')]),
            ),
          },
        ]
      : [],
  };
}

const OUTCOME: Record<string, string> = {
  forwarded: 'forwarded to the site owner',
  pending_review: 'content hosted by us: under review',
  not_on_network: 'not on our network',
  invalid: 'not a valid URL',
  content_disabled: 'content disabled',
  rejected: 'rejected',
  received: 'being processed',
  restored: 'restored after a counter notice',
  retracted: 'retracted by the complainant',
};

export function describeOutcome(i: MessageItem): string {
  const parts = [OUTCOME[i.state] ?? i.state];
  if (i.hostName)
    parts.push(`hosting provider: ${i.hostName}${i.hostAsn ? ` (AS${i.hostAsn})` : ''}${i.hostAbuseEmail ? `, abuse contact ${i.hostAbuseEmail}` : ''}`);
  if (i.reason && (i.state === 'invalid' || i.state === 'rejected')) parts.push(i.reason);
  return parts.join('; ');
}

/**
 * What a notifier under the DSA can do against the decision on its notice (Art. 16(5)); other
 * regimes say nothing here (a DMCA notice's remedy is the court, not a complaint).
 */
export function notifierRedress(s: NoticeSubmission): string {
  return s.regime === 'dsa' ? `\nIf you disagree with our decision, your options for redress:\n${redressText(NOTIFIER_REDRESS_OPTIONS)}\n` : '';
}

/** The reporter's summary once every URL is processed; null when they gave no address. */
export function reporterAcknowledgement(provider: string, notice: NoticeFacts, items: MessageItem[]): OutgoingMessage | null {
  const to = reporterEmail(notice.submission);
  if (!to) return null;
  const counts = new Map<string, number>();
  for (const i of items) counts.set(i.state, (counts.get(i.state) ?? 0) + 1);
  const summary = [...counts.entries()].map(([s, n]) => `  ${OUTCOME[s] ?? s}: ${n}`).join('\n');
  const lines = listUrls(
    items.map((i) => `${i.submittedUrl}\n    → ${describeOutcome(i)}`),
    'URL and its outcome',
  );
  const body = `${greeting(notice.submission)}

${provider} received your ${reportNoun(notice.submission)} ${notice.id} on ${notice.createdAt.toISOString()} and processed all ${items.length} URL${items.length === 1 ? '' : 's'}.

Summary:
${summary}

${notice.statusUrl ? `Follow every URL's status at any time: ${notice.statusUrl}\n\n` : ''}Outcome for each URL:
${lines.text}
${notifierRedress(notice.submission)}`;
  return {
    dedupeKey: `notice:${notice.id}:reporter-ack`,
    recipientRole: 'reporter',
    to,
    subject: `[${provider}] Your ${reportNoun(notice.submission)} ${notice.id}: ${items.length} URL${items.length === 1 ? '' : 's'} processed`,
    body,
    attachments: lines.truncated
      ? [
          {
            filename: `notice-${notice.id}-outcomes.csv`,
            contentType: 'text/csv',
            content: csv(
              ['position', 'submitted_url', 'url', 'state', 'zone', 'hosting_provider', 'asn', 'abuse_contact', 'reason'],
              items.map((i) => [i.position, i.submittedUrl, i.url, i.state, i.zone, i.hostName, i.hostAsn, i.hostAbuseEmail, i.reason]),
            ),
          },
        ]
      : [],
  };
}

/**
 * Whether the reporter is mailed a receipt: always for a DSA notice (Art. 16(4) asks for a
 * confirmation without undue delay, whatever the channel); for others only where the channel gave
 * no answer of its own (a web form's page can be closed, a mail has no reply) — an API client has
 * its 201 with the notice's number.
 */
export function receiptWanted(channel: Channel, regime: NoticeSubmission['regime']): boolean {
  return regime === 'dsa' || channel === 'web' || channel === 'email';
}

/** The confirmation of receipt (DSA Art. 16(4)): the notice's number and private status link; null when the reporter gave no address. */
export function receiptMessage(provider: string, notice: NoticeFacts & { itemCount: number }): OutgoingMessage | null {
  const to = reporterEmail(notice.submission);
  if (!to) return null;
  return {
    dedupeKey: `notice:${notice.id}:reporter-receipt`,
    recipientRole: 'reporter',
    to,
    subject: `[${provider}] We received your ${reportNoun(notice.submission)} ${notice.id}`,
    body: `${greeting(notice.submission)}

${provider} received your ${reportNoun(notice.submission)} ${notice.id} on ${notice.createdAt.toISOString()} about ${notice.itemCount} URL${notice.itemCount === 1 ? '' : 's'}.

Follow what happens to every URL at your private status link (anyone with the link can see the page, so keep it to yourself):
${notice.statusUrl ?? '(no link available)'}

You will receive another message when every URL has been processed.
${
  notice.submission.regime === 'dsa'
    ? `
This confirms receipt of your notice under Art. 16(4) of the EU Digital Services Act. We decide on it in a timely, diligent, non-arbitrary and objective manner, and tell you the decision and how you can seek redress against it.
${AUTOMATED_MEANS}
`
    : ''
}`,
    attachments: [],
  };
}
