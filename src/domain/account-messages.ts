// The e-mails of the repeat-infringer policy: the customer is told its account was terminated
// (and why, and what that ends), or reinstated.
import type { OutgoingMessage } from './messages.ts';

export function terminationMessage(
  provider: string,
  account: { id: string; name: string; email: string },
  reason: string,
  zones: readonly string[],
  policyUrl: string,
  stepId: string,
  /** The statement of reasons (DSA Art. 17), as statement-messages.ts words it. */
  statement: string | null = null,
): OutgoingMessage {
  return {
    dedupeKey: `account:${account.id}:terminated:${stepId}`,
    recipientRole: 'owner',
    to: account.email,
    subject: `[${provider}] Your account ${account.id} has been terminated`,
    body: `Dear ${account.name},

${provider} has terminated your account ${account.id} under its repeat infringer policy (17 U.S.C. §512(i)).

Reason: ${reason}

Every service of the account has ended: hosting, proxying and DNS for ${zones.length === 1 ? 'this zone' : `these ${zones.length} zones`}:
${zones.slice(0, 200).join('\n')}${zones.length > 200 ? `\n… and ${zones.length - 200} more.` : ''}

A terminated customer may not open a new account. The policy: ${policyUrl}
${statement ? `\n${statement}` : ''}`,
    attachments: [],
  };
}

export function reinstatementMessage(provider: string, account: { id: string; name: string; email: string }, reason: string, stepId: string): OutgoingMessage {
  return {
    dedupeKey: `account:${account.id}:reinstated:${stepId}`,
    recipientRole: 'owner',
    to: account.email,
    subject: `[${provider}] Your account ${account.id} has been reinstated`,
    body: `Dear ${account.name},

${provider} has reinstated your account ${account.id}; its zones are served again.

Reason: ${reason}
`,
    attachments: [],
  };
}
