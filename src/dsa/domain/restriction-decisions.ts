// Which statements of reasons a step owes (pure): one per affected customer and restriction, with
// an id derived from the step, so that running the step again owes the same statements, not new ones.
import { createHash } from 'node:crypto';
import type { NoticeFacts } from '../../domain/messages.ts';
import type { NoticeSubmission } from '../../domain/notice.ts';
import { KIND_RULES, type ReportKind } from '../../domain/report-kinds.ts';
import type { Restriction, RestrictionDecision } from './statement-of-reasons.ts';

/** A deterministic UUID (RFC 4122 layout, version 8: vendor-defined) for the step's statement to one account. */
export function statementId(stepId: string, accountId: string | null, restriction: Restriction): string {
  const h = createHash('sha256')
    .update(`${stepId}\0${accountId ?? ''}\0${restriction}`)
    .digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** What the notifier explained, as the ground of a restriction that staff did not word themselves. */
export function reportedExplanation(s: NoticeSubmission): string {
  if (s.explanation?.trim()) return s.explanation.trim();
  if (s.kind === 'copyright') return `The material reproduces the copyrighted work identified in the notice: ${s.work.description}`;
  return '';
}

export interface RestrictedGroup {
  accountId: string | null;
  urls: string[];
}

/** The content restrictions of one step over one notice, per customer. */
export function contentDecisions(
  notice: NoticeFacts,
  step: { stepId: string; byPolicy: boolean; at: Date; explanation?: string | null },
  groups: readonly RestrictedGroup[],
): (RestrictionDecision & { accountId: string | null })[] {
  const s = notice.submission;
  // A report that is never passed on (child sexual abuse material) is not quoted to the customer
  // either, nor its reporter named: the statement gives the kind and the policy, not the report.
  const passedOn = KIND_RULES[s.kind].forwardsReport;
  return groups
    .filter((g) => g.urls.length)
    .map((g) => ({
      id: statementId(step.stepId, g.accountId, 'content_disabled'),
      accountId: g.accountId,
      noticeId: notice.id,
      kind: s.kind,
      regime: s.regime,
      restriction: 'content_disabled' as const,
      urls: g.urls,
      explanation: step.explanation?.trim() || (passedOn ? reportedExplanation(s) : ''),
      notifierCompany: passedOn ? (s.claimant?.company ?? null) : null,
      trustedFlagger: notice.trustedFlagger,
      byPolicy: step.byPolicy,
      contentDate: notice.createdAt,
      appliedAt: step.at,
      endsAt: null,
    }));
}

/** Groups a step's newly disabled items by the customer they belong to, in the order seen. */
export function groupByAccount(items: readonly { accountId: string | null; url: string }[]): RestrictedGroup[] {
  const by = new Map<string | null, string[]>();
  for (const i of items) {
    const list = by.get(i.accountId);
    if (list) list.push(i.url);
    else by.set(i.accountId, [i.url]);
  }
  return [...by].map(([accountId, urls]) => ({ accountId, urls }));
}

/** A restriction of a customer's whole service (termination; suspension under DSA Art. 23). */
export function serviceDecision(d: {
  stepId: string;
  accountId: string;
  restriction: 'service_suspended' | 'service_terminated';
  zones: readonly string[];
  /** Staff's reason, as recorded and told to the customer. */
  explanation: string;
  /** The policy applied, e.g. "under our repeat-infringer policy (17 U.S.C. § 512(i))". */
  cause: string;
  kind: ReportKind;
  at: Date;
  endsAt: Date | null;
}): RestrictionDecision & { accountId: string } {
  return {
    id: statementId(d.stepId, d.accountId, d.restriction),
    accountId: d.accountId,
    noticeId: null,
    cause: d.cause,
    kind: d.kind,
    // A decision under the provider's own policy: the terms are its ground.
    regime: 'terms',
    restriction: d.restriction,
    urls: [...d.zones],
    explanation: d.explanation,
    notifierCompany: null,
    trustedFlagger: false,
    byPolicy: false,
    contentDate: d.at,
    appliedAt: d.at,
    endsAt: d.endsAt,
  };
}
