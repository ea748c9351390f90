// The statement of reasons as the affected customer reads it (DSA Art. 17(3)): in the mail that
// tells them of the restriction when there is one, else in a mail of its own. One text for both.
import type { OutgoingMessage } from '../../domain/messages.ts';
import type { Restriction, StatementOfReasons } from './statement-of-reasons.ts';

export interface IssuedStatement {
  id: string;
  noticeId: string | null;
  restriction: Restriction;
  sor: StatementOfReasons;
}

const HEADINGS: Record<Restriction, string> = {
  content_disabled: 'Content disabled',
  service_suspended: 'Service suspended',
  service_terminated: 'Service terminated',
};

/** The statement's text block; `link` is where the customer reads (and can download) it. */
export function statementText(s: IssuedStatement, link: string): string {
  const { plain, statement } = s.sor;
  const endsOn = statement.end_date_visibility_restriction ?? statement.end_date_service_restriction;
  return `STATEMENT OF REASONS (EU Digital Services Act, Art. 17) — ${s.sor.statement.puid}

What we decided and the facts: ${plain.facts}
${endsOn ? `The restriction ends on ${endsOn}.\n` : ''}Ground: ${plain.ground}
Decided: ${statement.automated_decision === 'AUTOMATED_DECISION_FULLY' ? 'automatically, by policy' : 'by a person on our staff'}; the content was ${statement.automated_detection === 'No' ? 'not detected by automated means (it was reported to us)' : 'detected by automated means'}.

Your options for redress:
${plain.redress.map((r) => `- ${r}`).join('\n')}

This statement: ${link}
`;
}

/** A statement mailed on its own, when no other mail of the same step tells the customer. */
export function statementMessage(provider: string, s: IssuedStatement, account: { id: string; name: string; email: string }, link: string): OutgoingMessage {
  return {
    dedupeKey: `statement:${s.id}`,
    recipientRole: 'owner',
    to: account.email,
    subject: `[${provider}] ${HEADINGS[s.restriction]}: statement of reasons ${s.sor.statement.puid}`,
    body: `Dear ${account.name},\n\n${statementText(s, link)}`,
    attachments: [],
  };
}
