/**
 * Cloudflare's abuse report forms (the official SDK's `AbuseReportCreateParams`, one per `act`)
 * as native reports, and native field errors back in the form's field names. One table says
 * which form fields each type requires and where each lands in the native report; the native
 * validation (report-submission.ts) then applies the same rules as on every other channel.
 * Cloudflare's 250-URL and one-hostname limits are not imposed: this desk takes a URL list of
 * any length and routes each URL on its own.
 */
import type { FieldError } from './notice.ts';
import { KIND_RULES, type ReportKind } from './report-kinds.ts';

type Form = Record<string, unknown>;

const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
const trimmed = (v: unknown) => str(v)?.trim() || undefined;
const lines = (v: unknown) =>
  (str(v) ?? '')
    .split(/\r\n|\r|\n/)
    .map((l) => l.trim())
    .filter(Boolean);

/** The form fields each type requires beyond name, email, email2 and urls (the SDK's types). */
const REQUIRED: Record<ReportKind, readonly string[]> = {
  copyright: ['address1', 'city', 'state', 'country', 'agent_name', 'original_work', 'signature'],
  trademark: ['justification', 'trademark_number', 'trademark_office', 'trademark_symbol'],
  general: ['justification'],
  phishing: ['justification'],
  csam: ['justification', 'ncmec_notification'],
  threat: ['justification'],
  whois: [],
  ncsei: ['ncsei_subject_representation'],
};

/** Cloudflare's documented length limits of the form's text fields. */
const MAX_LENGTH: Record<string, number> = {
  name: 255,
  address1: 100,
  agent_name: 60,
  original_work: 255,
  city: 255,
  state: 255,
  country: 255,
  company: 100,
  tele: 20,
  title: 255,
  comments: 2000,
  justification: 5000,
  trademark_number: 1000,
  trademark_office: 1000,
  trademark_symbol: 1000,
  reported_user_agent: 255,
  ports_protocols: 2000,
};

const bool = (v: unknown): boolean | undefined =>
  v === true || v === 1 || v === '1' || v === 'true' ? true : v === false || v === 0 || v === '0' || v === 'false' ? false : undefined;

function notify(form: Form, kind: ReportKind) {
  const rules = KIND_RULES[kind].notify;
  const owner = trimmed(form.owner_notification) ?? rules.owner[0];
  // WHOIS requests have no host_notification: the host is never told.
  const host = kind === 'whois' ? 'none' : (trimmed(form.host_notification) ?? rules.host[0]);
  return { owner, host, ...(kind === 'csam' ? { hotline: trimmed(form.ncmec_notification) } : {}) };
}

function formOnlyErrors(kind: ReportKind, form: Form): FieldError[] {
  const errors: FieldError[] = [];
  for (const f of ['name', 'email', 'email2', 'urls', ...REQUIRED[kind]]) {
    const v = form[f];
    if (v === undefined || v === null || (typeof v === 'string' && !v.trim())) errors.push({ field: f, message: `${f} is required` });
  }
  for (const [f, max] of Object.entries(MAX_LENGTH)) {
    const v = str(form[f]);
    if (v !== undefined && v.length > max) errors.push({ field: f, message: `${f} must not exceed ${max} characters` });
  }
  const email = trimmed(form.email);
  const email2 = trimmed(form.email2);
  if (email && email2 && email.toLowerCase() !== email2.toLowerCase()) errors.push({ field: 'email2', message: 'Provided emails did not match' });
  const reported = trimmed(form.reported_country);
  if (reported && !/^[A-Za-z]{2}$/.test(reported)) errors.push({ field: 'reported_country', message: 'reported_country must contain 2 characters' });
  if (kind === 'copyright' && str(form.agree) !== '1' && form.agree !== true) {
    errors.push({ field: 'agree', message: 'agree must be 1: you must affirm the good-faith and accuracy statements under penalty of perjury' });
  }
  if (kind === 'ncsei' && form.ncsei_subject_representation !== undefined && bool(form.ncsei_subject_representation) === undefined) {
    errors.push({ field: 'ncsei_subject_representation', message: 'ncsei_subject_representation must be true or false' });
  }
  const ports = lines(str(form.ports_protocols)?.replace(/,/g, '\n'));
  if (ports.some((p) => p.length > 100)) errors.push({ field: 'ports_protocols', message: 'each port/protocol must not exceed 100 characters' });
  return errors;
}

/** The parts of a report every form has, with the type's own parts added by `kindFields`. */
function nativeReport(kind: ReportKind, form: Form): Record<string, unknown> {
  const address = [form.address1, form.address2, form.city, form.state].map(trimmed).filter(Boolean).join(', ');
  const country = trimmed(form.country);
  const comments =
    [
      trimmed(form.title) ? `Title: ${trimmed(form.title)}` : null,
      str(form.comments) ?? null,
      trimmed(form.reported_user_agent) ? `Reported user agent: ${trimmed(form.reported_user_agent)}` : null,
    ]
      .filter(Boolean)
      .join('\n') || undefined;
  const report: Record<string, unknown> = {
    kind,
    urls: (str(form.urls) ?? '').split(/\r\n|\r|\n/),
    claimant: {
      name: str(form.name) ?? '',
      company: trimmed(form.company),
      email: str(form.email) ?? '',
      address: address || undefined,
      phone: trimmed(form.tele),
      // Only a two-letter code is a country here; Cloudflare's free text (a country name) stays out.
      country: country && /^[A-Za-z]{2}$/.test(country) ? country : undefined,
    },
    explanation: trimmed(form.justification),
    notify: notify(form, kind),
    comments,
    reported_country: trimmed(form.reported_country)?.toUpperCase(),
  };
  return { ...report, ...kindFields(kind, form) };
}

