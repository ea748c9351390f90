/**
 * What the parties send back after a takedown, validated with every problem reported at once as
 * `{field, message}` (like notice.ts):
 *
 * - the **counter notice** of 17 U.S.C. §512(g)(3), from the customer whose material was taken
 *   down (the statute's "subscriber"): (A) signature; (B) identification of the material and of
 *   where it appeared — here the URLs, which must be URLs of the original notice; (C) a statement
 *   under penalty of perjury of good-faith belief that it was removed by mistake or
 *   misidentification; (D) name, address, telephone number, and consent to the jurisdiction of
 *   the federal district court for that address (or, outside the US, any judicial district where
 *   the provider may be found) and to accept service of process from the complainant;
 * - the complainant's **retraction** of its notice (for all or some URLs);
 * - the complainant's **notice of court action** (§512(g)(2)(C)): it has filed an action seeking
 *   a court order to restrain the subscriber, so the material stays down.
 *
 * Pure: the original notice's URLs (and, for dates, the current time) are parameters.
 */
import { z } from 'zod';
import { localDate, isIsoDate, type IsoDate } from './business-days.ts';
import { isCountryCode, signatureMatches, zodErrors, type FieldError } from './notice.ts';
import { normaliseUrl } from './url.ts';

/** The sworn statements of §512(g)(3)(C) and (D), shown to the subscriber in full. */
export const COUNTER_NOTICE_STATEMENTS = {
  good_faith_mistake:
    'I swear, under penalty of perjury, that I have a good faith belief that the material identified above was removed or disabled as a result of mistake or misidentification of the material to be removed or disabled.',
  consent_to_jurisdiction:
    'I consent to the jurisdiction of the Federal District Court for the judicial district in which my address is located, or, if my address is outside the United States, for any judicial district in which the service provider may be found.',
  accept_service_of_process:
    'I will accept service of process from the person who provided the notification of claimed infringement, or an agent of such person.',
} as const;

/**
 * The jurisdiction statement as it applies to this subscriber: the district of their address
 * inside the US, any district where the provider may be found outside it (§512(g)(3)(D)).
 */
export function jurisdictionStatement(country: string, providerName = 'the service provider'): string {
  return country.trim().toUpperCase() === 'US'
    ? 'I consent to the jurisdiction of the Federal District Court for the judicial district in which my address is located.'
    : `I consent to the jurisdiction of any judicial district of the United States in which ${providerName} may be found.`;
}

/** Lumen's counter notice reasons (berkmancenter/lumendatabase), for publication. */
export const COUNTER_NOTICE_REASONS = {
  owner: 'I own the copyright in the material.',
  authorized: 'I am authorized (licensed) to use the material.',
  no_right: 'The complainant has no rights in the material.',
  fair_use: 'The use is a fair use.',
  removed: 'The material was already removed.',
  not_used: 'The material was not used as claimed.',
  other: 'Other (see the explanation).',
} as const;
export type CounterNoticeReason = keyof typeof COUNTER_NOTICE_REASONS;

/** The original notice, as far as the validation needs it. */
export interface OriginalNotice {
  /** The notice's URLs (as stored, i.e. normalised; normalised again here to be safe). */
  urls: readonly string[];
  /** The complainant's name: a retraction must be signed with it. */
  claimantName?: string;
}

export const URLS_MAX = 250_000;

const text = (field: string, max: number) =>
  z
    .string({ error: (iss) => (iss.input === undefined ? `${field} is required` : `${field} must be a string`) })
    .trim()
    .min(1, `${field} must not be empty`)
    .max(max, `${field} must be at most ${max} characters`);

const optionalText = (field: string, max: number) =>
  z
    .string({ error: `${field} must be a string` })
    .trim()
    .max(max, `${field} must be at most ${max} characters`)
    .optional()
    .transform((s) => (s ? s : undefined));

const sworn = (field: string, statement: string) => z.literal(true, { error: `${field}: you must affirm this statement (set it to true): "${statement}"` });

const phone = z
  .string({ error: (iss) => (iss.input === undefined ? 'phone is required (17 U.S.C. §512(g)(3)(D) asks for a telephone number)' : 'phone must be a string') })
  .trim()
  .max(40, 'phone must be at most 40 characters')
  .regex(/^[+0-9 ()./-]*$/, { message: 'phone may contain only digits, spaces and + ( ) . / -', abort: true })
  .refine((p) => (p.match(/\d/g) ?? []).length >= 5, 'phone must be a telephone number (at least 5 digits)');

const country = z
  .string({ error: 'country is required (ISO 3166-1 two-letter code, e.g. "US")' })
  .trim()
  .transform((c) => c.toUpperCase())
  .refine(isCountryCode, 'country must be an ISO 3166-1 two-letter code such as "US", "DE" or "GB"');

const email = z.string({ error: 'email must be a string' }).trim().pipe(z.email('must be a valid e-mail address such as name@example.com')).optional();

/**
 * URLs that must belong to the original notice: each normalised like every URL we store, then
 * looked up. One error per bad entry (`<field>[i]`), duplicates folded.
 */
