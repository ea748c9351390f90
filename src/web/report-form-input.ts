// The public report form is flat HTML fields; a report is nested. One table (FORM_FIELDS), keyed
// by the report's paths, says how each part of a report is asked for on the web: its control, its
// label in the words of each kind and regime, and the element of KIND_RULES that makes it required.
// Which fields a kind has is the kind's zod schema (report-submission.ts); which are required is
// its row in report-kinds.ts. These pure functions turn form values into the body `parseReport`
// takes, and parseReport's field errors back into the form fields to show them next to.
import { parse as parseCsv } from 'csv-parse/sync';
import { z } from 'zod';
import type { FieldError } from '../domain/notice.ts';
import { splitUrlText } from '../domain/url-list.ts';
import { CsvFileError, csvFileError } from '../domain/csv-file.ts';
import { KIND_RULES, requiredElements, type LegalRegime, type ReportElement, type ReportKind } from '../domain/report-kinds.ts';
import { DSA_STATEMENT, WHOIS_DATA_ELEMENTS, reportInputSchema } from '../domain/report-submission.ts';
import { DMCA_STATEMENTS } from '../domain/notice.ts';

/** Where a field sits on the page; each group is one fieldset. */
export type FieldGroup = 'material' | 'details' | 'you' | 'notify' | 'statements';

export type FieldControl =
  /** One line of text; `input` is its HTML type. */
  | { type: 'text'; input?: 'text' | 'email' | 'tel'; autocomplete?: string }
  | { type: 'textarea'; lines?: false }
  /** One entry per line, sent as a list. */
  | { type: 'textarea'; lines: true }
  | { type: 'country' }
  /** A statement to affirm: ticked is `true`. */
  | { type: 'checkbox'; statement: string }
  /** One of several values; `boolean` maps "yes"/"no" to true/false. */
  | { type: 'radio'; choices: readonly { value: string; label: string }[]; boolean?: true }
  /** Several of a list. */
  | { type: 'checkboxes'; choices: readonly { value: string; label: string }[] };

/** A text that may differ by kind and regime: `kind.regime` wins over `regime`, over `kind`, over `default`. */
export type ByKind = { default: string } & Partial<Record<ReportKind | LegalRegime | `${ReportKind}.${LegalRegime}`, string>>;

export interface FormField {
  /** The path in the report body (and in parseReport's errors). */
  path: string;
  /** The HTML name and id. */
  name: string;
  group: FieldGroup;
  control: FieldControl;
  label: ByKind;
  hint?: ByKind;
  /** The element whose presence KIND_RULES requires; a field without one is never required. */
  element?: ReportElement;
  /** Optional even where its element is required (a part of a required object that may be left out). */
  optional?: true;
  /** Shown only where its element is required (statements of another regime, the signature). */
  onlyIfRequired?: true;
}

/** What is wrong in each kind, for the words of the URL field. */
const URLS_LABEL: ByKind = {
  default: 'Reported URLs',
  copyright: 'Infringing URLs',
  trademark: 'Infringing URLs',
  csam: 'URLs where the material can be found',
  ncsei: 'URLs of the images or video',
  whois: 'URLs of the domains concerned',
};

const opt = (choices: readonly string[], label: (c: string) => string) => choices.map((value) => ({ value, label: label(value) }));
const WHOIS_DATA_LABEL = (e: string) => {
  const [who, ...rest] = e.split('_');
  return `${who!.charAt(0).toUpperCase()}${who!.slice(1)} ${rest.join(' ').replace('address country', 'country').replace('address postal code', 'postal code')}`;
};

