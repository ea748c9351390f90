// The notice model. Kinds are an open set: each kind names the parties it has, the legal
// elements it must carry and how its items are routed. DMCA takedowns come first; counter
// notices, trademark, general abuse and DSA Art. 16 notices reuse the same shape (parties,
// works, items, statements) with their own element schemas.
import { z } from 'zod';

export const NOTICE_KINDS = ['dmca', 'dmca_counter', 'trademark', 'abuse', 'dsa_art16'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];
/** Kinds that can be filed today; the others are reserved in the model. */
export const FILEABLE_KINDS: readonly NoticeKind[] = ['dmca'];

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

/** What PostgreSQL cannot store in text or jsonb: U+0000 and UTF-16 surrogates without their pair. */
const UNSTORABLE_RE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const storable = (s: string) => !UNSTORABLE_RE.test(s);
const unstorable = (field: string) => `${field} contains a character that cannot be stored (U+0000 or an unpaired UTF-16 surrogate)`;

const text = (field: string, max: number) =>
  z
    .string({ error: (iss) => (iss.input === undefined ? `${field} is required` : `${field} must be a string`) })
    .trim()
    .min(1, `${field} must not be empty`)
    .max(max, `${field} must be at most ${max} characters`)
    .refine(storable, unstorable(field));

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

const country = z
  .string({ error: 'country is required (ISO 3166-1 two-letter code, e.g. "US")' })
  .trim()
  .transform((c) => c.toUpperCase())
  .transform((c) => (c === 'UK' ? 'GB' : c)) // "UK" is reserved for the United Kingdom, whose code is GB
  .refine(isCountryCode, 'country must be an ISO 3166-1 two-letter code such as "US", "DE" or "GB"');

const email = z.string({ error: 'email is required' }).trim().pipe(z.email('must be a valid e-mail address such as name@example.com'));

const sworn = (key: keyof typeof DMCA_STATEMENTS) =>
  z.literal(true, {
    error: `you must affirm this statement (set it to true): "${DMCA_STATEMENTS[key]}"`,
  });

export const ClaimantSchema = z.object({
  name: text('name', 200).describe('Full legal name of the person submitting the notice'),
  company: text('company', 200).optional().describe('The copyright owner or the company acting for it'),
  email: email,
  address: text('address', 500).describe('Postal address'),
  phone: z
    .string()
    .trim()
    .max(40, 'phone must be at most 40 characters')
    .regex(/^[+0-9 ()./-]*$/, 'phone may contain only digits, spaces and + ( ) . / -')
    .optional(),
  country,
});

export const DmcaNoticeInputSchema = z
  .object({
    urls: z
      .array(z.string({ error: 'each URL must be a string' }), { error: 'urls is required: a list of the URLs of the infringing material' })
      .min(1, 'urls must list at least one URL of infringing material'),
    work: z.object(
      {
        description: text('work.description', 5000).describe('Identification of the copyrighted work'),
        urls: z
          .array(z.string().refine(storable, unstorable('work.urls entry')))
          .max(1000, 'work.urls may list at most 1000 URLs')
          .optional()
          .describe('Where the original work can be seen (never acted on)'),
        owner: text('work.owner', 200).optional().describe('The copyright owner, where it is not the claimant or the claimant company'),
      },
      { error: 'work is required: {"description": "…", "urls": [optional]}' },
    ),
    claimant: ClaimantSchema,
    statements: z.object(
      {
        good_faith_belief: sworn('good_faith_belief'),
        accuracy_and_authority: sworn('accuracy_and_authority'),
      },
      { error: 'statements is required: {"good_faith_belief": true, "accuracy_and_authority": true}' },
    ),
    signature: text('signature', 200).describe('Electronic signature: the claimant name typed in full'),
    notify: z
      .object({
        owner: z.enum(NOTIFY_CHOICES, { error: 'notify.owner must be "send", "send-anon" or "none"' }).default('send'),
        host: z.enum(NOTIFY_CHOICES, { error: 'notify.host must be "send", "send-anon" or "none"' }).default('send'),
      })
      .default({ owner: 'send', host: 'send' }),
    comments: z.string().max(2000, 'comments must be at most 2000 characters').refine(storable, unstorable('comments')).optional(),
  })
  .superRefine((n, ctx) => {
    if (n.notify.owner !== 'send') {
      ctx.addIssue({
        code: 'custom',
        path: ['notify', 'owner'],
        message:
          'copyright (DMCA) notices are always sent to the site owner with your name and contact details, so that the owner can answer with a counter notice (17 U.S.C. §512(g)); notify.owner must be "send"',
      });
    }
    if (!signatureMatches(n.signature, n.claimant.name)) {
      ctx.addIssue({ code: 'custom', path: ['signature'], message: `signature must be your full name as given in claimant.name ("${n.claimant.name}")` });
    }
  });

export type DmcaNoticeInput = z.input<typeof DmcaNoticeInputSchema>;
export type DmcaNotice = z.output<typeof DmcaNoticeInputSchema>;

/** What is stored with the notice beside its items (the URLs). */
export type DmcaSubmission = Omit<DmcaNotice, 'urls'>;

/**
 * What a stored notice's submission holds (the notice without its URLs, which are its items). Only
 * DMCA notices are filed so far; each further report kind adds its member here, and readers then
 * tell them apart by the notice's kind.
 */
export type NoticeSubmission = DmcaSubmission;

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
