// The console's form to record legal process (a §512(h) subpoena, a court order with its domain
// block rules, a law-enforcement or other request): the fields of POST /v1/legal-requests, lists
// typed one per line, every problem shown beside its field with what was typed kept.
import { Layout, ErrorSummary } from '../../../web/layout.tsx';
import type { Principal } from '../../../services/principals.ts';
import { LEGAL_REQUEST_TYPES, LEGAL_REQUEST_TYPE_LABELS, MAX_BLOCK_RULES, MAX_TARGETS } from '../../domain/legal-request.ts';
import { LEGAL_FORM_LABELS, type LegalFormField, type LegalFormValues } from '../form-input.ts';

export type LegalFormErrors = Partial<Record<LegalFormField | 'targets' | 'form', string[]>>;

const TYPE_HINTS: Record<(typeof LEGAL_REQUEST_TYPES)[number], string> = {
  subpoena: 'A subpoena to identify a customer (17 U.S.C. §512(h)) or any other subpoena; it has a return date.',
  court_order: 'An order or injunction; it may order domains blocked.',
  law_enforcement: 'A request from the police or another agency; it has a date by which to answer.',
  other: 'Anything else with a case or reference number.',
};

/** Where each error of the summary leads: the input itself, so following the link focuses it. */
const inputId = (f: LegalFormField | 'targets' | 'form') =>
  f === 'type' ? 'lr-type-subpoena' : f === 'targets' ? 'lr-target_domains' : f === 'form' ? 'new-legal-request' : `lr-${f}`;

export interface NewLegalRequestProps {
  provider: string;
  user: Principal;
  csrfToken: string;
  values: LegalFormValues;
  errors: LegalFormErrors;
  submissionId: string;
}

