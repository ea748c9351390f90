/**
 * A processed notice as the public may read it, in the manner of GitHub's DMCA archive and Lumen:
 * what was claimed, by which company, about which URLs, and what came of each — with the personal
 * data of private individuals replaced by `[private]` (structured fields and free text alike) and
 * the URLs that were not actionable by `[invalid]` (publishing them would accuse addresses that
 * had nothing to answer for). Companies and agents stay named; so do the other URLs.
 *
 * Pure. A child sexual abuse material report never becomes a record, nor do the kinds the kind
 * table marks as never publishable: buildPublicRecord refuses them whatever a policy says.
 */
import { KIND_RULES, REGIME_LABELS, type LegalRegime, type ReportKind } from '../../domain/report-kinds.ts';
import type { ItemState } from '../../domain/item-state.ts';
import type { NoticeSubmission } from '../../domain/notice.ts';
import { DMCA_STATEMENTS } from '../../domain/notice.ts';
import { DSA_STATEMENT } from '../../domain/report-submission.ts';
import { INVALID, PRIVATE, isRoleAddress, looksLikeOrganisation, redactText, urlKey, type RedactionCategory, type TextContext } from './redact-text.ts';

/** Items in these states were found not actionable: not a usable URL, not on this network, or declined by staff. */
export const NOT_ACTIONABLE: ReadonlySet<ItemState> = new Set<ItemState>(['invalid', 'not_on_network', 'rejected']);

/** Most items a record lists; a larger notice's record says how many more there were. */
export const MAX_RECORD_ITEMS = 10_000;

export interface NoticeForPublication {
  id: string;
  kind: ReportKind;
  regime: LegalRegime;
  receivedAt: Date;
  submission: NoticeSubmission;
  items: readonly { position: number; submittedUrl: string; url: string | null; state: ItemState }[];
  /** The name of the account that filed it (an agent's), when it has one. */
  filer?: string | null;
}

export interface PublicRecord {
  notice_id: string;
  kind: ReportKind;
  kind_label: string;
  regime: LegalRegime;
  regime_label: string;
  received_on: string;
  sender: {
    name: string | null;
    company: string | null;
    email: string | null;
    phone: string | null;
    address: string | null;
    country: string | null;
  };
  /** The rights holder, where the notice names one besides the sender (the work's owner). */
  rights_holder: string | null;
  /** The account that filed the notice, when it is an organisation (an agent filing for rights holders). */
  filed_by: string | null;
  work: { description: string; urls: string[] } | null;
  trademark: { number: string; office: string; symbol: string } | null;
  impersonated: string | null;
  explanation: string | null;
  /** The statements the sender affirmed, in full. */
  statements: string[];
  signature: string | null;
  items: { position: number; url: string; state: ItemState }[];
  items_total: number;
  items_omitted: number;
}

/** One replacement in the record: where (a field path; text fields also the place in the text), what kind of data, what it was (staff only). */
export interface Redaction {
  field: string;
  category: RedactionCategory;
  original: string;
  at?: number;
  length?: number;
}

export type RecordResult = { ok: true; record: PublicRecord; redactions: Redaction[] } | { ok: false; reason: string };

/** Whether a kind's notices may ever be published (the kind table's word; CSAM never). */
export const everPublishable = (kind: ReportKind): boolean => KIND_RULES[kind].publishable;

function addressParts(address: string): string[] {
  const parts = address
    .split(/[,\n\r;]+/)
    .map((p) => p.trim())
    .filter((p) => p.length >= 3 && /\d/.test(p));
  return [address.trim(), ...parts];
}

