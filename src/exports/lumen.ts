/**
 * A notice as a record of Lumen's notice submission format (berkmancenter/lumendatabase,
 * `POST /notices`; src/exports/lumen-schema.json is that format as JSON Schema). Pure: the notice,
 * its items and its counter notices come in as plain data, the record goes out.
 *
 * What a record carries is what Lumen publishes, so it is written for a public archive: the
 * claimant's e-mail address and telephone number are left out (Lumen would redact them anyway);
 * for kinds whose report may not be published (report-kinds.ts `publishable`: intimate imagery,
 * WHOIS requests) the sender is withheld and the explanation too, since either can name the person
 * the report is about; child sexual abuse material is never exported, and the result says so.
 */
import { KIND_RULES, type LegalRegime, type LumenNoticeType, type ReportKind } from '../domain/report-kinds.ts';
import type { Channel } from '../domain/notice.ts';
import type { ItemState } from '../domain/item-state.ts';
import type { ReportSubmission } from '../domain/report-submission.ts';
import { COUNTER_NOTICE_REASONS, type CounterNotice } from '../domain/counter-notice.ts';

export const LUMEN_ACTIONS = ['Yes', 'No', 'Partial', 'Unspecified'] as const;
export type LumenAction = (typeof LUMEN_ACTIONS)[number];

export const LUMEN_ROLES = ['principal', 'agent', 'attorney', 'recipient', 'sender', 'submitter', 'target', 'issuing_court', 'plaintiff', 'defendant'] as const;
export type LumenRole = (typeof LUMEN_ROLES)[number];

export interface LumenEntity {
  name: string;
  kind: 'organization' | 'individual';
  address_line_1?: string;
  city?: string;
  state?: string;
  zip?: string;
  country_code?: string;
  phone?: string;
  email?: string;
  url?: string;
}

export interface LumenWork {
  description: string;
  kind?: string;
  copyrighted_urls_attributes: { url: string }[];
  infringing_urls_attributes: { url: string }[];
}

/** One record of Lumen's submission format (the `notice` object of POST /notices). */
export interface LumenNotice {
  type: LumenNoticeType;
  title: string;
  subject?: string;
  body?: string;
  date_sent: string;
  date_received: string;
  source: string;
  tag_list?: string;
  jurisdiction_list?: string;
  regulation_list?: string;
  language: string;
  action_taken: LumenAction;
  request_type?: string;
  counternotice_for_id?: number;
  case_id_number?: string;
  works_attributes: LumenWork[];
  entity_notice_roles_attributes: { name: LumenRole; entity_attributes: LumenEntity }[];
}

export interface LumenItem {
  /** The normalised URL; null for an entry that is not a URL we could act on (left out of the record). */
  url: string | null;
  state: ItemState;
}

export interface LumenCounterNotice {
  id: string;
  receivedAt: Date;
  body: CounterNotice;
}

/** A notice as the export reads it from the store. */
export interface LumenSource {
  id: string;
  kind: ReportKind;
  regime: LegalRegime;
  channel: Channel;
  submission: ReportSubmission;
  receivedAt: Date;
  items: readonly LumenItem[];
  counterNotices: readonly LumenCounterNotice[];
}

export type LumenExport =
  | { notice_id: string; kind: ReportKind; exported: true; notice: LumenNotice; counter_notices: LumenNotice[] }
  | { notice_id: string; kind: ReportKind; exported: false; reason: string };

export const NOT_EXPORTED_CSAM =
  'child sexual abuse material notices are never exported to Lumen: a public record of the URLs would lead people to the material; they go to the hotline (NCMEC or the national hotline) only';

/** Content we took down for the notice, at some point (restored content was taken down first). */
const ACTED: ReadonlySet<ItemState> = new Set(['content_disabled', 'restored']);
/** Not decided yet: the record cannot say what was done. */
const UNDECIDED: ReadonlySet<ItemState> = new Set(['received', 'pending_review']);

/**
 * Lumen's action_taken from the items' outcomes: Yes when every URL was taken down, Partial when
 * some were, No when none was and all are decided (forwarded to the host, rejected, not on our
 * network, not a URL, withdrawn), Unspecified while nothing was taken down and some still wait.
 */
