/**
 * The statement of reasons (DSA Art. 17) for one restriction decision, in the vocabulary of the
 * Commission's Transparency Database (schema v2 submission fields), plus the plain words the
 * affected customer is owed under Art. 17(3): the facts, the ground and the ways to seek redress.
 * Hosting providers owe the customer a statement either way; the same fields serve a submission
 * (Art. 24(5)) should the service ever be an online platform, so there is one shape, not two.
 */
import { KIND_RULES, type LegalRegime, type ReportKind } from '../../domain/report-kinds.ts';
import { REDRESS_OPTIONS } from './redress.ts';

/** What was restricted: content behind URLs, or the service (zone/account) itself. */
export type Restriction = 'content_disabled' | 'service_suspended' | 'service_terminated';

export interface RestrictionDecision {
  /** The stored statement's id; the puid is derived from it (unique by construction). */
  id: string;
  /** The notice decided; null for a restriction of the whole service (termination, Art. 23 suspension). */
  noticeId: string | null;
  /** Why the service was restricted, when no single notice was (e.g. "under our repeat-infringer policy"). */
  cause?: string;
  kind: ReportKind;
  regime: LegalRegime;
  restriction: Restriction;
  /** The URLs disabled, or the sites (zones) whose service was restricted. */
  urls: readonly string[];
  /** Why the desk decided: the reviewer's reason, else what the notice explained. */
  explanation: string;
  /** The organisation the notifier acts for; a private individual's name is never used. */
  notifierCompany: string | null;
  /**
   * Hook for DSA Art. 22: true when the notifier is a trusted flagger awarded by a Digital
   * Services Coordinator. The trusted-flaggers module sets it; until then callers pass false.
   */
  trustedFlagger: boolean;
  /** Restricted by policy without a person deciding (CSAM at receipt, automatic takedown). */
  byPolicy: boolean;
  /** When the content was reported (the first date the provider knew of it). */
  contentDate: Date;
  appliedAt: Date;
  /** When the restriction ends, if it is known to end (e.g. a scheduled restore). */
  endsAt: Date | null;
  /** Where the restriction applies; a CDN disables a URL everywhere, so the whole EEA by default. */
  territorialScope?: readonly string[];
}

export const EEA_COUNTRIES = [
  'AT',
  'BE',
  'BG',
  'CY',
  'CZ',
  'DE',
  'DK',
  'EE',
  'ES',
  'FI',
  'FR',
  'GR',
  'HR',
  'HU',
  'IE',
  'IS',
  'IT',
  'LI',
  'LT',
  'LU',
  'LV',
  'MT',
  'NL',
  'NO',
  'PL',
  'PT',
  'RO',
  'SE',
  'SI',
  'SK',
] as const;

/** The Transparency Database's submission, with the fields this desk fills. */
export interface TransparencyStatement {
  decision_visibility?: ['DECISION_VISIBILITY_CONTENT_DISABLED'];
  end_date_visibility_restriction?: string;
  decision_provision?: 'DECISION_PROVISION_TOTAL_SUSPENSION' | 'DECISION_PROVISION_TOTAL_TERMINATION';
  end_date_service_restriction?: string;
  decision_ground: 'DECISION_GROUND_ILLEGAL_CONTENT' | 'DECISION_GROUND_INCOMPATIBLE_CONTENT';
  decision_ground_reference_url?: string;
  illegal_content_legal_ground?: string;
  illegal_content_explanation?: string;
  incompatible_content_ground?: string;
  incompatible_content_explanation?: string;
  category: string;
  category_specification: string[];
  content_type: ['CONTENT_TYPE_OTHER'];
  content_type_other: string;
  content_date: string;
  application_date: string;
  territorial_scope: string[];
  decision_facts: string;
  source_type: 'SOURCE_ARTICLE_16' | 'SOURCE_TRUSTED_FLAGGER' | 'SOURCE_TYPE_OTHER_NOTIFICATION';
  source_identity: string;
  automated_detection: 'No';
  automated_decision: 'AUTOMATED_DECISION_FULLY' | 'AUTOMATED_DECISION_NOT_AUTOMATED';
  puid: string;
}

/** Art. 17(3) in the customer's words. */
export interface PlainReasons {
  facts: string;
  ground: string;
  redress: string[];
}

export interface StatementOfReasons {
  statement: TransparencyStatement;
  plain: PlainReasons;
}

export { REDRESS_OPTIONS };

const LIMITS = { legalGround: 500, explanation: 2000, facts: 5000, identity: 500 } as const;

const clip = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);
const ymd = (d: Date) => d.toISOString().slice(0, 10);

