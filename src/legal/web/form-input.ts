// The console's "new legal request" form is flat HTML fields with lists typed one per line; the
// API takes JSON (src/legal/domain/legal-request.ts validates both). These pure functions translate:
// form values → the API's request body, and the body's field errors → the form fields to show
// them beside, with the line a bad domain, account or block rule was typed on.
import type { FieldError } from '../../domain/notice.ts';

export const LEGAL_FORM_FIELDS = [
  'type',
  'authority',
  'case_number',
  'requesting_party',
  'received_at',
  'deadline',
  'target_domains',
  'target_accounts',
  'block_rules',
  'block_ends_at',
  'notes',
  'document_ref',
  'non_disclosure_order',
  'non_disclosure_until',
] as const;
export type LegalFormField = (typeof LEGAL_FORM_FIELDS)[number];

/** What staff typed, as strings, to put back into the form. */
export type LegalFormValues = Partial<Record<LegalFormField | 'submission_id', string>>;

/** Labels of the form's fields, for the error summary (the form shows the same words). */
export const LEGAL_FORM_LABELS: Record<LegalFormField | 'targets' | 'form', string> = {
  type: 'Kind of request',
  authority: 'Issued by',
  case_number: 'Case or reference number',
  requesting_party: 'Requested by',
  received_at: 'Received on',
  deadline: 'Deadline',
  targets: 'Targets',
  target_domains: 'Domains named',
  target_accounts: 'Account ids named',
  block_rules: 'Domain block rules',
  block_ends_at: 'Block rules end on',
  notes: 'Notes',
  document_ref: 'Where the document is kept',
  non_disclosure_order: 'Non-disclosure order',
  non_disclosure_until: 'Non-disclosure order ends on',
  form: 'The form',
};

/** The non-blank lines of a text area, trimmed, each with its line number (1-based). */
function numberedLines(v: string | undefined): { text: string; line: number }[] {
  return (v ?? '')
    .split(/\r\n|\r|\n/)
    .map((text, i) => ({ text: text.trim(), line: i + 1 }))
    .filter((l) => l.text);
}

const opt = (v: string | undefined) => (v && v.trim() ? v.trim() : undefined);

export interface LegalFormBody {
  /** The request as POST /v1/legal-requests takes it. */
  body: Record<string, unknown>;
  /** For each list, the form line every entry came from. */
  lines: { domains: number[]; accounts: number[]; block_rules: number[] };
}

export function legalRequestFromForm(v: LegalFormValues): LegalFormBody {
  const domains = numberedLines(v.target_domains);
  const accounts = numberedLines(v.target_accounts);
  const rules = numberedLines(v.block_rules);
  const body: Record<string, unknown> = {
    type: opt(v.type),
    authority: v.authority ?? '',
    case_number: v.case_number ?? '',
    requesting_party: v.requesting_party ?? '',
    received_at: opt(v.received_at),
    deadline: opt(v.deadline),
    notes: opt(v.notes),
    document_ref: opt(v.document_ref),
    non_disclosure_order: v.non_disclosure_order === 'yes',
    non_disclosure_until: opt(v.non_disclosure_until),
    block_ends_at: opt(v.block_ends_at),
  };
  if (domains.length || accounts.length) body.targets = { domains: domains.map((l) => l.text), accounts: accounts.map((l) => l.text) };
  // An empty box is no rules at all (the validator refuses rules on anything but a court order).
  if (rules.length) body.block_rules = rules.map((l) => l.text);
  for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
  return { body, lines: { domains: domains.map((l) => l.line), accounts: accounts.map((l) => l.line), block_rules: rules.map((l) => l.line) } };
}

/** The few messages the validator words for the JSON API, as the form says them. */
const FORM_WORDING: Record<string, string> = {
  type: 'choose the kind of request',
  'non_disclosure_until:only with "non_disclosure_order": true': 'tick “The request carries a non-disclosure order” to give the date it ends',
  'non_disclosure_order:must be true or false': 'tick the box or leave it empty',
};

/** The API's field errors by form field, each list entry's error naming its line. */
export function legalFormErrors(errors: FieldError[], lines: LegalFormBody['lines']): Partial<Record<LegalFormField | 'targets' | 'form', string[]>> {
  const out: Partial<Record<LegalFormField | 'targets' | 'form', string[]>> = {};
  const add = (f: LegalFormField | 'targets' | 'form', m: string) => (out[f] ??= []).push(m);
  for (const e of errors) {
    const listed = /^(targets\.domains|targets\.accounts|block_rules)(?:\[(\d+)\])?$/.exec(e.field);
    if (listed) {
      const list = listed[1] === 'targets.domains' ? 'domains' : listed[1] === 'targets.accounts' ? 'accounts' : 'block_rules';
      const to = list === 'domains' ? 'target_domains' : list === 'accounts' ? 'target_accounts' : 'block_rules';
      const line = listed[2] !== undefined ? lines[list][Number(listed[2])] : undefined;
      add(to, line !== undefined ? `line ${line}: ${e.message}` : e.message);
    } else if (e.field === 'targets' || (LEGAL_FORM_FIELDS as readonly string[]).includes(e.field)) {
      add(e.field as LegalFormField | 'targets', FORM_WORDING[`${e.field}:${e.message}`] ?? FORM_WORDING[e.field] ?? e.message);
    } else if (e.field === 'Idempotency-Key') {
      add('form', 'this form was already used to record another request; open “New legal request” again to record a new one');
    } else {
      add('form', e.message);
    }
  }
  return out;
}
