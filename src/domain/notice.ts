// The notice model's shared vocabulary: channels, notification choices, the DMCA's sworn
// statements and field errors. What a report of each kind says is report-submission.ts; what
// differs between kinds (elements, who is told, how fast, what may be done) is report-kinds.ts.
import type { z } from 'zod';
import type { ReportKind } from './report-kinds.ts';
import type { CopyrightSubmission, KindInput, ReportInput, ReportSubmission } from './report-submission.ts';

/** A notice's kind is its report kind (copyright, trademark, phishing, …). */
export type NoticeKind = ReportKind;
export { REPORT_KINDS as NOTICE_KINDS } from './report-kinds.ts';
export const CHANNELS = ['api', 'cloudflare_api', 'web', 'email'] as const;
export type Channel = (typeof CHANNELS)[number];

export const NOTIFY_CHOICES = ['send', 'send-anon', 'none'] as const;
export type NotifyChoice = (typeof NOTIFY_CHOICES)[number];

/** The two sworn statements of 17 U.S.C. §512(c)(3)(A)(v) and (vi), shown to the claimant in full. */
export const DMCA_STATEMENTS = {
  good_faith_belief:
    'I have a good faith belief that use of the material in the manner complained of is not authorized by the copyright owner, its agent, or the law.',
  accuracy_and_authority:
    'The information in this notification is accurate, and under penalty of perjury, I am authorized to act on behalf of the owner of an exclusive right that is allegedly infringed.',
} as const;

export const DEFAULT_MAX_URLS_PER_NOTICE = 250_000;

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });
/**
 * Codes CLDR names that are not ISO 3166-1 country codes: withdrawn ones (SU, DD, YU, …, which
 * CLDR names after their successor, so "Germany" would be listed twice), exceptionally reserved
 * ones (UK, EU, AC, …), CLDR's own (QO, EZ, UN) and its pseudo-locales (XA, XB). XK (Kosovo,
 * user-assigned) stays: it is the code in common use there.
 */
const NOT_ISO_3166_1 = new Set('AC AN BU CP CQ CS DD DG DY EA EU EZ FX HV IC NH QO RH SU TA TP UK UN VD XA XB YD YU ZR'.split(' '));
/** ISO 3166-1 alpha-2, upper-cased. */
export function isCountryCode(code: string): boolean {
  if (!/^[A-Z]{2}$/.test(code) || NOT_ISO_3166_1.has(code)) return false;
  const name = regionNames.of(code);
  return name !== undefined && name !== code && name !== 'Unknown Region';
}

/** A report body as a client sends it (any kind; without `kind` it is a copyright notice). */
export type NoticeInput = ReportInput;
/** The copyright report a DMCA client sends (the first API version's body). */
export type DmcaNoticeInput = Omit<KindInput<'copyright'>, 'kind'> & { kind?: 'copyright' };
/** What is stored with a copyright notice beside its items (the URLs). */
export type DmcaSubmission = CopyrightSubmission;
/** What a stored notice's submission holds (the report without its URLs, which are its items), told apart by `kind`. */
export type NoticeSubmission = ReportSubmission;

function canonicalName(s: string): string {
  return s
    .normalize('NFC')
    .replace(/^\/s\/\s*/i, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}
export function signatureMatches(signature: string, name: string): boolean {
  return canonicalName(signature) === canonicalName(name);
}

export interface FieldError {
  field: string;
  message: string;
}

/** zod issue path → "claimant.email", "urls[3]". */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out || '(body)';
}

export function zodErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((i) => {
    const field = fieldPath(i.path);
    // Messages name their field already where we wrote them; generic ones get it prefixed.
    return { field, message: i.message };
  });
}
