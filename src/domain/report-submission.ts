/**
 * What a report says, for every kind, and the one function that checks it (`parseReport`).
 * Field types and limits are zod schemas, one per kind; which elements must be present is the
 * kind's row in report-kinds.ts for the report's regime, checked here over the raw body so that
 * every problem — a missing element, a wrong type, a choice the kind does not allow — is
 * reported at once, each with its field.
 */
import { z } from 'zod';
import { tryParseIp } from './ip-address.ts';
import {
  KIND_RULES,
  REGIME_LABELS,
  REPORT_KINDS,
  isReportKind,
  requiredElements,
  type LegalRegime,
  type ReportElement,
  type ReportKind,
} from './report-kinds.ts';
import { DMCA_STATEMENTS, NOTIFY_CHOICES, fieldPath, isCountryCode, signatureMatches, type FieldError, type NotifyChoice } from './notice.ts';

/** Art. 16(2)(d) DSA: the notifier's statement of good faith, shown in full. */
export const DSA_STATEMENT = 'I believe in good faith that the information and allegations in this notice are accurate and complete.' as const;

/** What PostgreSQL cannot store in text or jsonb: U+0000 and UTF-16 surrogates without their pair. */
const UNSTORABLE_RE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
export const storable = (s: string) => !UNSTORABLE_RE.test(s);
export const unstorable = (field: string) => `${field} contains a character that cannot be stored (U+0000 or an unpaired UTF-16 surrogate)`;

const text = (field: string, max: number) =>
  z
    .string({ error: (iss) => (iss.input === undefined ? `${field} is required` : `${field} must be a string`) })
    .trim()
    .min(1, `${field} must not be empty`)
    .max(max, `${field} must be at most ${max} characters`)
    .refine(storable, unstorable(field));

const country = z
  .string({ error: 'country must be an ISO 3166-1 two-letter code such as "US", "DE" or "GB"' })
  .trim()
  .transform((c) => c.toUpperCase())
  .transform((c) => (c === 'UK' ? 'GB' : c)) // "UK" is reserved for the United Kingdom, whose code is GB
  .refine(isCountryCode, 'country must be an ISO 3166-1 two-letter code such as "US", "DE" or "GB"');

const email = z.string({ error: 'email must be a string' }).trim().pipe(z.email('must be a valid e-mail address such as name@example.com'));

const ReporterSchema = z.object(
  {
    name: text('name', 200).optional().describe('Full legal name of the person submitting the report'),
    company: text('company', 200).optional().describe('The rights holder or organisation the reporter acts for'),
    email: email.optional(),
    address: text('address', 500).optional().describe('Postal address'),
    phone: z
      .string()
      .trim()
      .max(40, 'phone must be at most 40 characters')
      .regex(/^[+0-9 ()./-]*$/, 'phone may contain only digits, spaces and + ( ) . / -')
      .optional(),
    country: country.optional(),
  },
  { error: 'claimant must be an object: {"name": …, "email": …}' },
);

const notifyChoice = (field: string) => z.enum(NOTIFY_CHOICES, { error: `${field} must be "send", "send-anon" or "none"` });
const NotifySchema = z.object(
  { owner: notifyChoice('notify.owner').optional(), host: notifyChoice('notify.host').optional() },
  { error: 'notify must be an object' },
);

const urls = z
  .array(z.string({ error: 'each URL must be a string' }), { error: 'urls is required: a list of the URLs of the reported material' })
  .min(1, 'urls must list at least one URL of the reported material');

const explanation = text('explanation', 5000)
  .optional()
  .describe('Why the content is illegal or breaks the rules, and how to find it on the page (DSA Art. 16(2)(a))');

const comments = z.string().max(2000, 'comments must be at most 2000 characters').refine(storable, unstorable('comments')).optional();

const affirmed = (text: string) =>
  z
    .literal(true, { error: `you must affirm this statement (set it to true): "${text}"` })
    .optional()
    .describe(text);