function noticeUrls(field: string, notice: OriginalNotice, opts: { min: number }) {
  const known = new Set<string>();
  for (const u of notice.urls) {
    const n = normaliseUrl(u);
    known.add(n.ok ? n.url : u);
  }
  return z
    .array(z.string({ error: 'each URL must be a string' }), { error: `${field} is required: the URLs (from the original notice) where the material appeared` })
    .min(opts.min, `${field} must list at least one URL of the original notice`)
    .max(URLS_MAX, `${field} may list at most ${URLS_MAX} URLs`)
    .transform((urls, ctx) => {
      const out: string[] = [];
      const seen = new Set<string>();
      urls.forEach((raw, i) => {
        const n = normaliseUrl(raw);
        if (!n.ok) {
          ctx.addIssue({ code: 'custom', path: [i], message: `not a URL we can match: ${n.reason}` });
          return;
        }
        // People often paste a URL without its scheme (read as http://): accept the notice's
        // URL that differs only in http/https, as the edge blocks both alike anyway.
        const other = n.url.startsWith('http://') ? 'https://' + n.url.slice(7) : 'http://' + n.url.slice(8);
        const url = known.has(n.url) ? n.url : known.has(other) ? other : null;
        if (url === null) {
          ctx.addIssue({ code: 'custom', path: [i], message: `${n.url} is not one of the URLs of the original notice` });
          return;
        }
        if (!seen.has(url)) {
          seen.add(url);
          out.push(url);
        }
      });
      return out;
    });
}

// ---------------------------------------------------------------------------------------------
// Counter notice

export function counterNoticeSchema(notice: OriginalNotice) {
  return z.object({
    material: z.object(
      {
        urls: noticeUrls('material.urls', notice, { min: 1 }).describe('Where the material appeared before it was removed (§512(g)(3)(B))'),
        description: optionalText('material.description', 5000).describe('What the material is, if the URLs alone do not say'),
      },
      { error: 'material is required: {"urls": ["…"], "description": "…"}' },
    ),
    statements: z.object(
      {
        good_faith_mistake: sworn('statements.good_faith_mistake', COUNTER_NOTICE_STATEMENTS.good_faith_mistake),
        consent_to_jurisdiction: sworn('statements.consent_to_jurisdiction', COUNTER_NOTICE_STATEMENTS.consent_to_jurisdiction),
        accept_service_of_process: sworn('statements.accept_service_of_process', COUNTER_NOTICE_STATEMENTS.accept_service_of_process),
      },
      { error: 'statements is required: {"good_faith_mistake": true, "consent_to_jurisdiction": true, "accept_service_of_process": true}' },
    ),
    subscriber: z.object(
      {
        name: text('subscriber.name', 200).describe('Full legal name'),
        company: optionalText('subscriber.company', 200),
        address: text('subscriber.address', 500).describe('Postal address: it decides the court (§512(g)(3)(D))'),
        country,
        phone,
        email,
      },
      { error: 'subscriber is required: {"name", "address", "country", "phone"}' },
    ),
    reason: z
      .enum(Object.keys(COUNTER_NOTICE_REASONS) as [CounterNoticeReason, ...CounterNoticeReason[]], {
        error: `reason must be one of ${Object.keys(COUNTER_NOTICE_REASONS).join(', ')}`,
      })
      .optional(),
    explanation: optionalText('explanation', 5000).describe('Why the takedown was a mistake'),
    signature: text('signature', 200).describe('Electronic signature: the subscriber name typed in full'),
  });
}

export type CounterNoticeInput = z.input<ReturnType<typeof counterNoticeSchema>>;
export type CounterNotice = z.output<ReturnType<typeof counterNoticeSchema>>;

/**
 * Validates a counter notice against the notice it answers. On success the URLs are normalised
 * and de-duplicated. The caller still checks that the URLs are items on the sender's account.
 */
export function validateCounterNotice(
  input: unknown,
  notice: OriginalNotice,
): { ok: true; counterNotice: CounterNotice } | { ok: false; errors: FieldError[] } {
  const r = counterNoticeSchema(notice).safeParse(input);
  const errors = r.success ? [] : zodErrors(r.error);
  // Cross-field, checked even when other fields are wrong, so one round trip shows everything.
  const raw = isRecord(input) ? input : {};
  const sub = isRecord(raw.subscriber) ? raw.subscriber : {};
  if (
    typeof raw.signature === 'string' &&
    raw.signature.trim() &&
    typeof sub.name === 'string' &&
    sub.name.trim() &&
    !signatureMatches(raw.signature, sub.name)
  ) {
    errors.push({ field: 'signature', message: `signature must be your full name as given in subscriber.name ("${sub.name.trim()}")` });
  }
  if (r.success && r.data.reason === 'other' && !r.data.explanation) {
    errors.push({ field: 'explanation', message: 'say why in the explanation when the reason is "other"' });
  }
  if (errors.length || !r.success) return { ok: false, errors };
  return { ok: true, counterNotice: r.data };
}

