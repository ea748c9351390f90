// The public report form is flat HTML fields; the notice model is nested. These two pure
// functions translate between them: form values → notice input, and the notice's field errors
// → the form fields to show them next to.
import { parse as parseCsv } from 'csv-parse/sync';
import type { DmcaNoticeInput, FieldError } from '../domain/notice.ts';
import { splitUrlText } from '../domain/url-list.ts';
import { CsvFileError, csvFileError } from '../domain/csv-file.ts';

export const REPORT_FIELDS = [
  'urls',
  'urls_file',
  'work_description',
  'work_owner',
  'work_urls',
  'claimant_name',
  'claimant_company',
  'claimant_email',
  'claimant_address',
  'claimant_phone',
  'claimant_country',
  'good_faith_belief',
  'accuracy_and_authority',
  'signature',
  'notify_host',
  'comments',
] as const;
export type ReportField = (typeof REPORT_FIELDS)[number];

/** What the user typed, as strings, to put back into the form. */
export type ReportValues = Partial<Record<ReportField | 'submission_id', string>>;

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

const lines = (v: string | undefined) =>
  splitUrlText(v ?? '')
    .map((l) => l.trim())
    .filter(Boolean);
const opt = (v: string | undefined) => (v && v.trim() ? v.trim() : undefined);

export function noticeFromForm(values: ReportValues, upload: UploadedList | null): DmcaNoticeInput {
  return {
    urls: [...splitUrlText(values.urls ?? ''), ...(upload?.urls ?? [])],
    work: { description: values.work_description ?? '', owner: opt(values.work_owner), urls: lines(values.work_urls) },
    claimant: {
      name: values.claimant_name ?? '',
      company: opt(values.claimant_company),
      email: values.claimant_email ?? '',
      address: values.claimant_address ?? '',
      phone: opt(values.claimant_phone),
      country: values.claimant_country ?? '',
    },
    // An unticked checkbox sends nothing; the schema then says exactly what must be affirmed.
    statements: { good_faith_belief: values.good_faith_belief === 'yes', accuracy_and_authority: values.accuracy_and_authority === 'yes' } as never,
    signature: values.signature ?? '',
    notify: { owner: 'send', host: (values.notify_host ?? 'send') as 'send' },
    comments: opt(values.comments),
  };
}

const FIELD_OF: Record<string, ReportField> = {
  urls: 'urls',
  'work.description': 'work_description',
  'work.owner': 'work_owner',
  'work.urls': 'work_urls',
  'claimant.name': 'claimant_name',
  'claimant.company': 'claimant_company',
  'claimant.email': 'claimant_email',
  'claimant.address': 'claimant_address',
  'claimant.phone': 'claimant_phone',
  'claimant.country': 'claimant_country',
  'statements.good_faith_belief': 'good_faith_belief',
  'statements.accuracy_and_authority': 'accuracy_and_authority',
  signature: 'signature',
  'notify.host': 'notify_host',
  comments: 'comments',
};

/** The API's messages name API fields ("claimant.email must …"); on the form the label says which field. */
export function formMessage(field: string, message: string): string {
  const last = field.split('.').at(-1)!;
  let m = message;
  for (const prefix of [`${field} `, `${last} `]) if (m.startsWith(prefix)) m = m.slice(prefix.length);
  m = m.replace('(set it to true)', '(tick the box)');
  return m.charAt(0).toUpperCase() + m.slice(1);
}

/** Errors grouped by form field; unknown fields (should not happen) go to the form as a whole. */
export function formErrors(errors: FieldError[]): Partial<Record<ReportField | 'form', string[]>> {
  const out: Partial<Record<ReportField | 'form', string[]>> = {};
  for (const e of errors) {
    const key: ReportField | 'form' = /^urls\[\d+\]$/.test(e.field) ? 'urls' : e.field.startsWith('work.urls') ? 'work_urls' : (FIELD_OF[e.field] ?? 'form');
    const message = /^urls\[(\d+)\]$/.test(e.field) ? `Line ${Number(/\d+/.exec(e.field)![0]) + 1}: ${e.message}` : formMessage(e.field, e.message);
    (out[key] ??= []).push(message);
  }
  return out;
}