export function NewLegalRequestPage(p: NewLegalRequestProps) {
  const err = (f: LegalFormField | 'targets') => p.errors[f] ?? [];
  const val = (f: LegalFormField) => p.values[f] ?? '';
  const described = (f: LegalFormField, hint: boolean) =>
    [hint ? `lr-${f}-hint` : null, err(f).length ? `lr-${f}-error` : null].filter(Boolean).join(' ') || undefined;
  const Errors = (q: { f: LegalFormField | 'targets' }) =>
    err(q.f).length ? (
      <div id={`lr-${q.f}-error`}>
        {err(q.f).map((m) => (
          <p class="field-error">
            <span class="visually-hidden">Error: </span>
            {m}
          </p>
        ))}
      </div>
    ) : null;
  const text = (f: LegalFormField, label: string, hint?: string, opts: { required?: boolean } = {}) => (
    <div class={`field${err(f).length ? ' has-error' : ''}`}>
      <label for={`lr-${f}`}>{label}</label>
      {hint ? (
        <span class="hint" id={`lr-${f}-hint`}>
          {hint}
        </span>
      ) : null}
      <Errors f={f} />
      <input
        type="text"
        id={`lr-${f}`}
        name={f}
        value={val(f)}
        aria-describedby={described(f, !!hint)}
        aria-invalid={err(f).length ? 'true' : undefined}
        aria-required={opts.required ? 'true' : undefined}
        autocomplete="off"
      />
    </div>
  );
  const area = (f: LegalFormField, label: string, hint?: string, cls?: string) => (
    <div class={`field${err(f).length ? ' has-error' : ''}`}>
      <label for={`lr-${f}`}>{label}</label>
      {hint ? (
        <span class="hint" id={`lr-${f}-hint`}>
          {hint}
        </span>
      ) : null}
      <Errors f={f} />
      <textarea id={`lr-${f}`} name={f} class={cls} aria-describedby={described(f, !!hint)} aria-invalid={err(f).length ? 'true' : undefined}>
        {val(f)}
      </textarea>
    </div>
  );
  const summary = (Object.entries(p.errors) as [LegalFormField | 'targets' | 'form', string[]][]).map(([f, messages]) => ({
    field: inputId(f),
    label: LEGAL_FORM_LABELS[f],
    messages,
  }));
  return (
    <Layout title="New legal request" provider={p.provider} user={p.user} csrfToken={p.csrfToken} current="/staff/legal">
      <p>
        <a href="/staff/legal">← Legal requests</a>
      </p>
      <h1>New legal request</h1>
      <p class="lead">
        Record a subpoena, court order or other legal request as it was served. Its targets are resolved to the zones and accounts we hold now; the customers
        concerned are told before anything is produced, unless the request carries a non-disclosure order.
      </p>
      <ErrorSummary errors={summary} />
      <form method="post" action="/staff/legal" id="new-legal-request" novalidate>
        <input type="hidden" name="_csrf" value={p.csrfToken} />
        <input type="hidden" name="submission_id" value={p.submissionId} />

        <fieldset class={err('type').length ? 'has-error' : undefined} aria-describedby={err('type').length ? 'lr-type-error' : undefined}>
          <legend>Kind of request</legend>
          <Errors f="type" />
          {LEGAL_REQUEST_TYPES.map((t) => (
            <div class="check">
              <input type="radio" id={`lr-type-${t}`} name="type" value={t} checked={val('type') === t} aria-describedby={`lr-type-${t}-hint`} />
              <div>
                <label for={`lr-type-${t}`}>{LEGAL_REQUEST_TYPE_LABELS[t]}</label>
                <span class="hint" id={`lr-type-${t}-hint`}>
                  {TYPE_HINTS[t]}
                </span>
              </div>
            </div>
          ))}
        </fieldset>

        <fieldset>
          <legend>The document</legend>
          {text('authority', 'Issued by', 'The court or authority that issued it, e.g. “U.S. District Court, N.D. Cal.”', { required: true })}
          {text('case_number', 'Case or reference number', 'As written on the document.', { required: true })}
          {text('requesting_party', 'Requested by', 'The party that asks: the rights holder, the agency…', { required: true })}
          <div class="row">
            {text('received_at', 'Received on', 'YYYY-MM-DD, or a date and time with its offset (2026-03-02T14:30:00Z); empty: now.')}
            {text('deadline', 'Deadline', 'The return date: YYYY-MM-DD means the end of that day (UTC). Required for subpoenas and law-enforcement requests.')}
          </div>
          {text('document_ref', 'Where the document is kept (optional)', 'A file path, document-management reference or ticket number.')}
        </fieldset>

        <fieldset
          id="lr-targets"
          class={err('targets').length ? 'has-error' : undefined}
          aria-describedby={err('targets').length ? 'lr-targets-error' : 'lr-targets-hint'}
        >
          <legend>Targets</legend>
          <span class="hint" id="lr-targets-hint">
            What the request names: domains, account ids, or both (at most {MAX_TARGETS}). A domain is matched to the zone it is or falls under.
          </span>
          <Errors f="targets" />
          <div class="row">
            {area('target_domains', 'Domains named (one per line)', 'e.g. pirate-site.example', 'list')}
            {area('target_accounts', 'Account ids named (one per line)', 'As in the zone import, e.g. acct-1.', 'list')}
          </div>
        </fieldset>

        <fieldset>
          <legend>Court orders: domain block rules</legend>
          {area(
            'block_rules',
            'Domain block rules (court orders only; one per line)',
            `Matching zones are blocked at the edge at once, and zones that come back later are caught. “name.example”: the name and all under it; “=name.example”: that name only; “*.name.example”: only the names under it; “name.*”: the name under any public suffix. At most ${MAX_BLOCK_RULES}.`,
            'list',
          )}
          {text('block_ends_at', 'Block rules end on (optional)', 'YYYY-MM-DD (the end of that day, UTC) or a date and time; the rules are lifted then.')}
        </fieldset>

        <fieldset>
          <legend>Telling the customer</legend>
          <div class={`field${err('non_disclosure_order').length ? ' has-error' : ''}`}>
            <Errors f="non_disclosure_order" />
            <div class="check">
              <input
                type="checkbox"
                id="lr-non_disclosure_order"
                name="non_disclosure_order"
                value="yes"
                checked={val('non_disclosure_order') === 'yes'}
                aria-describedby="lr-non_disclosure_order-hint"
              />
              <div>
                <label for="lr-non_disclosure_order">The request carries a non-disclosure order</label>
                <span class="hint" id="lr-non_disclosure_order-hint">
                  For example under 18 U.S.C. §2705(b): the customers concerned are not told while it lasts.
                </span>
              </div>
            </div>
          </div>
          {text('non_disclosure_until', 'Non-disclosure order ends on (optional)', 'YYYY-MM-DD or a date and time; the customers are told once it has ended.')}
        </fieldset>

        {area('notes', 'Notes (optional)', 'Anything the desk should know: scope, contacts, what was agreed.')}
        <button type="submit">Record the legal request</button>
      </form>
    </Layout>
  );
}