function kindFields(kind: ReportKind, form: Form): Record<string, unknown> {
  switch (kind) {
    case 'copyright': {
      const agreed = str(form.agree) === '1' || form.agree === true;
      return {
        work: { description: str(form.original_work) ?? '', owner: trimmed(form.agent_name) },
        statements: { good_faith_belief: agreed, accuracy_and_authority: agreed },
        signature: str(form.signature) ?? '',
      };
    }
    case 'trademark':
      return { trademark: { number: str(form.trademark_number) ?? '', office: str(form.trademark_office) ?? '', symbol: str(form.trademark_symbol) ?? '' } };
    case 'phishing':
      return { impersonated: trimmed(form.original_work) };
    case 'general': {
      const network = {
        source_ips: form.source_ips === undefined ? undefined : lines(form.source_ips),
        destination_ips: form.destination_ips === undefined ? undefined : lines(form.destination_ips),
        ports_protocols: form.ports_protocols === undefined ? undefined : lines(str(form.ports_protocols)?.replace(/,/g, '\n')),
      };
      return Object.values(network).some((v) => v !== undefined) ? { network } : {};
    }
    case 'ncsei':
      return { subject_representation: bool(form.ncsei_subject_representation) };
    case 'whois': {
      const r = form.reg_who_request;
      if (!r || typeof r !== 'object') return {};
      const w = r as Record<string, unknown>;
      return {
        whois_request: {
          legal_basis: w.reg_who_legal_basis,
          request_type: w.reg_who_request_type,
          requested_data: w.reg_who_requested_data_elements,
          good_faith_affirmation: w.reg_who_good_faith_affirmation,
          lawful_processing_agreement: w.reg_who_lawful_processing_agreement,
          authorization_statement: w.reg_who_authorization_statement,
          requestor_type: w.reg_who_requestor_type,
        },
      };
    }
    default:
      return {};
  }
}

/** A Cloudflare form as a native report of its kind, plus the problems only the form can have. */
export function fromCloudflareForm(kind: ReportKind, form: Form): { report: Record<string, unknown>; errors: FieldError[] } {
  return { report: nativeReport(kind, form), errors: formOnlyErrors(kind, form) };
}

/** Native field → the form field a script sent. */
const FIELD_NAMES: Record<string, string> = {
  'claimant.name': 'name',
  'claimant.email': 'email',
  'claimant.company': 'company',
  'claimant.address': 'address1',
  'claimant.phone': 'tele',
  'claimant.country': 'country',
  'work.description': 'original_work',
  'work.owner': 'agent_name',
  'statements.good_faith_belief': 'agree',
  'statements.accuracy_and_authority': 'agree',
  'notify.owner': 'owner_notification',
  'notify.host': 'host_notification',
  'notify.hotline': 'ncmec_notification',
  explanation: 'justification',
  'trademark.number': 'trademark_number',
  'trademark.office': 'trademark_office',
  'trademark.symbol': 'trademark_symbol',
  trademark: 'trademark_number',
  impersonated: 'original_work',
  subject_representation: 'ncsei_subject_representation',
  whois_request: 'reg_who_request',
  'whois_request.legal_basis': 'reg_who_request.reg_who_legal_basis',
  'whois_request.request_type': 'reg_who_request.reg_who_request_type',
  'whois_request.requested_data': 'reg_who_request.reg_who_requested_data_elements',
  'whois_request.good_faith_affirmation': 'reg_who_request.reg_who_good_faith_affirmation',
  'whois_request.lawful_processing_agreement': 'reg_who_request.reg_who_lawful_processing_agreement',
  'whois_request.authorization_statement': 'reg_who_request.reg_who_authorization_statement',
  'whois_request.requestor_type': 'reg_who_request.reg_who_requestor_type',
  'network.source_ips': 'source_ips',
  'network.destination_ips': 'destination_ips',
  'network.ports_protocols': 'ports_protocols',
  reported_country: 'reported_country',
  signature: 'signature',
  comments: 'comments',
  urls: 'urls',
};

export function cloudflareField(field: string): string {
  const url = /^urls\[(\d+)\]$/.exec(field);
  if (url) return `urls (line ${Number(url[1]) + 1})`;
  const listed = /^(network\.(?:source_ips|destination_ips|ports_protocols)|whois_request\.requested_data)\[(\d+)\]$/.exec(field);
  if (listed) return `${FIELD_NAMES[listed[1]!]} (entry ${Number(listed[2]) + 1})`;
  return FIELD_NAMES[field] ?? field;
}
