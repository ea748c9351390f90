// The customer portal: the notices about the account's sites and, for each, what it asks, what
// was done, and what the customer can do about it.
import { ComplaintSection, type ComplaintSectionProps } from './complaints.tsx';
import { Layout, ErrorSummary } from '../layout.tsx';
import { COUNTER_NOTICE_REASONS, COUNTER_NOTICE_STATEMENTS } from '../../domain/counter-notice.ts';
import { stateSummary } from './state-summary.ts';
import type { Principal } from '../../services/principals.ts';
import type { PortalNotice, PortalNoticeRow } from '../../services/portal-views.ts';
import { PORTAL_ITEMS_SHOWN } from '../../services/portal-views.ts';
import { ReportFacts } from './report-facts.tsx';
import type { ItemState } from '../../domain/item-state.ts';
import { KIND_RULES, type ReportKind } from '../../domain/report-kinds.ts';
import type { StatementView } from '../../dsa/statements.ts';
import type { PlainReasons } from '../../dsa/domain/statement-of-reasons.ts';

const n = (x: number) => x.toLocaleString('en-US');
const when = (iso: string) => `${iso.replace('T', ' ').slice(0, 16)} UTC`;

/** What happened to a URL, as the site owner reads it. */
export const OWNER_STATE_LABELS: Record<ItemState, string> = {
  received: 'Being processed',
  invalid: 'Not a valid URL',
  not_on_network: 'Not on our network',
  forwarded: 'Forwarded to you; no action taken by us',
  pending_review: 'Under review by our staff',
  content_disabled: 'Disabled by us',
  rejected: 'Rejected: no action needed',
  restored: 'Restored after your counter notice',
  retracted: 'Withdrawn by the complainant',
};
const ownerLabel = (s: string) => OWNER_STATE_LABELS[s as ItemState] ?? s;

const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

const RESTRICTION_LABELS: Record<string, string> = {
  content_disabled: 'content disabled',
  service_suspended: 'service suspended',
  service_terminated: 'service terminated',
};

/** One statement of reasons as the customer reads it, with its Transparency Database fields. */
export function PortalStatementPage(p: { provider: string; user: Principal; csrfToken: string; statement: StatementView }) {
  const s = p.statement;
  const plain = s.plain as PlainReasons;
  return (
    <Layout title={`Statement of reasons ${s.puid}`} provider={p.provider} user={p.user} csrfToken={p.csrfToken}>
      <p>{s.notice_id ? <a href={`/portal/notices/${s.notice_id}`}>← The notice</a> : <a href="/portal">← All notices</a>}</p>
      <h1>
        Statement of reasons <span class="break">{s.puid}</span>
      </h1>
      <p>Under Art. 17 of the EU Digital Services Act we tell you why we restricted your service, on what ground, and how you can seek redress.</p>
      <dl class="facts">
        <dt>Decision</dt>
        <dd>{RESTRICTION_LABELS[s.restriction] ?? s.restriction}</dd>
        <dt>Issued</dt>
        <dd>{when(s.issued_at)}</dd>
        <dt>Facts and circumstances</dt>
        <dd>{plain.facts}</dd>
        <dt>Ground</dt>
        <dd>{plain.ground}</dd>
      </dl>
      <h2>Your options for redress</h2>
      <ul>
        {plain.redress.map((r) => (
          <li>{r}</li>
        ))}
      </ul>
      <h2>The statement as filed</h2>
      <p>
        In the fields of the EU DSA Transparency Database; also as <a href={`/v1/statements/${s.id}`}>JSON through the API</a>.
      </p>
      <pre class="statement-json">{JSON.stringify(s.statement, null, 2)}</pre>
    </Layout>
  );
}