const StatementsSchema = z
  .object(
    {
      good_faith_belief: affirmed(DMCA_STATEMENTS.good_faith_belief),
      accuracy_and_authority: affirmed(DMCA_STATEMENTS.accuracy_and_authority),
      accurate_and_complete: affirmed(DSA_STATEMENT),
    },
    { error: 'statements must be an object: {"good_faith_belief": true, "accuracy_and_authority": true}' },
  )
  .optional();

const common = {
  urls,
  claimant: ReporterSchema.optional(),
  explanation,
  statements: StatementsSchema,
  notify: NotifySchema.optional(),
  comments,
  /** The country whose users see the content, where the reporter knows (Cloudflare's reported_country). */
  reported_country: country.optional(),
};

function regimeField(kind: ReportKind) {
  const allowed = KIND_RULES[kind].regimes;
  return z
    .enum(allowed as unknown as [LegalRegime, ...LegalRegime[]], {
      error: `regime must be ${allowed.map((r) => `"${r}"`).join(' or ')} for a ${KIND_RULES[kind].label.toLowerCase()} report`,
    })
    .optional();
}

const WorkSchema = z.object(
  {
    description: text('work.description', 5000).describe('Identification of the copyrighted work'),
    urls: z
      .array(z.string().refine(storable, unstorable('work.urls entry')))
      .max(1000, 'work.urls may list at most 1000 URLs')
      .optional()
      .describe('Where the original work can be seen (never acted on)'),
    owner: text('work.owner', 200).optional().describe('The copyright owner, where it is not the claimant or the claimant company'),
  },
  { error: 'work must be an object: {"description": "…", "urls": [optional]}' },
);

const TrademarkSchema = z.object(
  {
    number: text('trademark.number', 1000).describe('Registration number'),
    office: text('trademark.office', 1000).describe('The office that registered it, e.g. USPTO, EUIPO'),
    symbol: text('trademark.symbol', 1000).describe('The word or the description of the figurative mark'),
  },
  { error: 'trademark must be an object: {"number": …, "office": …, "symbol": …}' },
);

const ipList = (field: string) =>
  z
    .array(
      z
        .string({ error: `each ${field} entry must be a string` })
        .refine((s) => tryParseIp(s.trim()) !== null, `each ${field} entry must be an IPv4 or IPv6 address`),
      {
        error: `${field} must be a list of IP addresses`,
      },
    )
    .max(30, `${field} may list at most 30 addresses`)
    .refine((a) => new Set(a.map((s) => s.trim())).size === a.length, `${field} lists an address twice`)
    .optional();

const NetworkSchema = z.object(
  {
    source_ips: ipList('network.source_ips'),
    destination_ips: ipList('network.destination_ips'),
    ports_protocols: z
      .array(z.string().regex(/^\d{1,5}\/(tcp|udp|sctp|icmp)$/i, 'each network.ports_protocols entry must look like "80/TCP" or "53/UDP"'))
      .max(30, 'network.ports_protocols may list at most 30 entries')
      .optional(),
  },
  { error: 'network must be an object' },
);

export const WHOIS_DATA_ELEMENTS = [
  'registrant_name',
  'registrant_organization',
  'registrant_email',
  'registrant_phone',
  'registrant_address',
  'registrant_address_country',
  'registrant_address_postal_code',
  'admin_name',
  'admin_organization',
  'admin_email',
  'admin_phone',
  'admin_address',
  'tech_name',
  'tech_organization',
  'tech_email',
  'tech_phone',
  'tech_address',
] as const;