/** The puid: the Transparency Database takes `^[a-zA-Z0-9-_]+$`, unique per statement. */
export const puidOf = (id: string) => `sor-${id.replace(/[^a-zA-Z0-9-_]/g, '')}`;

function restrictionWords(d: RestrictionDecision): string {
  switch (d.restriction) {
    case 'content_disabled':
      return d.urls.length === 1 ? 'Access to the reported URL was disabled' : `Access to ${d.urls.length} reported URLs was disabled`;
    case 'service_suspended':
      return d.urls.length ? `The service for ${d.urls.join(', ')} was suspended` : 'The service was suspended';
    case 'service_terminated':
      return d.urls.length ? `The service for ${d.urls.join(', ')} was terminated` : 'The service was terminated';
  }
}

function sourceType(d: RestrictionDecision): TransparencyStatement['source_type'] {
  if (d.trustedFlagger) return 'SOURCE_TRUSTED_FLAGGER';
  return d.regime === 'dsa' ? 'SOURCE_ARTICLE_16' : 'SOURCE_TYPE_OTHER_NOTIFICATION';
}

/** The statement for one decision: pure, deterministic for the same decision. */
export function statementOfReasons(d: RestrictionDecision): StatementOfReasons {
  const rules = KIND_RULES[d.kind];
  const illegal = d.regime === 'dsa' || d.regime === 'dmca';
  const legalGround = clip(
    d.regime === 'dmca' ? `17 U.S.C. § 512(c) (notice and takedown of infringing material). ${rules.dsa.legalGround}` : rules.dsa.legalGround,
    LIMITS.legalGround,
  );
  const termsGround = clip(`Acceptable use policy: ${rules.label}`, LIMITS.legalGround);
  const explanation = clip(
    d.explanation.trim() ||
      (d.byPolicy
        ? `The content was reported as ${rules.label.toLowerCase()}; reports of this kind are acted on at once, by policy, and then reviewed by staff.`
        : `The content was reported as ${rules.label.toLowerCase()} and found to be so on review.`),
    LIMITS.explanation,
  );
  const how = d.byPolicy ? 'by policy, on receipt of the report, without a person deciding' : 'after review by our abuse desk';
  const basis = d.noticeId
    ? `in answer to a ${rules.noun} received on ${ymd(d.contentDate)} (reference ${d.noticeId})`
    : (d.cause ?? 'under our terms of service');
  const facts = clip(`${restrictionWords(d)} ${how}, ${basis}.` + (d.restriction === 'content_disabled' ? ` URLs: ${d.urls.join(' ')}` : ''), LIMITS.facts);
  const statement: TransparencyStatement = {
    ...(d.restriction === 'content_disabled'
      ? { decision_visibility: ['DECISION_VISIBILITY_CONTENT_DISABLED'], ...(d.endsAt ? { end_date_visibility_restriction: ymd(d.endsAt) } : {}) }
      : {
          decision_provision: d.restriction === 'service_suspended' ? 'DECISION_PROVISION_TOTAL_SUSPENSION' : 'DECISION_PROVISION_TOTAL_TERMINATION',
          ...(d.endsAt ? { end_date_service_restriction: ymd(d.endsAt) } : {}),
        }),
    decision_ground: illegal ? 'DECISION_GROUND_ILLEGAL_CONTENT' : 'DECISION_GROUND_INCOMPATIBLE_CONTENT',
    ...(illegal
      ? { illegal_content_legal_ground: legalGround, illegal_content_explanation: explanation }
      : { incompatible_content_ground: termsGround, incompatible_content_explanation: explanation }),
    category: rules.dsa.category,
    category_specification: [rules.dsa.keyword],
    content_type: ['CONTENT_TYPE_OTHER'],
    content_type_other: 'Web content served through the CDN or hosting service',
    content_date: ymd(d.contentDate),
    application_date: ymd(d.appliedAt),
    territorial_scope: [...(d.territorialScope ?? EEA_COUNTRIES)],
    decision_facts: facts,
    source_type: sourceType(d),
    // No personal data of private individuals: an organisation's name, or nothing said.
    source_identity: clip(d.notifierCompany?.trim() || 'withheld', LIMITS.identity),
    automated_detection: 'No',
    automated_decision: d.byPolicy ? 'AUTOMATED_DECISION_FULLY' : 'AUTOMATED_DECISION_NOT_AUTOMATED',
    puid: puidOf(d.id),
  };
  return {
    statement,
    plain: {
      facts,
      ground: illegal ? `${legalGround}. ${explanation}` : `${termsGround}. ${explanation}`,
      redress: [...REDRESS_OPTIONS],
    },
  };
}
