// The e-mails of the misuse policy (DSA Art. 23): the party is told of a warning, a suspension
// or its end — the facts, the counts the decision rests on, the period, the policy and how to
// seek redress (redress.ts). Pure composers; services/misuse-measures.ts queues them.
import type { OutgoingMessage } from '../../domain/messages.ts';
import { NOTIFIER_REDRESS_OPTIONS, REDRESS_OPTIONS, redressText } from './redress.ts';
import type { MisuseCounts, PartyType } from './misuse-policy.ts';

export interface MisuseParty {
  type: PartyType;
  /** The principal's or the account's id. */
  id: string;
  name: string | null;
  email: string;
}

export interface MisuseMailFacts {
  provider: string;
  party: MisuseParty;
  /** The recorded measure's id: one mail per measure. */
  measureId: string;
  reason: string;
  counts: MisuseCounts | null;
  /** The counting period's start. */
  since: Date | null;
  policyUrl: string;
}

const day = (d: Date) => d.toISOString().slice(0, 10);
const stamp = (d: Date) => `${d.toISOString().replace('T', ' ').slice(0, 16)} UTC`;

/** What the counts were, in the words of the party concerned. */
export function countsText(type: PartyType, counts: MisuseCounts | null, since: Date | null): string {
  if (!counts) return '';
  const period = since ? ` since ${day(since)}` : '';
  const pct = counts.decided ? ` (${Math.round((counts.flagged / counts.decided) * 100)}% of the ${counts.decided} we decided on)` : '';
  return type === 'notifier'
    ? `${counts.notices !== undefined ? `Notices you filed${period}: ${counts.notices}. ` : ''}URLs in your notices that we rejected as manifestly unfounded${period}: ${counts.flagged}${pct}.`
    : `Content of your account that we disabled as manifestly illegal${period}: ${counts.flagged} item${counts.flagged === 1 ? '' : 's'}${pct}.`;
}

const greeting = (p: MisuseParty) => `Dear ${p.name?.trim() || p.email},`;
const redress = (p: MisuseParty) => redressText(p.type === 'customer' ? REDRESS_OPTIONS : NOTIFIER_REDRESS_OPTIONS);
const what = (p: MisuseParty) => (p.type === 'customer' ? `your account ${p.id}` : 'the notices you send us');

export function warningMessage(f: MisuseMailFacts): OutgoingMessage {
  const consequence =
    f.party.type === 'customer'
      ? 'If more content of your account is found manifestly illegal, we may suspend every service of the account — all of its sites — for a period.'
      : 'If more of your notices are found manifestly unfounded, we may stop processing notices from you for a period.';
  return {
    dedupeKey: `misuse:${f.measureId}:warning`,
    recipientRole: f.party.type === 'customer' ? 'owner' : 'reporter',
    to: f.party.email,
    subject: `[${f.provider}] Warning about ${what(f.party)} (EU Digital Services Act, Art. 23)`,
    body: `${greeting(f.party)}

This is a formal warning under our policy on misuse (EU Digital Services Act, Art. 23).

Reason: ${f.reason}
${countsText(f.party.type, f.counts, f.since)}

${consequence} Each case is decided by a person on our staff.

The policy: ${f.policyUrl}

If you disagree with this warning, your options:
${redress(f.party)}
`,
    attachments: [],
  };
}

export function suspensionMessage(
  f: MisuseMailFacts & {
    endsAt: Date;
    zones?: readonly string[];
    /** The statement of reasons (DSA Art. 17) of a customer's suspension, as statement-messages.ts words it. */
    statement?: string | null;
  },
): OutgoingMessage {
  const scope =
    f.party.type === 'customer'
      ? `Every site of the account is not served until then:\n${(f.zones ?? []).slice(0, 200).join('\n')}${(f.zones?.length ?? 0) > 200 ? `\n… and ${f.zones!.length - 200} more.` : ''}`
      : 'Until then we do not accept notices from you through any channel (API, web form or e-mail). Notices already filed are processed as usual.';
  return {
    dedupeKey: `misuse:${f.measureId}:suspension`,
    recipientRole: f.party.type === 'customer' ? 'owner' : 'reporter',
    to: f.party.email,
    subject: `[${f.provider}] ${f.party.type === 'customer' ? `Your account ${f.party.id} is suspended` : 'We have suspended the processing of your notices'} until ${day(f.endsAt)}`,
    body: `${greeting(f.party)}

After the warning we gave you, we have suspended ${f.party.type === 'customer' ? `the service of your account ${f.party.id}` : 'the processing of your notices'} under our policy on misuse (EU Digital Services Act, Art. 23), until ${stamp(f.endsAt)}.

Reason: ${f.reason}
${countsText(f.party.type, f.counts, f.since)}

${scope}

The suspension ends by itself at that time. The policy: ${f.policyUrl}
${f.statement ? `\n${f.statement}` : `\nIf you disagree with this suspension, your options:\n${redress(f.party)}\n`}`,
    attachments: [],
  };
}

export function suspensionEndedMessage(f: Omit<MisuseMailFacts, 'counts' | 'since'> & { early: boolean }): OutgoingMessage {
  return {
    dedupeKey: `misuse:${f.measureId}:ended`,
    recipientRole: f.party.type === 'customer' ? 'owner' : 'reporter',
    to: f.party.email,
    subject: `[${f.provider}] ${f.party.type === 'customer' ? `The suspension of your account ${f.party.id} has ended` : 'We accept your notices again'}`,
    body: `${greeting(f.party)}

The suspension of ${f.party.type === 'customer' ? `the service of your account ${f.party.id}` : 'the processing of your notices'} has ${f.early ? 'been lifted early' : 'ended'}${
      f.party.type === 'customer' ? '; its sites are served again' : '; you may send notices again'
    }.
${f.early ? `\nReason: ${f.reason}\n` : ''}
The policy: ${f.policyUrl}
`,
    attachments: [],
  };
}

/** The reply to a notice sent by mail while its sender is suspended as a notifier. */
export function refusedByMailMessage(provider: string, inboundId: number, to: string, subject: string | null, refusal: string): OutgoingMessage {
  return {
    dedupeKey: `inbound:${inboundId}:refused`,
    recipientRole: 'user',
    to,
    subject: `[${provider}] Your notice was not accepted${subject ? `: ${subject.slice(0, 150)}` : ''}`,
    body: `${refusal}

Your options, if you disagree:
${redressText(NOTIFIER_REDRESS_OPTIONS)}
`,
    attachments: [],
  };
}

/** Why a suspended notifier's notice is refused: the reason and the end, in every channel. */
export function refusalText(provider: string, reason: string, endsAt: Date): string {
  return `${provider} has suspended the processing of notices from you until ${stamp(endsAt)} under its policy on misuse (EU Digital Services Act, Art. 23(2)): ${reason}`;
}