const WhoisRequestSchema = z.object(
  {
    legal_basis: text('whois_request.legal_basis', 5000).describe('The legal rights and rationale for the request (RDP 10.2.3)'),
    request_type: z.enum(['disclosure', 'invalid_whois'], { error: 'whois_request.request_type must be "disclosure" or "invalid_whois"' }),
    requested_data: z
      .array(z.enum(WHOIS_DATA_ELEMENTS, { error: `each whois_request.requested_data entry must be one of ${WHOIS_DATA_ELEMENTS.join(', ')}` }), {
        error: 'whois_request.requested_data is required: the data elements requested',
      })
      .min(1, 'whois_request.requested_data must name at least one data element'),
    good_faith_affirmation: z.literal(true, { error: 'whois_request.good_faith_affirmation must be true: the request is made in good faith (RDP 10.2.4)' }),
    lawful_processing_agreement: z.literal(true, {
      error: 'whois_request.lawful_processing_agreement must be true: you agree to process the data lawfully (RDP 10.2.5)',
    }),
    authorization_statement: text('whois_request.authorization_statement', 5000).optional(),
    requestor_type: z
      .enum(['government', 'corporation', 'individual'], { error: 'whois_request.requestor_type must be government, corporation or individual' })
      .optional(),
  },
  { error: 'whois_request must be an object' },
);

// Fields in the order a reporter reads them (and errors are listed in): what, who, why, sworn, whom to tell.
const variant = <K extends ReportKind, S extends z.ZodRawShape>(kind: K, shape: S) => {
  const { urls: u, claimant, explanation: e, statements, notify, comments: c, reported_country } = common;
  const { signature, notify: ownNotify, ...rest } = shape as z.ZodRawShape;
  return z.object({
    kind: z.literal(kind),
    regime: regimeField(kind),
    urls: u,
    ...(rest as Omit<S, 'signature' | 'notify'>),
    claimant,
    explanation: e,
    statements,
    ...(signature ? { signature } : {}),
    notify: ownNotify ?? notify,
    comments: c,
    reported_country,
  } as { kind: z.ZodLiteral<K>; regime: ReturnType<typeof regimeField> } & typeof common & S);
};

const KIND_SCHEMAS = {
  copyright: variant('copyright', {
    work: WorkSchema.optional(),
    signature: text('signature', 200).optional().describe('Electronic signature: the claimant name typed in full'),
  }),
  trademark: variant('trademark', { trademark: TrademarkSchema.optional() }),
  phishing: variant('phishing', { impersonated: text('impersonated', 255).optional().describe('The genuine site or brand the page imitates') }),
  csam: variant('csam', {
    notify: z
      .object({
        owner: notifyChoice('notify.owner').optional(),
        host: notifyChoice('notify.host').optional(),
        hotline: z.enum(['send', 'send-anon']).optional(),
      })
      .optional(),
  }),
  threat: variant('threat', {}),
  ncsei: variant('ncsei', {
    subject_representation: z.boolean({ error: 'subject_representation must be true (you are the person shown) or false (you act for them)' }).optional(),
  }),
  whois: variant('whois', { whois_request: WhoisRequestSchema.optional() }),
  general: variant('general', { network: NetworkSchema.optional() }),
} as const;

/** One schema per kind, selected by `kind` (absent: copyright, the one kind the first API version took). */
export const ReportInputSchema = z.discriminatedUnion('kind', Object.values(KIND_SCHEMAS) as unknown as [z.ZodObject, ...z.ZodObject[]]);
export const reportInputSchema = <K extends ReportKind>(kind: K): (typeof KIND_SCHEMAS)[K] => KIND_SCHEMAS[kind];

type Parsed<K extends ReportKind> = z.output<(typeof KIND_SCHEMAS)[K]>;
type Out<T extends z.ZodType> = z.output<T>;

// The stored shapes, by kind and regime, with exactly the elements the kind's row in
// report-kinds.ts requires (parseReport checks them before it hands one out).
export interface Reporter {
  name: string;
  email: string;
  company?: string;
  address?: string;
  phone?: string;
  country?: string;
}
export type Work = Out<typeof WorkSchema>;
export type TrademarkRegistration = Out<typeof TrademarkSchema>;
export type NetworkDetails = Out<typeof NetworkSchema>;
export type WhoisRequest = Out<typeof WhoisRequestSchema>;
export interface Notify {
  owner: NotifyChoice;
  host: NotifyChoice;
}