// ---------------------------------------------------------------------------------------------
// Retraction

export function retractionSchema(notice: OriginalNotice) {
  return z.object({
    urls: noticeUrls('urls', notice, { min: 0 }).optional().describe('The URLs withdrawn; omitted or empty: the whole notice'),
    reason: optionalText('reason', 2000),
    signature: text('signature', 200).describe('The complainant name typed in full'),
  });
}

export interface Retraction {
  /** `all`: every URL of the notice. */
  urls: string[] | 'all';
  reason: string | undefined;
  signature: string;
}

/**
 * Validates a complainant's retraction. The signature must be the complainant's name, as on
 * the notice (when `notice.claimantName` is given).
 */
export function validateRetraction(input: unknown, notice: OriginalNotice): { ok: true; retraction: Retraction } | { ok: false; errors: FieldError[] } {
  const r = retractionSchema(notice).safeParse(input);
  const errors = r.success ? [] : zodErrors(r.error);
  const raw = isRecord(input) ? input : {};
  if (notice.claimantName && typeof raw.signature === 'string' && raw.signature.trim() && !signatureMatches(raw.signature, notice.claimantName)) {
    errors.push({ field: 'signature', message: `signature must be the name of the complainant as given in the notice ("${notice.claimantName}")` });
  }
  if (errors.length || !r.success) return { ok: false, errors };
  const urls = r.data.urls && r.data.urls.length ? r.data.urls : 'all';
  return { ok: true, retraction: { urls, reason: r.data.reason, signature: r.data.signature } };
}

// ---------------------------------------------------------------------------------------------
// Notice of court action

export const COURT_ACTION_STATEMENT =
  'I have filed an action seeking a court order to restrain the subscriber from engaging in infringing activity relating to the material identified in the counter notice.';

/** The latest calendar date anywhere on Earth at `now` (UTC+14): a filing "today" in any court is accepted. */
function latestDateOnEarth(now: Date): IsoDate {
  return localDate(now, 'Pacific/Kiritimati');
}

export function courtActionSchema(notice: OriginalNotice, now: Date) {
  const today = latestDateOnEarth(now);
  return z.object({
    court: text('court', 300).describe('The court, e.g. "U.S. District Court for the Southern District of New York"'),
    case_number: text('case_number', 100).describe('The docket or case number'),
    filed_on: z
      .string({ error: 'filed_on is required: the date the action was filed, YYYY-MM-DD' })
      .trim()
      .refine(isIsoDate, 'filed_on must be a date in the form YYYY-MM-DD')
      .refine((d) => d <= today, 'filed_on lies in the future'),
    urls: noticeUrls('urls', notice, { min: 0 }).optional().describe('The URLs the action concerns; omitted or empty: every URL of the counter notice'),
    document_url: z
      .string({ error: 'document_url must be a string' })
      .trim()
      .refine((u) => /^https?:\/\//i.test(u) && normaliseUrl(u).ok, 'document_url must be an http(s) URL of the complaint or docket')
      .optional(),
    statement: z.literal(true, { error: `statement: you must affirm this statement (set it to true): "${COURT_ACTION_STATEMENT}"` }),
    signer_name: text('signer_name', 200).describe('Who signs: the complainant or its attorney'),
    signature: text('signature', 200),
  });
}

export interface CourtActionNotice {
  court: string;
  caseNumber: string;
  filedOn: IsoDate;
  urls: string[] | 'all';
  documentUrl: string | undefined;
  signerName: string;
  signature: string;
  /** One line for the lifecycle event and the customer's message: "court, case number (filed YYYY-MM-DD)". */
  reference: string;
}

/**
 * Validates a notice of court action. It may be signed by the complainant or by counsel, so the
 * signature must match `signer_name` (not necessarily the claimant's name).
 */
export function validateCourtAction(
  input: unknown,
  notice: OriginalNotice,
  now: Date,
): { ok: true; courtAction: CourtActionNotice } | { ok: false; errors: FieldError[] } {
  const r = courtActionSchema(notice, now).safeParse(input);
  const errors = r.success ? [] : zodErrors(r.error);
  const raw = isRecord(input) ? input : {};
  if (
    typeof raw.signature === 'string' &&
    raw.signature.trim() &&
    typeof raw.signer_name === 'string' &&
    raw.signer_name.trim() &&
    !signatureMatches(raw.signature, raw.signer_name)
  ) {
    errors.push({ field: 'signature', message: `signature must be the signer's full name as given in signer_name ("${raw.signer_name.trim()}")` });
  }
  if (errors.length || !r.success) return { ok: false, errors };
  const d = r.data;
  return {
    ok: true,
    courtAction: {
      court: d.court,
      caseNumber: d.case_number,
      filedOn: d.filed_on,
      urls: d.urls && d.urls.length ? d.urls : 'all',
      documentUrl: d.document_url,
      signerName: d.signer_name,
      signature: d.signature,
      reference: `${d.court}, ${d.case_number} (filed ${d.filed_on})`,
    },
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