export function actionTaken(states: readonly ItemState[]): LumenAction {
  if (!states.length) return 'Unspecified';
  const acted = states.filter((s) => ACTED.has(s)).length;
  if (acted === states.length) return 'Yes';
  if (acted > 0) return 'Partial';
  return states.some((s) => UNDECIDED.has(s)) ? 'Unspecified' : 'No';
}

const SOURCES: Record<Channel, string> = { api: 'API', cloudflare_api: 'API', web: 'Online Form', email: 'Email' };

/** Lumen's lists are comma-separated, so no entry may hold a comma. */
const list = (entries: readonly (string | undefined)[]): string | undefined => {
  const kept = [...new Set(entries.filter((e): e is string => !!e).map((e) => e.replace(/,/g, ' ').trim()))];
  return kept.length ? kept.join(', ') : undefined;
};

const REGULATIONS: Record<LegalRegime, string> = {
  dmca: '17 U.S.C. § 512(c)',
  dsa: 'Regulation (EU) 2022/2065 (Digital Services Act) Art. 16',
  terms: 'Terms of service',
};

function jurisdictions(regime: LegalRegime, reportedCountry: string | undefined): string | undefined {
  if (regime === 'dmca') return list(['US']);
  if (regime === 'dsa') return list(['EU', reportedCountry]);
  return list([reportedCountry]);
}

const WITHHELD: LumenEntity = { name: '[withheld]', kind: 'individual' };

function claimantEntity(c: NonNullable<ReportSubmission['claimant']>): LumenEntity | null {
  if (!c.name) return null;
  return { name: c.name, kind: 'individual', ...(c.address ? { address_line_1: c.address } : {}), ...(c.country ? { country_code: c.country } : {}) };
}

/**
 * Who sent the notice and for whom: the claimant is the sender; the principal is the rights
 * holder (the work's owner, else the claimant's company, else the claimant); the claimant's company
 * is the agent when it acts for a different owner.
 */
function parties(s: ReportSubmission, provider: string): LumenNotice['entity_notice_roles_attributes'] {
  const us: LumenEntity = { name: provider, kind: 'organization' };
  const roles: LumenNotice['entity_notice_roles_attributes'] = [];
  const sender = KIND_RULES[s.kind].publishable && s.claimant ? claimantEntity(s.claimant) : null;
  if (!sender) {
    roles.push({ name: 'sender', entity_attributes: WITHHELD });
  } else {
    roles.push({ name: 'sender', entity_attributes: sender });
    const company = s.claimant?.company;
    const owner = s.kind === 'copyright' ? s.work.owner : undefined;
    if (owner && owner !== company) {
      roles.push({ name: 'principal', entity_attributes: { name: owner, kind: 'organization' } });
      if (company) roles.push({ name: 'agent', entity_attributes: { name: company, kind: 'organization' } });
    } else if (company) {
      roles.push({ name: 'principal', entity_attributes: { name: company, kind: 'organization' } });
    } else {
      roles.push({ name: 'principal', entity_attributes: sender });
    }
  }
  roles.push({ name: 'recipient', entity_attributes: us }, { name: 'submitter', entity_attributes: us });
  return roles;
}

const urlsOf = (items: readonly LumenItem[]) => [...new Set(items.map((i) => i.url).filter((u): u is string => u !== null))].map((url) => ({ url }));

/** What the notice says the reported material is. */
function workDescription(s: ReportSubmission): string {
  switch (s.kind) {
    case 'copyright':
      return s.work.description;
    case 'trademark':
      return `Trademark "${s.trademark.symbol}", registration ${s.trademark.number} (${s.trademark.office})`;
    case 'phishing':
      return s.impersonated ? `A page imitating ${s.impersonated}` : KIND_RULES.phishing.label;
    case 'whois':
      return `Registrant data (${s.whois_request.request_type === 'disclosure' ? 'disclosure request' : 'invalid WHOIS data'})`;
    default:
      return KIND_RULES[s.kind].label;
  }
}

function body(s: ReportSubmission): string | undefined {
  if (!KIND_RULES[s.kind].publishable) return undefined;
  const parts = [s.explanation];
  if (s.kind === 'copyright' && s.regime === 'dmca') {
    parts.push(
      'The sender affirmed: "I have a good faith belief that use of the material in the manner complained of is not authorized by the copyright owner, its agent, or the law." and "The information in this notification is accurate, and under penalty of perjury, I am authorized to act on behalf of the owner of an exclusive right that is allegedly infringed."',
    );
  }
  if (s.comments) parts.push(s.comments);
  const text = parts.filter(Boolean).join('\n\n');
  return text || undefined;
}