interface Base<K extends ReportKind, R extends LegalRegime> {
  kind: K;
  regime: R;
  notify: Notify;
  comments?: string;
  reported_country?: string;
}
/** Art. 16(2): explanation, name and e-mail, the good-faith statement. */
interface DsaElements {
  claimant: Reporter;
  explanation: string;
  statements: { accurate_and_complete: true };
}

export type CopyrightDmca = Base<'copyright', 'dmca'> & {
  claimant: Reporter & { address: string; country: string };
  work: Work;
  statements: { good_faith_belief: true; accuracy_and_authority: true };
  signature: string;
  explanation?: string;
};
export type CopyrightDsa = Base<'copyright', 'dsa'> & DsaElements & { work: Work; signature?: string };
export type TrademarkReport = (Base<'trademark', 'terms'> & { claimant: Reporter; explanation: string }) | (Base<'trademark', 'dsa'> & DsaElements);
type WithTrademark<T> = T & { trademark: TrademarkRegistration };
type Plain<K extends ReportKind> = (Base<K, 'terms'> & { claimant: Reporter; explanation: string }) | (Base<K, 'dsa'> & DsaElements);
export type PhishingReport = Plain<'phishing'> & { impersonated?: string };
export type ThreatReport = Plain<'threat'>;
export type GeneralReport = Plain<'general'> & { network?: NetworkDetails };
/** Art. 16(2)(c): the reporter of child sexual abuse material may stay unnamed. */
export type CsamReport = (Base<'csam', 'terms'> | (Base<'csam', 'dsa'> & { statements: { accurate_and_complete: true } })) & {
  claimant?: Partial<Reporter>;
  explanation: string;
  notify: Notify & { hotline: 'send' | 'send-anon' };
};
export type NcseiReport = ((Base<'ncsei', 'terms'> & { claimant: Reporter; explanation?: string }) | (Base<'ncsei', 'dsa'> & DsaElements)) & {
  subject_representation: boolean;
};
export type WhoisReport = Base<'whois', 'terms'> & { claimant: Reporter; whois_request: WhoisRequest; explanation?: string };

/** A valid report, as stored with the notice (its URLs become the notice's items), told apart by `kind` and `regime`. */
export type ReportSubmission =
  CopyrightDmca | CopyrightDsa | WithTrademark<TrademarkReport> | PhishingReport | CsamReport | ThreatReport | NcseiReport | WhoisReport | GeneralReport;
export type KindSubmission<K extends ReportKind> = Extract<ReportSubmission, { kind: K }>;
export type KindInput<K extends ReportKind> = z.input<(typeof KIND_SCHEMAS)[K]>;
export type ReportInput = { [K in ReportKind]: KindInput<K> }[ReportKind];
export type CopyrightSubmission = KindSubmission<'copyright'>;

const ELEMENT_FIELDS: Record<ReportElement, { field: string; message: (kind: ReportKind, regime: LegalRegime) => string }> = {
  urls: { field: 'urls', message: () => 'urls is required: a list of the URLs of the reported material' },
  reporter_name: { field: 'claimant.name', message: () => 'name is required' },
  reporter_email: { field: 'claimant.email', message: () => 'email is required' },
  reporter_address: { field: 'claimant.address', message: () => 'address is required' },
  reporter_country: { field: 'claimant.country', message: () => 'country is required (ISO 3166-1 two-letter code, e.g. "US")' },
  work: { field: 'work.description', message: () => 'work is required: {"description": "…", "urls": [optional]}' },
  dmca_statements: { field: 'statements', message: () => '' },
  signature: { field: 'signature', message: () => 'signature is required' },
  explanation: {
    field: 'explanation',
    message: (_k, regime) =>
      regime === 'dsa'
        ? 'explanation is required: a substantiated explanation of why the content is illegal (DSA Art. 16(2)(a))'
        : 'explanation is required: describe the abuse and how to see it on the page',
  },
  trademark: { field: 'trademark', message: () => 'trademark is required: {"number": …, "office": …, "symbol": …} of the registered mark' },
  dsa_statement: { field: 'statements.accurate_and_complete', message: () => `you must affirm this statement (set it to true): "${DSA_STATEMENT}"` },
  ncsei_subject: {
    field: 'subject_representation',
    message: () => 'subject_representation is required: true if you are the person shown, false if you report for them',
  },
  whois_request: { field: 'whois_request', message: () => 'whois_request is required: the legal basis, the request type and the data requested' },
};