export const FORM_FIELDS: readonly FormField[] = [
  {
    path: 'urls',
    name: 'urls',
    group: 'material',
    control: { type: 'textarea', lines: true },
    label: URLS_LABEL,
    hint: { default: 'One URL per line, each the full address (https://…) of a page or file. Blank lines and duplicates are ignored.' },
    element: 'urls',
  },
  {
    path: 'work.description',
    name: 'work_description',
    group: 'details',
    control: { type: 'textarea' },
    label: { default: 'Describe the copyrighted work' },
    hint: { default: 'What is the work that is being infringed? For example: the film “Sunrise Over Harbor” (2025), or the photograph at the link below.' },
    element: 'work',
  },
  {
    path: 'work.owner',
    name: 'work_owner',
    group: 'details',
    control: { type: 'text' },
    label: { default: 'Copyright owner (if not you or your company)' },
    element: 'work',
    optional: true,
  },
  {
    path: 'work.urls',
    name: 'work_urls',
    group: 'details',
    control: { type: 'textarea', lines: true },
    label: { default: 'Where the original work can be seen' },
    hint: { default: 'Links to the original, one per line. These are never acted on.' },
    element: 'work',
    optional: true,
  },
  {
    path: 'trademark.symbol',
    name: 'trademark_symbol',
    group: 'details',
    control: { type: 'textarea' },
    label: { default: 'Describe the trademark' },
    hint: { default: 'The word mark, or a description of the figurative mark, as registered.' },
    element: 'trademark',
  },
  {
    path: 'trademark.number',
    name: 'trademark_number',
    group: 'details',
    control: { type: 'text' },
    label: { default: 'Registration number' },
    element: 'trademark',
  },
  {
    path: 'trademark.office',
    name: 'trademark_office',
    group: 'details',
    control: { type: 'text' },
    label: { default: 'Office that registered it' },
    hint: { default: 'For example USPTO, EUIPO, DPMA.' },
    element: 'trademark',
  },
  {
    path: 'impersonated',
    name: 'impersonated',
    group: 'details',
    control: { type: 'text' },
    label: { default: 'The genuine site or brand the page imitates' },
  },
  {
    path: 'subject_representation',
    name: 'subject_representation',
    group: 'details',
    control: {
      type: 'radio',
      boolean: true,
      choices: [
        { value: 'yes', label: 'I am the person shown' },
        { value: 'no', label: 'I report for the person shown (with their consent, or as their representative)' },
      ],
    },
    label: { default: 'Who are you?' },
    element: 'ncsei_subject',
  },
  {
    path: 'whois_request.request_type',
    name: 'whois_request_type',
    group: 'details',
    control: {
      type: 'radio',
      choices: [
        { value: 'disclosure', label: 'Disclose the registrant data to me' },
        { value: 'invalid_whois', label: 'The registrant data is false or incomplete' },
      ],
    },
    label: { default: 'What do you ask for?' },
    element: 'whois_request',
  },
  {
    path: 'whois_request.legal_basis',
    name: 'whois_legal_basis',
    group: 'details',
    control: { type: 'textarea' },
    label: { default: 'Your legal basis for the request' },
    hint: { default: 'The legal rights and rationale, for example Art. 6(1)(f) GDPR and the right you need to enforce.' },
    element: 'whois_request',
  },
  {
    path: 'whois_request.requested_data',
    name: 'whois_requested_data',
    group: 'details',
    control: { type: 'checkboxes', choices: opt(WHOIS_DATA_ELEMENTS, WHOIS_DATA_LABEL) },
    label: { default: 'The data you request' },
    element: 'whois_request',
  },
  {
    path: 'whois_request.requestor_type',
    name: 'whois_requestor_type',
    group: 'details',
    control: { type: 'radio', choices: opt(['individual', 'corporation', 'government'], (c) => `${c.charAt(0).toUpperCase()}${c.slice(1)}`) },
    label: { default: 'You request as' },
    element: 'whois_request',
    optional: true,
  },
  {
    path: 'whois_request.authorization_statement',
    name: 'whois_authorization_statement',
    group: 'details',
    control: { type: 'textarea' },
    label: { default: 'Your authority to make the request' },
    hint: { default: 'If you act for someone else: who, and by what authority.' },
    element: 'whois_request',
    optional: true,
  },
  {
    path: 'network.source_ips',
    name: 'network_source_ips',
    group: 'details',
    control: { type: 'textarea', lines: true },
    label: { default: 'Source IP addresses of the abuse' },
    hint: { default: 'For spam or attacks: one IPv4 or IPv6 address per line, up to 30.' },
  },
  {
    path: 'network.destination_ips',
    name: 'network_destination_ips',
    group: 'details',
    control: { type: 'textarea', lines: true },
    label: { default: 'Destination IP addresses' },
    hint: { default: 'One address per line, up to 30.' },
  },
  {
    path: 'network.ports_protocols',
    name: 'network_ports_protocols',
    group: 'details',
    control: { type: 'textarea', lines: true },
    label: { default: 'Ports and protocols' },
    hint: { default: 'One per line, such as 80/TCP or 53/UDP.' },
  },
  {
    path: 'explanation',
    name: 'explanation',
    group: 'details',
    control: { type: 'textarea' },
    label: {
      default: 'Describe the abuse',
      dsa: 'Why is this content illegal?',
      copyright: 'Anything the site owner should know about the infringement',
      trademark: 'How does the site infringe your trademark?',
      phishing: 'Describe the phishing or malware',
      csam: 'Describe what you saw',
      threat: 'Describe the threat',
      ncsei: 'Anything else we should know about the images',
      whois: 'Anything else we should know about the request',
    },
    hint: {
      default: 'Say what is wrong and how to see it on the page.',
      dsa: 'A substantiated explanation: which law the content breaks, and why (DSA Art. 16(2)(a)).',
      csam: 'Where on the page the material is. Do not attach or send the material itself.',
      phishing: 'What the page asks for or serves, and how you came across it.',
    },
    element: 'explanation',
  },
  {
    path: 'claimant.name',
    name: 'claimant_name',
    group: 'you',
    control: { type: 'text', autocomplete: 'name' },
    label: { default: 'Your full legal name', csam: 'Your name' },
    element: 'reporter_name',
  },
  {
    path: 'claimant.company',
    name: 'claimant_company',
    group: 'you',
    control: { type: 'text', autocomplete: 'organization' },
    label: { default: 'Company or organisation' },
  },
  {
    path: 'claimant.email',
    name: 'claimant_email',
    group: 'you',
    control: { type: 'text', input: 'email', autocomplete: 'email' },
    label: { default: 'E-mail address' },
    hint: { default: 'We send the status link and any questions here.' },
    element: 'reporter_email',
  },
  {
    path: 'claimant.address',
    name: 'claimant_address',
    group: 'you',
    control: { type: 'textarea' },
    label: { default: 'Postal address' },
    element: 'reporter_address',
    onlyIfRequired: true,
  },
  {
    path: 'claimant.phone',
    name: 'claimant_phone',
    group: 'you',
    control: { type: 'text', input: 'tel', autocomplete: 'tel' },
    label: { default: 'Phone number' },
  },
  {
    path: 'claimant.country',
    name: 'claimant_country',
    group: 'you',
    control: { type: 'country' },
    label: { default: 'Country' },
    element: 'reporter_country',
    onlyIfRequired: true,
  },
  {
    path: 'statements.good_faith_belief',
    name: 'good_faith_belief',
    group: 'statements',
    control: { type: 'checkbox', statement: DMCA_STATEMENTS.good_faith_belief },
    label: { default: 'Good-faith statement' },
    element: 'dmca_statements',
    onlyIfRequired: true,
  },
  {
    path: 'statements.accuracy_and_authority',
    name: 'accuracy_and_authority',
    group: 'statements',
    control: { type: 'checkbox', statement: DMCA_STATEMENTS.accuracy_and_authority },
    label: { default: 'Accuracy and authority statement' },
    element: 'dmca_statements',
    onlyIfRequired: true,
  },
  {
    path: 'statements.accurate_and_complete',
    name: 'accurate_and_complete',
    group: 'statements',
    control: { type: 'checkbox', statement: DSA_STATEMENT },
    label: { default: 'Good-faith statement' },
    element: 'dsa_statement',
    onlyIfRequired: true,
  },
  {
    path: 'whois_request.good_faith_affirmation',
    name: 'whois_good_faith_affirmation',
    group: 'statements',
    control: { type: 'checkbox', statement: 'I make this request in good faith, for the legal basis stated above.' },
    label: { default: 'Good-faith statement' },
    element: 'whois_request',
  },
  {
    path: 'whois_request.lawful_processing_agreement',
    name: 'whois_lawful_processing_agreement',
    group: 'statements',
    control: { type: 'checkbox', statement: 'I will process any data disclosed to me lawfully, and only for the purpose stated.' },
    label: { default: 'Lawful processing agreement' },
    element: 'whois_request',
  },
  {
    path: 'signature',
    name: 'signature',
    group: 'statements',
    control: { type: 'text' },
    label: { default: 'Electronic signature' },
    hint: { default: 'Type your full legal name, exactly as above.' },
    element: 'signature',
    onlyIfRequired: true,
  },
  ...(['owner', 'host', 'hotline'] as const).map((party): FormField => ({
    path: `notify.${party}`,
    name: `notify_${party}`,
    group: 'notify',
    // The choices are the kind's (KIND_RULES[kind].notify); the page words them.
    control: { type: 'radio', choices: [] },
    label: { default: { owner: 'Site owner notification', host: 'Hosting provider notification', hotline: 'Hotline report' }[party] },
  })),
  {
    path: 'comments',
    name: 'comments',
    group: 'statements',
    control: { type: 'textarea' },
    label: { default: 'Anything else we should know' },
  },
];

