// What the reader found in a message, turned into a native report body (pure): a DMCA copyright
// notice as before, or a report of the kind and under the regime the reader found (phishing, a
// trademark complaint, a DSA notice…), with the reader's fields put where that kind keeps them.
// What the body lacks is listed so the sender can be told exactly what is missing: for a DMCA
// notice the §512(c)(3) elements the reader looked for; for every other kind and regime, what the
// one validation of reports (parseReport, over the kind's row of KIND_RULES) refuses.
import { isCountryCode, type DmcaNoticeInput } from '../domain/notice.ts';
import type { LegalRegime, ReportKind } from '../domain/report-kinds.ts';
import { parseReport } from '../domain/report-submission.ts';
import { ELEMENT_DESCRIPTIONS, type ReadResult } from '../reader/types.ts';
import { isOtherKindReport } from '../reader/subject.ts';
import { describeField } from './intake-messages.ts';

export type NoticeReading = ReadResult;

interface MailFacts {
  subject: string | null;
  sender: string | null;
}

/** An element's name as the sender reads it. */
export function describeElement(name: string): string {
  return (ELEMENT_DESCRIPTIONS as Record<string, string>)[name] ?? name.replace(/_/g, ' ');
}

/** Whether a reading asks for action on URLs: a copyright takedown, or a report of another kind the reader recognised. */
export function readsAsReport(r: NoticeReading): boolean {
  return r.kind === 'takedown' || (r.kind === 'other' && isOtherKindReport(r.subject));
}

/** The kind and regime a reading is filed under (a reading without a subject is a DMCA copyright notice, as the reader's first version read every one). */
export function kindAndRegime(r: NoticeReading): { kind: ReportKind; regime: LegalRegime } {
  return r.subject ? { kind: r.subject.kind, regime: r.subject.regime } : { kind: 'copyright', regime: 'dmca' };
}

/**
 * The URLs a report is about: those the reader found to act on, and for a machine report of
 * another kind than copyright (phishing, malware…) the one it names (the reader keeps that apart:
 * it is no URL to take down for infringement, but it is the page the abuse report is about).
 */
export function reportUrls(r: NoticeReading): string[] {
  const x = r.xarf;
  return x && x.category !== 'copyright' && x.url && !r.infringing_urls.includes(x.url) ? [...r.infringing_urls, x.url] : r.infringing_urls;
}

export function noticeFromReading(r: NoticeReading, mail: MailFacts): { notice: DmcaNoticeInput; missing: string[] } {
  const name = r.claimant.name?.trim() ?? '';
  const email = r.claimant.email?.trim() || mail.sender || '';
  const missing = r.missing.map(describeElement);
  if (!r.infringing_urls.length && !r.missing.includes('infringing_material')) missing.push(describeElement('infringing_material'));
  const notice: DmcaNoticeInput = {
    urls: r.infringing_urls,
    work: workOf(r, mail),
    claimant: {
      name,
      company: r.claimant.company?.trim() || undefined,
      email,
      address: r.claimant.address?.trim() ?? '',
      phone: phoneOf(r),
      country: r.claimant.country?.trim() ?? '',
    },
    // The reader decided whether the statements are there; what is missing is listed above.
    statements: { good_faith_belief: true, accuracy_and_authority: true },
    signature: name,
    notify: { owner: 'send', host: 'send' },
  };
  return { notice, missing };
}

function workOf(r: NoticeReading, mail: MailFacts) {
  return {
    description: r.work?.trim() || (mail.subject ? `As identified in the e-mail "${mail.subject.slice(0, 300)}"` : ''),
    urls: r.original_urls.slice(0, 1000),
  };
}

function phoneOf(r: NoticeReading): string | undefined {
  return r.claimant.phone?.replace(/[^+0-9 ()./-]/g, '').trim() || undefined;
}

/** Only what the reader found: an absent field is named by parseReport, an empty one would be refused as empty. */
function compact<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null && v !== '')) as Partial<T>;
}

export interface BuiltReport {
  kind: ReportKind;
  regime: LegalRegime;
  /** The body fileNotice takes (what the API takes). */
  body: Record<string, unknown>;
  /** What the sender must add, in their words; empty when the report can be filed. */
  missing: string[];
}

/** The report body of the reading's kind and regime, and what it lacks. */
export function reportFromReading(r: NoticeReading, mail: MailFacts): BuiltReport {
  const { kind, regime } = kindAndRegime(r);
  if (kind === 'copyright' && regime === 'dmca') {
    const built = noticeFromReading(r, mail);
    return { kind, regime, body: built.notice as Record<string, unknown>, missing: built.missing };
  }
  const facts = r.facts ?? null;
  const country = r.claimant.country?.trim().toUpperCase();
  const claimant = compact({
    name: r.claimant.name?.trim(),
    company: r.claimant.company?.trim(),
    email: r.claimant.email?.trim() || mail.sender || undefined,
    address: r.claimant.address?.trim(),
    phone: phoneOf(r),
    country: country && isCountryCode(country) ? country : undefined,
  });
  const body: Record<string, unknown> = {
    kind,
    regime,
    urls: reportUrls(r),
    ...(Object.keys(claimant).length ? { claimant } : {}),
    ...(facts?.explanation ? { explanation: facts.explanation } : {}),
    // Art. 16(2)(d): affirmed only when the sender made the statement; otherwise parseReport names it.
    ...(regime === 'dsa' && facts?.dsa_statement ? { statements: { accurate_and_complete: true } } : {}),
  };
  switch (kind) {
    case 'copyright':
      body.work = workOf(r, mail);
      if (claimant.name) body.signature = claimant.name;
      break;
    case 'trademark':
      if (facts?.trademark) body.trademark = compact(facts.trademark);
      break;
    case 'phishing':
      if (facts?.impersonated) body.impersonated = facts.impersonated;
      break;
    case 'ncsei':
      if (facts?.subject_representation !== null && facts?.subject_representation !== undefined) body.subject_representation = facts.subject_representation;
      break;
    case 'whois':
      if (facts?.whois_request) body.whois_request = facts.whois_request;
      break;
    // Child sexual abuse material: notification choices stay the kind's defaults (nothing passed on to the owner,
    // the host told without the reporter, the hotline report prepared), whatever the message says.
    case 'csam':
    case 'threat':
    case 'general':
      break;
  }
  const parsed = parseReport(body);
  const missing = parsed.ok ? [] : [...new Set(parsed.errors.map((e) => describeField(e.field, e.message, { kind, regime })))];
  return { kind, regime, body, missing };
}