export function PortalPage(p: { provider: string; user: Principal; accountName: string; csrfToken: string; rows: PortalNoticeRow[]; nextHref: string | null }) {
  return (
    <Layout title="Notices about your sites" provider={p.provider} user={p.user} csrfToken={p.csrfToken} current="/portal">
      <h1>Notices about your sites</h1>
      <p class="lead">Account: {p.accountName}. Every copyright notice that named a URL on one of your sites, newest first.</p>
      {p.rows.length === 0 ? (
        <p class="empty">No notice has named a URL on your sites.</p>
      ) : (
        <div class="table-wrap">
          <table class="stack">
            <thead>
              <tr>
                <th scope="col">Received</th>
                <th scope="col">Notice</th>
                <th scope="col">Work</th>
                <th scope="col">Your URLs</th>
                <th scope="col">What was done</th>
              </tr>
            </thead>
            <tbody>
              {p.rows.map((r) => (
                <tr>
                  <td data-label="Received">{when(r.created_at)}</td>
                  <td data-label="Notice">
                    <a href={`/portal/notices/${r.id}`}>{r.id.slice(0, 8)}</a>
                  </td>
                  <td data-label="Work" class="break">
                    {r.work.length > 120 ? `${r.work.slice(0, 117)}…` : r.work}
                  </td>
                  <td data-label="Your URLs">{n(r.items)}</td>
                  <td data-label="Done">{stateSummary(r.states, OWNER_STATE_LABELS)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {p.nextHref ? (
        <nav class="pager" aria-label="Pages of notices">
          <a href={p.nextHref} rel="next">
            Older notices
          </a>
        </nav>
      ) : null}
    </Layout>
  );
}

/** The counter-notice form's values as typed (re-shown after a 422). */
export type CounterNoticeFormValues = Record<string, string | string[] | undefined>;

const CN_LABELS: Record<string, string> = {
  material: 'URLs',
  'material.urls': 'URLs',
  'material.description': 'What the material is',
  statements: 'Statements',
  'statements.good_faith_mistake': 'Good-faith statement',
  'statements.consent_to_jurisdiction': 'Consent to jurisdiction',
  'statements.accept_service_of_process': 'Service of process',
  subscriber: 'Your details',
  'subscriber.name': 'Full legal name',
  'subscriber.company': 'Company',
  'subscriber.address': 'Postal address',
  'subscriber.country': 'Country',
  'subscriber.phone': 'Telephone',
  'subscriber.email': 'E-mail',
  reason: 'Reason',
  explanation: 'Explanation',
  signature: 'Signature',
};
/** Error fields (material.urls[2]) → the form element ids they belong to (cn-material-urls). */
const fieldId = (f: string) => `cn-${f.replace(/\[\d+\]$/, '').replace(/\./g, '-')}`;

function CounterNoticeForm(p: {
  noticeId: string;
  csrfToken: string;
  urls: string[];
  errors: { field: string; message: string }[];
  values: CounterNoticeFormValues;
}) {
  const err = (f: string) =>
    p.errors.filter((e) => e.field === f || e.field.startsWith(`${f}[`) || (f === 'material.urls' && e.field === 'material')).map((e) => e.message);
  const val = (k: string) => (typeof p.values[k] === 'string' ? (p.values[k] as string) : '');
  const chosen = new Set(Array.isArray(p.values.urls) ? p.values.urls : p.values.urls ? [p.values.urls] : p.urls);
  const text = (name: string, field: string, label: string, opts: { type?: string; hint?: string; required?: boolean; autocomplete?: string } = {}) => (
    <div class={`field${err(field).length ? ' has-error' : ''}`} id={fieldId(field)}>
      <label for={`${fieldId(field)}-input`}>{label}</label>
      {opts.hint ? <p class="hint">{opts.hint}</p> : null}
      {err(field).map((m) => (
        <p class="field-error">{m}</p>
      ))}
      <input
        id={`${fieldId(field)}-input`}
        name={name}
        type={opts.type ?? 'text'}
        value={val(name)}
        required={opts.required}
        autocomplete={opts.autocomplete}
      />
    </div>
  );
  const statement = (key: keyof typeof COUNTER_NOTICE_STATEMENTS) => (
    <div class={`field${err(`statements.${key}`).length ? ' has-error' : ''}`} id={fieldId(`statements.${key}`)}>
      {err(`statements.${key}`).map((m) => (
        <p class="field-error">{m}</p>
      ))}
      <label class="checkbox">
        <input type="checkbox" id={`${fieldId(`statements.${key}`)}-input`} name={key} value="yes" checked={val(key) === 'yes'} />{' '}
        {COUNTER_NOTICE_STATEMENTS[key]}
      </label>
    </div>
  );
  return (
    <form method="post" action={`/portal/notices/${p.noticeId}/counter-notice`} novalidate>
      <input type="hidden" name="_csrf" value={p.csrfToken} />
      <ErrorSummary
        errors={p.errors.map((e) => ({ field: fieldId(e.field), label: CN_LABELS[e.field.replace(/\[\d+\]$/, '')] ?? e.field, messages: [e.message] }))}
      />
      <fieldset class={`field${err('material.urls').length ? ' has-error' : ''}`} id={fieldId('material.urls')}>
        <legend>The disabled URLs your counter notice is about</legend>
        {err('material.urls').map((m) => (
          <p class="field-error">{m}</p>
        ))}
        {p.urls.map((u, i) => (
          <label class="checkbox">
            <input type="checkbox" name="urls" value={u} id={`cn-url-${i}`} checked={chosen.has(u)} /> <span class="url">{u}</span>
          </label>
        ))}
      </fieldset>
      <div class={`field${err('material.description').length ? ' has-error' : ''}`} id={fieldId('material.description')}>
        <label for="cn-material-description-input">What the material is (optional)</label>
        <textarea id="cn-material-description-input" name="description">
          {val('description')}
        </textarea>
      </div>
      <fieldset>
        <legend>Your details (17 U.S.C. §512(g)(3)(D); the complainant receives a copy)</legend>
        {text('name', 'subscriber.name', 'Full legal name', { required: true, autocomplete: 'name' })}
        {text('company', 'subscriber.company', 'Company (optional)', { autocomplete: 'organization' })}
        {text('address', 'subscriber.address', 'Postal address', {
          required: true,
          hint: 'It decides which court has jurisdiction.',
          autocomplete: 'street-address',
        })}
        {text('country', 'subscriber.country', 'Country (two-letter code, e.g. US)', { required: true, autocomplete: 'country' })}
        {text('phone', 'subscriber.phone', 'Telephone', { type: 'tel', required: true, autocomplete: 'tel' })}
        {text('email', 'subscriber.email', 'E-mail (optional)', { type: 'email', autocomplete: 'email' })}
      </fieldset>
      <fieldset>
        <legend>Sworn statements (all three are required)</legend>
        {statement('good_faith_mistake')}
        {statement('consent_to_jurisdiction')}
        {statement('accept_service_of_process')}
      </fieldset>
      <div class={`field${err('reason').length ? ' has-error' : ''}`} id={fieldId('reason')}>
        <label for="cn-reason-input">Reason (optional)</label>
        {err('reason').map((m) => (
          <p class="field-error">{m}</p>
        ))}
        <select id="cn-reason-input" name="reason">
          <option value="">Choose a reason</option>
          {Object.entries(COUNTER_NOTICE_REASONS).map(([k, t]) => (
            <option value={k} selected={val('reason') === k}>
              {t}
            </option>
          ))}
        </select>
      </div>
      <div class={`field${err('explanation').length ? ' has-error' : ''}`} id={fieldId('explanation')}>
        <label for="cn-explanation-input">Explanation (required for “Other”)</label>
        {err('explanation').map((m) => (
          <p class="field-error">{m}</p>
        ))}
        <textarea id="cn-explanation-input" name="explanation">
          {val('explanation')}
        </textarea>
      </div>
      {text('signature', 'signature', 'Signature: type your full legal name', { required: true })}
      <button type="submit">Send the counter notice</button>
    </form>
  );
}

export function PortalNoticePage(p: {
  provider: string;
  user: Principal;
  csrfToken: string;
  notice: PortalNotice;
  form?: { errors: { field: string; message: string }[]; values: CounterNoticeFormValues };
  flash?: string | null;
  /** The customer's complaints against decisions on the notice, and the form (DSA Art. 20). */
  complaints?: ComplaintSectionProps;
}) {
  const v = p.notice;
  const disabledUrls = v.items.filter((i) => i.state === 'content_disabled').map((i) => i.url);
  const disabled = disabledUrls.length > 0;
  return (
    <Layout title={`Notice ${v.id.slice(0, 8)}`} provider={p.provider} user={p.user} csrfToken={p.csrfToken}>
      <p>
        <a href="/portal">← All notices</a>
      </p>
      <h1>
        {capitalised(KIND_RULES[v.kind as ReportKind]?.noun ?? 'notice')} <span class="break">{v.id}</span>
      </h1>
      {p.flash ? (
        <p class="flash" role="status">
          {p.flash}
        </p>
      ) : null}
      <dl class="facts">
        <dt>Received</dt>
        <dd>{when(v.created_at)}</dd>
        <ReportFacts r={v} reporter={v.claimant} />
      </dl>
      <h2 id="urls-heading">Your URLs in this notice</h2>
      <div class="table-wrap">
        <table class="stack" aria-describedby="urls-heading">
          <caption>
            {v.items_total > PORTAL_ITEMS_SHOWN
              ? `The first ${PORTAL_ITEMS_SHOWN} of ${n(v.items_total)} URLs`
              : `${n(v.items_total)} URL${v.items_total === 1 ? '' : 's'}`}
          </caption>
          <thead>
            <tr>
              <th scope="col">URL</th>
              <th scope="col">Site</th>
              <th scope="col">What was done</th>
              <th scope="col">Since</th>
            </tr>
          </thead>
          <tbody>
            {v.items.map((i) => (
              <tr>
                <td class="url" data-label="URL">
                  {i.url}
                </td>
                <td data-label="Site">{i.zone ?? '—'}</td>
                <td data-label="Done">
                  <span class={`badge ${i.state}`}>{ownerLabel(i.state)}</span>
                  {i.reason && i.state === 'rejected' ? <div class="hint">{i.reason}</div> : null}
                </td>
                <td data-label="Since">{when(i.updated_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {v.reasons.length ? (
        <>
          <h2 id="reasons-heading">Statements of reasons</h2>
          <p>Why we restricted your content, on what ground, and how you can seek redress (EU Digital Services Act, Art. 17).</p>
          <ul>
            {v.reasons.map((r) => (
              <li>
                <a href={`/portal/statements/${r.id}`}>{r.puid}</a>: {RESTRICTION_LABELS[r.restriction] ?? r.restriction}, {n(r.urls)} URL
                {r.urls === 1 ? '' : 's'}, issued {when(r.issued_at)}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <h2>Deadlines and counter notice</h2>
      {disabled ? (
        <>
          <p>
            Content of yours was disabled because of this notice. If you believe that was a mistake or a misidentification, you may send a counter notice under
            17 U.S.C. §512(g)(3), here or by replying to the e-mail we sent you. We send a copy to the complainant and restore access 10 business days later,
            unless the complainant tells us that it has filed a court action.
          </p>
          <CounterNoticeForm noticeId={v.id} csrfToken={p.csrfToken} urls={disabledUrls} errors={p.form?.errors ?? []} values={p.form?.values ?? {}} />
        </>
      ) : (
        <p>Nothing is required of you by a deadline. For forwarded notices, deciding what to do about the material is up to you as the site's operator.</p>
      )}
      {p.complaints ? <ComplaintSection {...p.complaints} /> : null}
    </Layout>
  );
}