export const FORM_FIELD_NAMES: ReadonlySet<string> = new Set(FORM_FIELDS.map((f) => f.name));

export function byKind(t: ByKind, kind: ReportKind, regime: LegalRegime): string {
  return t[`${kind}.${regime}`] ?? t[regime] ?? t[kind] ?? t.default;
}

/** The notification choices of a party, as the kind allows them (the hotline's: as its schema does); the first is the default. */
export function notifyChoices(kind: ReportKind, party: string): readonly string[] {
  if (party === 'owner' || party === 'host') return KIND_RULES[kind].notify[party];
  const notify = (reportInputSchema(kind).shape as Record<string, z.ZodType>).notify;
  const shape = notify instanceof z.ZodOptional && notify.unwrap() instanceof z.ZodObject ? (notify.unwrap() as z.ZodObject).shape : {};
  const field = shape[party];
  const inner = field instanceof z.ZodOptional ? field.unwrap() : field;
  return inner instanceof z.ZodEnum ? (inner.options as string[]) : [];
}

/** A field as shown for one kind and regime. */
export interface ShownField extends FormField {
  required: boolean;
  text: { label: string; hint?: string };
}

/**
 * The fields a kind's form asks for under a regime, in page order: those whose top-level key is
 * in the kind's schema, minus the ones of another regime, and the notification parties the kind
 * lets the reporter choose for.
 */