export function buildPublicRecord(n: NoticeForPublication): RecordResult {
  if (!everPublishable(n.kind)) return { ok: false, reason: `${KIND_RULES[n.kind].label} reports are never published` };
  const s = n.submission as NoticeSubmission & Record<string, unknown>;
  const claimant = (s.claimant ?? {}) as { name?: string; company?: string; email?: string; address?: string; phone?: string; country?: string };
  const work = s.kind === 'copyright' ? s.work : undefined;
  const signature = s.kind === 'copyright' ? s.signature : undefined;
  const redactions: Redaction[] = [];

  const privateName = (v: string | undefined) => (v && !looksLikeOrganisation(v) ? v : null);
  const names = [privateName(claimant.name), privateName(signature), privateName(work?.owner)].filter((v): v is string => !!v);
  const keep = [claimant.company, work?.owner && looksLikeOrganisation(work.owner) ? work.owner : undefined, n.filer ?? undefined].filter(
    (v): v is string => !!v && v.trim().length >= 2,
  );
  const invalidUrls = new Set(n.items.filter((i) => NOT_ACTIONABLE.has(i.state)).flatMap((i) => [urlKey(i.submittedUrl), ...(i.url ? [urlKey(i.url)] : [])]));
  const ctx: TextContext = {
    known: [
      ...names.map((text) => ({ text, category: 'name' as const })),
      ...(claimant.email && !isRoleAddress(claimant.email) ? [{ text: claimant.email, category: 'email' as const }] : []),
      ...(claimant.phone && claimant.phone.replace(/\D/g, '').length >= 5 ? [{ text: claimant.phone, category: 'phone' as const }] : []),
      ...(claimant.address ? addressParts(claimant.address).map((text) => ({ text, category: 'address' as const })) : []),
    ],
    keep,
    invalidUrls,
  };

  const field = (path: string, value: string | undefined, category: RedactionCategory, isPrivate: (v: string) => boolean): string | null => {
    if (value === undefined || value.trim() === '') return null;
    if (!isPrivate(value)) return value;
    redactions.push({ field: path, category, original: value });
    return PRIVATE;
  };
  const text = (path: string, value: string | undefined): string | null => {
    if (value === undefined) return null;
    const r = redactText(value, ctx);
    for (const x of r.redactions) redactions.push({ field: path, category: x.category, original: x.original, at: x.at, length: x.length });
    return r.text;
  };

  const statements: string[] = [];
  const st = (s.statements ?? {}) as Record<string, unknown>;
  if (st.good_faith_belief === true) statements.push(DMCA_STATEMENTS.good_faith_belief);
  if (st.accuracy_and_authority === true) statements.push(DMCA_STATEMENTS.accuracy_and_authority);
  if (st.accurate_and_complete === true) statements.push(DSA_STATEMENT);

  const shown = n.items.slice(0, MAX_RECORD_ITEMS).map((i) => {
    const url = i.url ?? i.submittedUrl;
    if (!NOT_ACTIONABLE.has(i.state)) return { position: i.position, url, state: i.state };
    redactions.push({ field: `items[${i.position}].url`, category: 'invalid_url', original: i.submittedUrl });
    return { position: i.position, url: INVALID, state: i.state };
  });
  const tm = s.kind === 'trademark' ? s.trademark : undefined;
  const impersonated = s.kind === 'phishing' ? s.impersonated : undefined;

  const record: PublicRecord = {
    notice_id: n.id,
    kind: n.kind,
    kind_label: KIND_RULES[n.kind].label,
    regime: n.regime,
    regime_label: REGIME_LABELS[n.regime],
    received_on: n.receivedAt.toISOString().slice(0, 10),
    sender: {
      name: field('sender.name', claimant.name, 'name', (v) => !looksLikeOrganisation(v)),
      company: claimant.company?.trim() || null,
      email: field('sender.email', claimant.email, 'email', (v) => !isRoleAddress(v)),
      phone: field('sender.phone', claimant.phone, 'phone', () => true),
      address: field('sender.address', claimant.address, 'address', () => true),
      country: claimant.country ?? null,
    },
    rights_holder: field('rights_holder', work?.owner, 'name', (v) => !looksLikeOrganisation(v)),
    filed_by: n.filer && looksLikeOrganisation(n.filer) ? n.filer : null,
    work: work
      ? { description: text('work.description', work.description) ?? '', urls: (work.urls ?? []).map((u, i) => text(`work.urls[${i}]`, u) ?? '') }
      : null,
    trademark: tm ? { number: tm.number, office: tm.office, symbol: tm.symbol } : null,
    impersonated: impersonated ?? null,
    explanation: text('explanation', typeof s.explanation === 'string' ? s.explanation : undefined),
    statements,
    signature: field('signature', signature, 'signature', () => true),
    items: shown,
    items_total: n.items.length,
    items_omitted: Math.max(0, n.items.length - shown.length),
  };
  return { ok: true, record, redactions };
}