const at = (v: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), v);
const present = (v: unknown) => v !== undefined && v !== null && !(typeof v === 'string' && v.trim() === '');

/** Why a kind refuses a notification choice, in the words the reporter needs. */
function notifyRefusal(kind: ReportKind, party: 'owner' | 'host', choice: string): string {
  const allowed = KIND_RULES[kind].notify[party];
  if (kind === 'copyright' && party === 'owner') {
    return 'copyright (DMCA) notices are always sent to the site owner with your name and contact details, so that the owner can answer with a counter notice (17 U.S.C. §512(g)); notify.owner must be "send"';
  }
  if (kind === 'trademark') {
    return `trademark reports cannot be anonymous: the ${party === 'owner' ? 'site owner' : 'host'} needs to know who claims the mark; notify.${party} must be "send"`;
  }
  const label = KIND_RULES[kind].label.toLowerCase();
  return `a ${label} report cannot use notify.${party} "${choice}"; it may be ${allowed.map((c) => `"${c}"`).join(' or ')}`;
}

/** The element and choice rules of the kind and regime, over the raw body (so they hold whatever else is wrong). */
export function elementErrors(kind: ReportKind, regime: LegalRegime, raw: Record<string, unknown>): FieldError[] {
  const errors: FieldError[] = [];
  const needed = requiredElements(kind, regime) ?? [];
  for (const element of needed) {
    if (element === 'dmca_statements') {
      for (const key of ['good_faith_belief', 'accuracy_and_authority'] as const) {
        if (at(raw, `statements.${key}`) !== true) {
          errors.push({ field: `statements.${key}`, message: `you must affirm this statement (set it to true): "${DMCA_STATEMENTS[key]}"` });
        }
      }
      continue;
    }
    const { field: elementField, message } = ELEMENT_FIELDS[element];
    // Without any work at all, say what a work is; with one, which part is missing.
    const field = element === 'work' && raw.work === undefined ? 'work' : elementField;
    const value = at(raw, elementField);
    if (element === 'dsa_statement' ? value !== true : element === 'ncsei_subject' ? typeof value !== 'boolean' : !present(value)) {
      errors.push({ field, message: message(kind, regime) });
    }
  }
  if (needed.includes('signature') && typeof raw.signature === 'string' && typeof at(raw, 'claimant.name') === 'string' && raw.signature.trim()) {
    const name = (at(raw, 'claimant.name') as string).trim();
    if (name && !signatureMatches(raw.signature.trim(), name)) {
      errors.push({ field: 'signature', message: `signature must be your full name as given in claimant.name ("${name}")` });
    }
  }
  for (const party of ['owner', 'host'] as const) {
    const choice = at(raw, `notify.${party}`);
    if (
      typeof choice === 'string' &&
      (NOTIFY_CHOICES as readonly string[]).includes(choice) &&
      !KIND_RULES[kind].notify[party].includes(choice as NotifyChoice)
    ) {
      errors.push({ field: `notify.${party}`, message: notifyRefusal(kind, party, choice) });
    }
  }
  // Fields of another kind are refused rather than dropped: they mean the reporter chose the wrong kind.
  const own = new Set(Object.keys(KIND_SCHEMAS[kind].shape));
  for (const other of ['work', 'signature', 'trademark', 'impersonated', 'subject_representation', 'whois_request', 'network']) {
    if (raw[other] !== undefined && !own.has(other)) {
      errors.push({ field: other, message: `${other} is not part of a ${KIND_RULES[kind].label.toLowerCase()} report (kind "${kind}")` });
    }
  }
  return errors;
}