export function formFields(kind: ReportKind, regime: LegalRegime): ShownField[] {
  const shape = reportInputSchema(kind).shape as Record<string, unknown>;
  const needed = requiredElements(kind, regime) ?? [];
  const out: ShownField[] = [];
  for (const f of FORM_FIELDS) {
    const top = f.path.split('.')[0]!;
    if (!(top in shape)) continue;
    const elementRequired = !!f.element && needed.includes(f.element);
    if (f.onlyIfRequired && !elementRequired) continue;
    if (f.group === 'notify' && notifyChoices(kind, f.path.split('.')[1]!).length === 0) continue;
    const required = elementRequired && !f.optional;
    out.push({ ...f, required, text: { label: byKind(f.label, kind, regime), hint: f.hint ? byKind(f.hint, kind, regime) : undefined } });
  }
  return out;
}

/** What the user typed, as strings (lists for several checkboxes of one name), to put back into the form. */
export type ReportValues = Partial<Record<string, string | string[]>>;

export const one = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[0] ?? '') : (v ?? ''));
export const many = (v: string | string[] | undefined): string[] => (Array.isArray(v) ? v : v ? [v] : []);

/** An uploaded list of URLs, read. */
export interface UploadedList {
  filename: string;
  urls: string[];
}

/**
 * The URLs of an uploaded .txt (one per line) or .csv (every cell that looks like a URL), or
 * what makes the file unreadable (a quote left open in a .csv), to show beside the field.
 */