/** The notice as a Lumen record, with its counter notices as records of their own; CSAM as not exported. */
export function lumenExport(n: LumenSource, opts: { provider: string }): LumenExport {
  const type = KIND_RULES[n.kind].lumen;
  if (type === null) return { notice_id: n.id, kind: n.kind, exported: false, reason: NOT_EXPORTED_CSAM };
  const s = n.submission;
  const rules = KIND_RULES[n.kind];
  const received = n.receivedAt.toISOString();
  const copyrighted = s.kind === 'copyright' ? [...new Set(s.work.urls ?? [])].map((url) => ({ url })) : [];
  const notice: LumenNotice = {
    type,
    title: `${rules.label} notice to ${opts.provider}`,
    subject: workDescription(s).slice(0, 255),
    ...(body(s) ? { body: body(s) } : {}),
    // We know only when it reached us; a notice is sent and received the same day in every channel we take.
    date_sent: received,
    date_received: received,
    source: SOURCES[n.channel],
    tag_list: list([n.kind, n.regime, rules.publishable ? undefined : 'withheld']),
    jurisdiction_list: jurisdictions(n.regime, s.reported_country),
    regulation_list: REGULATIONS[n.regime],
    language: 'en',
    action_taken: actionTaken(n.items.map((i) => i.state)),
    case_id_number: n.id,
    works_attributes: [{ description: workDescription(s), copyrighted_urls_attributes: copyrighted, infringing_urls_attributes: urlsOf(n.items) }],
    entity_notice_roles_attributes: parties(s, opts.provider),
  };
  const byUrl = new Map(n.items.filter((i) => i.url !== null).map((i) => [i.url!, i.state]));
  const counter_notices = n.counterNotices.map((c) => counterNoticeRecord(c, notice, byUrl, opts.provider));
  return { notice_id: n.id, kind: n.kind, exported: true, notice, counter_notices };
}

/**
 * A counter notice (§512(g)) answering the notice: sent by the customer, about the URLs it names;
 * action_taken says whether they were put back. Lumen's id of the original is not ours to know,
 * so the original is named by our notice id in case_id_number, as in the notice's own record.
 */
function counterNoticeRecord(c: LumenCounterNotice, original: LumenNotice, states: Map<string, ItemState>, provider: string): LumenNotice {
  const sub = c.body.subscriber;
  const subscriber: LumenEntity = {
    name: sub.company ?? sub.name,
    kind: sub.company ? 'organization' : 'individual',
    address_line_1: sub.address,
    country_code: sub.country,
  };
  const restored = c.body.material.urls.map((u) => states.get(u)).filter((s): s is ItemState => s !== undefined);
  const received = c.receivedAt.toISOString();
  const reason = c.body.reason ? COUNTER_NOTICE_REASONS[c.body.reason] : undefined;
  const us: LumenEntity = { name: provider, kind: 'organization' };
  return {
    type: 'Counternotice',
    title: `Counter notice to ${provider}`,
    subject: original.subject,
    body: [reason, c.body.explanation].filter(Boolean).join('\n\n') || undefined,
    date_sent: received,
    date_received: received,
    source: original.source === 'Email' ? 'Email' : 'Online Form',
    tag_list: list(['counter_notice', c.body.reason]),
    jurisdiction_list: 'US',
    regulation_list: '17 U.S.C. § 512(g)',
    language: 'en',
    action_taken: !restored.length
      ? 'Unspecified'
      : restored.every((s) => s === 'restored')
        ? 'Yes'
        : restored.some((s) => s === 'restored')
          ? 'Partial'
          : restored.some((s) => s === 'content_disabled')
            ? 'Unspecified'
            : 'No',
    case_id_number: original.case_id_number,
    works_attributes: [
      {
        description: c.body.material.description ?? original.works_attributes[0]!.description,
        copyrighted_urls_attributes: [],
        infringing_urls_attributes: c.body.material.urls.map((url) => ({ url })),
      },
    ],
    entity_notice_roles_attributes: [
      { name: 'sender', entity_attributes: { ...subscriber, name: sub.name, kind: 'individual' } },
      { name: 'principal', entity_attributes: subscriber },
      { name: 'recipient', entity_attributes: us },
      { name: 'submitter', entity_attributes: us },
    ],
  };
}