export type ParsedReport = { ok: true; kind: ReportKind; submission: ReportSubmission; urls: string[] } | { ok: false; errors: FieldError[] };

/** Errors in the order of the kind's fields (then as found), so a form or a client lists them as the reporter reads them. */
function inSchemaOrder(kind: ReportKind, errors: FieldError[]): FieldError[] {
  const keys = Object.keys(KIND_SCHEMAS[kind].shape);
  const rank = (f: string) => {
    const i = keys.indexOf(f.split(/[.[]/)[0]!);
    return i < 0 ? keys.length : i;
  };
  return errors
    .map((e, i) => ({ e, i }))
    .sort((a, b) => rank(a.e.field) - rank(b.e.field) || a.i - b.i)
    .map(({ e }) => e);
}

/** Every problem of a report body at once, or the report with its defaults (regime, notification choices) filled in. */
export function parseReport(body: unknown): ParsedReport {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, errors: [{ field: '(body)', message: 'the report must be a JSON object' }] };
  }
  const raw = body as Record<string, unknown>;
  const kindRaw = raw.kind ?? 'copyright';
  if (typeof kindRaw !== 'string' || !isReportKind(kindRaw)) {
    return { ok: false, errors: [{ field: 'kind', message: `kind must be one of ${REPORT_KINDS.map((k) => `"${k}"`).join(', ')}` }] };
  }
  const kind = kindRaw;
  const rules = KIND_RULES[kind];
  const parsed = KIND_SCHEMAS[kind].safeParse({ ...raw, kind });
  const errors: FieldError[] = parsed.success ? [] : parsed.error.issues.map((i) => ({ field: fieldPath(i.path), message: i.message }));
  const regimeRaw = raw.regime ?? rules.regimes[0];
  if (typeof regimeRaw === 'string' && (rules.regimes as readonly string[]).includes(regimeRaw)) {
    const reported = new Set(errors.map((e) => e.field));
    for (const e of elementErrors(kind, regimeRaw as LegalRegime, raw)) {
      const covered = [...reported].some((f) => f === e.field || e.field.startsWith(`${f}.`) || f.startsWith(`${e.field}.`) || f.startsWith(`${e.field}[`));
      if (!covered) errors.push(e);
    }
  } else if (!errors.some((e) => e.field === 'regime')) {
    errors.push({
      field: 'regime',
      message: `a ${rules.label.toLowerCase()} report cannot be made under ${REGIME_LABELS[regimeRaw as LegalRegime] ?? String(regimeRaw)}; regime may be ${rules.regimes.map((r) => `"${r}"`).join(' or ')}`,
    });
  }
  if (!parsed.success || errors.length) return { ok: false, errors: inSchemaOrder(kind, errors) };
  const { urls: list, ...rest } = parsed.data as Parsed<ReportKind> & { notify?: Record<string, string> };
  const notify = {
    ...rest.notify,
    owner: (rest.notify?.owner as NotifyChoice | undefined) ?? rules.notify.owner[0],
    host: (rest.notify?.host as NotifyChoice | undefined) ?? rules.notify.host[0],
    ...(kind === 'csam' ? { hotline: (rest.notify?.hotline as 'send' | 'send-anon' | undefined) ?? 'send' } : {}),
  };
  // The element check above is what makes this cast true.
  const submission = { ...rest, kind, regime: regimeRaw as LegalRegime, notify } as unknown as ReportSubmission;
  return { ok: true, kind, submission, urls: list };
}

/** The submission narrowed to one kind, or null. */
export function asKind<K extends ReportKind>(s: ReportSubmission, kind: K): KindSubmission<K> | null {
  return s.kind === kind ? (s as KindSubmission<K>) : null;
}

/** Whether the reporter asked that the owner or host not learn who they are. */
export function reporterWithheldFrom(s: ReportSubmission, party: 'owner' | 'host'): boolean {
  return s.notify[party] === 'send-anon';
}