export function readUploadedList(filename: string, content: string): UploadedList | string {
  if (!/\.csv$/i.test(filename)) return { filename, urls: splitUrlText(content) };
  let rows: string[][];
  try {
    rows = parseCsv(content, { relax_column_count: true, skip_empty_lines: true, bom: true }) as string[][];
  } catch (err) {
    const refused = csvFileError(err);
    if (refused instanceof CsvFileError) return `"${filename}" cannot be read at line ${refused.line}: ${refused.message}`;
    throw err;
  }
  return { filename, urls: rows.flatMap((r) => r.map((c) => c.trim()).filter((c) => /^(https?:\/\/|www\.)/i.test(c))) };
}

const lines = (v: string) =>
  splitUrlText(v)
    .map((l) => l.trim())
    .filter(Boolean);

function setPath(body: Record<string, unknown>, path: string, value: unknown) {
  const keys = path.split('.');
  let o = body;
  for (const k of keys.slice(0, -1)) o = (o[k] ??= {}) as Record<string, unknown>;
  o[keys.at(-1)!] = value;
}

/**
 * The report body of the form, as the API would send it. Something left empty is left out, so
 * that parseReport says what is required; a required field left empty is sent empty (or a
 * statement unticked as false), so that its error names that very field.
 */
export function reportFromForm(kind: ReportKind, regime: LegalRegime, values: ReportValues, upload: UploadedList | null): Record<string, unknown> {
  const body: Record<string, unknown> = { kind, regime };
  for (const f of formFields(kind, regime)) {
    const raw = values[f.name];
    const c = f.control;
    let value: unknown;
    if (f.path === 'urls') value = [...splitUrlText(one(raw)), ...(upload?.urls ?? [])];
    else if (c.type === 'checkbox') value = one(raw) === 'yes' ? true : f.required ? false : undefined;
    else if (c.type === 'checkboxes') value = many(raw).length ? many(raw) : f.required ? [] : undefined;
    else if (c.type === 'radio') value = one(raw) ? (c.boolean ? one(raw) === 'yes' : one(raw)) : undefined;
    else if (c.type === 'textarea' && c.lines) value = lines(one(raw)).length ? lines(one(raw)) : f.required ? [] : undefined;
    else value = one(raw).trim() ? one(raw) : f.required ? '' : undefined;
    if (value !== undefined) setPath(body, f.path, value);
  }
  return body;
}

/** The API's messages name API fields ("claimant.email must …"); on the form the label says which field. */
export function formMessage(field: string, message: string): string {
  const last = field.split('.').at(-1)!;
  let m = message;
  for (const prefix of [`${field} `, `${last} `]) if (m.startsWith(prefix)) m = m.slice(prefix.length);
  m = m
    .replace('(set it to true)', '(tick the box)')
    .replace(/^must be true: /, 'tick the box to affirm: ')
    .replace(/^is required: true if .*$/, 'choose one');
  return m.charAt(0).toUpperCase() + m.slice(1);
}

export type FormErrors = Partial<Record<string, string[]>>;

/**
 * parseReport's errors grouped by the form field that shows them: the field of that path, or of
 * the list it is an entry of (`urls[3]`: line 4), or the first field of the object it names
 * (`trademark`); anything else goes to the form as a whole.
 */
export function formErrors(kind: ReportKind, regime: LegalRegime, errors: FieldError[]): FormErrors {
  const shown = formFields(kind, regime);
  const out: FormErrors = {};
  for (const e of errors) {
    const entry = /^(.*)\[(\d+)\]$/.exec(e.field);
    const path = entry ? entry[1]! : e.field;
    const f = shown.find((x) => x.path === path) ?? shown.find((x) => x.path.startsWith(`${path}.`));
    const key = f?.name ?? 'form';
    const message = entry && f?.path === 'urls' ? `Line ${Number(entry[2]) + 1}: ${e.message}` : formMessage(path, e.message);
    (out[key] ??= []).push(message);
  }
  return out;
}
