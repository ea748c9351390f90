// Legal process in the staff console: the queue's section (open requests by deadline, overdue
// ones marked; court-ordered domains that came back under an account), and the page of one request
// with its targets, customer notices, productions, block rules, timeline, and the forms to move it
// on, record a production, and lift a block rule.
import { Layout } from '../../../web/layout.tsx';
import { RawEventTimeline } from '../../../web/pages/raw-event-timeline.tsx';
import type { Principal } from '../../../services/principals.ts';
import type { LegalQueue, LegalRequestView } from '../../services/views.ts';
import { LEGAL_REQUEST_STATE_LABELS, LEGAL_REQUEST_TYPE_LABELS, PRODUCTION_FIELDS, PRODUCTION_FIELD_LABELS } from '../../domain/legal-request.ts';
import type { FieldError } from '../../../domain/notice.ts';

const when = (iso: string | null) => (iso ? `${iso.replace('T', ' ').slice(0, 16)} UTC` : '—');
const day = (iso: string | null) => (iso ? iso.slice(0, 10) : 'none');

export function Deadline(p: { deadline: string | null; overdue: boolean }) {
  if (!p.deadline) return <span class="muted">no deadline</span>;
  return (
    <>
      <time datetime={p.deadline}>{when(p.deadline)}</time>
      {p.overdue ? (
        <>
          {' '}
          <strong class="badge rejected">Overdue</strong>
        </>
      ) : null}
    </>
  );
}

/** The queue's legal section, beside the notices. */
export function LegalQueueSection(p: { queue: LegalQueue; csrfToken: string }) {
  const q = p.queue;
  return (
    <section aria-labelledby="legal-heading">
      <h2 id="legal-heading">Legal requests by deadline</h2>
      {q.requests.length === 0 ? (
        // Not the page's "empty" box: the queue's own empty state is the one that says nothing waits.
        <p class="muted">No open legal request.</p>
      ) : (
        <div class="table-wrap">
          <table class="stack">
            <caption>Open subpoenas, court orders and other legal process; the nearest deadline first.</caption>
            <thead>
              <tr>
                <th scope="col">Deadline</th>
                <th scope="col">Request</th>
                <th scope="col">Issued by</th>
                <th scope="col">Requested by</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {q.requests.map((r) => (
                <tr class={r.overdue ? 'overdue' : undefined}>
                  <td data-label="Deadline">
                    <Deadline deadline={r.deadline} overdue={r.overdue} />
                  </td>
                  <td data-label="Request">
                    <a href={`/staff/legal/${r.id}`}>{r.case_number}</a> <span class="muted">{LEGAL_REQUEST_TYPE_LABELS[r.type]}</span>
                    {r.non_disclosure_order ? <div class="hint">Non-disclosure order</div> : null}
                  </td>
                  <td data-label="Issued by">{r.authority}</td>
                  <td data-label="Requested by">{r.requesting_party}</td>
                  <td data-label="State">{LEGAL_REQUEST_STATE_LABELS[r.state]}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {q.returned.length ? (
        <>
          <h3 id="returned-heading">Court-ordered domains that came back</h3>
          <ul class="returned" aria-labelledby="returned-heading">
            {q.returned.map((m) => (
              <li>
                <strong>
                  Court-ordered domain {m.zone} returned under account{' '}
                  <a href={`/staff/accounts/${encodeURIComponent(m.account_id)}`}>{m.account_name ? `${m.account_name} (${m.account_id})` : m.account_id}</a>
                </strong>
                <div class="hint">
                  Caught by the rule “{m.rule}” of <a href={`/staff/legal/${m.legal_request_id}`}>{m.case_number}</a> on {when(m.found_at)}; blocked at the
                  edge.
                </div>
                <form method="post" action={`/staff/legal/matches/${m.id}/acknowledge`}>
                  <input type="hidden" name="_csrf" value={p.csrfToken} />
                  <button type="submit" class="secondary" aria-label={`Mark ${m.zone} under ${m.account_id} as seen`}>
                    Seen
                  </button>
                </form>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

export interface StaffLegalProps {
  provider: string;
  user: Principal;
  csrfToken: string;
  view: LegalRequestView;
  flash: string | null;
  errors: FieldError[];
  values: Record<string, string | string[]>;
}

export function StaffLegalPage(p: StaffLegalProps) {
  const v = p.view;
  const err = (f: string) => p.errors.filter((e) => e.field === f || e.field.startsWith(`${f}[`)).map((e) => e.message);
  const val = (k: string) => {
    const x = p.values[k];
    return typeof x === 'string' ? x : '';
  };
  const ticked = (f: string, list = 'fields') => {
    const x = p.values[list];
    return Array.isArray(x) ? x.includes(f) : x === f;
  };
  const canProduce = v.state === 'in_progress' || v.state === 'produced';
  // The accounts a production can be about: those the targets resolved to, each once.
  const accounts = [...new Map(v.target_list.filter((t) => t.account_id).map((t) => [t.account_id!, t.account_name ?? t.account_id!])).entries()];
  return (
    <Layout title={`Legal request ${v.case_number}`} provider={p.provider} user={p.user} csrfToken={p.csrfToken} current="/staff/legal">
      <p>
        <a href="/staff/legal">← Legal requests</a>
      </p>
      <h1>
        {LEGAL_REQUEST_TYPE_LABELS[v.type]}: {v.case_number}
      </h1>
      {p.flash ? (
        <p class="ok-banner" role="status">
          {p.flash}
        </p>
      ) : null}
      {p.errors.length ? (
        <div class="error-summary" role="alert">
          <h2 class="flush">Nothing was changed</h2>
          <ul>
            {p.errors.map((e) => (
              <li>{e.message}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <dl class="facts">
        <dt>State</dt>
        <dd>
          <span class={`badge ${v.state}`}>{LEGAL_REQUEST_STATE_LABELS[v.state]}</span>
        </dd>
        <dt>Deadline</dt>
        <dd>
          <Deadline deadline={v.deadline} overdue={v.overdue} />
        </dd>
        <dt>Issued by</dt>
        <dd>{v.authority}</dd>
        <dt>Requested by</dt>
        <dd>{v.requesting_party}</dd>
        <dt>Received</dt>
        <dd>{when(v.received_at)}</dd>
        <dt>Document</dt>
        <dd class="break">{v.document_ref ?? '—'}</dd>
        <dt>Customer notice</dt>
        <dd>
          {v.customer_notice.decision === 'notify'
            ? `Customers are told before anything is produced (due ${when(v.customer_notice.at)}).`
            : `Not told: the request carries a non-disclosure order${v.non_disclosure_until ? ` until ${day(v.non_disclosure_until)}` : ''}.`}
        </dd>
        {v.notes ? (
          <>
            <dt>Notes</dt>
            <dd class="break">{v.notes}</dd>
          </>
        ) : null}
      </dl>

      <h2 id="targets-heading">Targets</h2>
      {v.target_list.length === 0 ? (
        <p class="empty">The request names no domain or account{v.block_rules.length ? '; its block rules are below' : ''}.</p>
      ) : (
        <div class="table-wrap">
          <table class="stack" aria-describedby="targets-heading">
            <thead>
              <tr>
                <th scope="col">Named</th>
                <th scope="col">Zone</th>
                <th scope="col">Account</th>
              </tr>
            </thead>
            <tbody>
              {v.target_list.map((t) => (
                <tr>
                  <td data-label="Named">
                    {t.value} <span class="muted">({t.kind})</span>
                  </td>
                  <td data-label="Zone">{t.zone ?? '—'}</td>
                  <td data-label="Account">
                    {t.account_id ? (
                      <>
                        <a href={`/staff/accounts/${encodeURIComponent(t.account_id)}`}>{t.account_name ?? t.account_id}</a>
                        <div class="hint">{t.account_email}</div>
                      </>
                    ) : (
                      <span class="muted">not held by us</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {v.block_rules.length ? (
        <>
          <h2 id="rules-heading">Domain block rules</h2>
          <ul aria-labelledby="rules-heading">
            {v.block_rules.map((r) => (
              <li>
                <strong>{r.text}</strong> —{' '}
                {r.active
                  ? r.ends_at
                    ? `in force until ${when(r.ends_at)}`
                    : 'in force'
                  : `lifted ${when(r.lifted_at)}${r.lift_reason ? ` (${r.lift_reason})` : ''}`}
                <div class="hint">
                  {r.zones.length
                    ? `Zones caught: ${r.zones.map((z) => `${z.zone} (account ${z.account_id}${z.found_by === 'zone_import' ? ', came back by import' : ''})`).join('; ')}`
                    : 'No zone of ours matches yet.'}
                </div>
                {r.active ? (
                  <form method="post" action={`/staff/legal/${v.id}/rules/${r.id}/lift`} class="inline-form">
                    <input type="hidden" name="_csrf" value={p.csrfToken} />
                    <div class="field">
                      <label for={`lift-${r.id}`}>Reason for lifting “{r.text}”</label>
                      <input type="text" id={`lift-${r.id}`} name="reason" required />
                    </div>
                    <button type="submit" class="secondary">
                      Lift this rule
                    </button>
                  </form>
                ) : null}
              </li>
            ))}
          </ul>
        </>
      ) : null}

      <h2 id="productions-heading">Productions</h2>
      {v.productions.length === 0 ? (
        <p class="empty">Nothing has been produced.</p>
      ) : (
        <div class="table-wrap">
          <table class="stack" aria-describedby="productions-heading">
            <thead>
              <tr>
                <th scope="col">Produced</th>
                <th scope="col">What</th>
                <th scope="col">About</th>
                <th scope="col">Recorded by</th>
              </tr>
            </thead>
            <tbody>
              {v.productions.map((x) => (
                <tr>
                  <td data-label="Produced">{when(x.produced_at)}</td>
                  <td data-label="What">
                    {x.fields.map((f) => PRODUCTION_FIELD_LABELS[f as keyof typeof PRODUCTION_FIELD_LABELS] ?? f).join('; ')}
                    {x.payment_reference ? <div class="hint">Payment record: {x.payment_reference}</div> : null}
                    {x.ip_addresses.length ? <div class="hint">IPs: {x.ip_addresses.join(', ')}</div> : null}
                    {x.note ? <div class="hint">{x.note}</div> : null}
                  </td>
                  <td data-label="About">{x.accounts.join(', ')}</td>
                  <td data-label="Recorded by">
                    {x.recorded_by}
                    <div class="hint">{when(x.recorded_at)}</div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      {v.next_states.length ? (
        <form method="post" action={`/staff/legal/${v.id}/state`} class="actions" novalidate>
          <input type="hidden" name="_csrf" value={p.csrfToken} />
          <div class={`field${err('state').length ? ' has-error' : ''}`}>
            <label for="state-select">Move the request to</label>
            {err('state').map((m) => (
              <p class="field-error">{m}</p>
            ))}
            <select id="state-select" name="state">
              {v.next_states.map((s) => (
                <option value={s} selected={val('state') === s}>
                  {LEGAL_REQUEST_STATE_LABELS[s]}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="state-note">Note (optional)</label>
            <textarea id="state-note" name="note">
              {val('note')}
            </textarea>
          </div>
          <button type="submit">Change state</button>
        </form>
      ) : null}

      {canProduce ? (
        <form method="post" action={`/staff/legal/${v.id}/productions`} class="actions" novalidate>
          <input type="hidden" name="_csrf" value={p.csrfToken} />
          <fieldset class={err('fields').length ? 'has-error' : undefined}>
            <legend>Record a production: what was handed over</legend>
            {err('fields').map((m) => (
              <p class="field-error">{m}</p>
            ))}
            {PRODUCTION_FIELDS.map((f) => (
              <label class="check">
                <input type="checkbox" name="fields" value={f} checked={ticked(f)} />
                {PRODUCTION_FIELD_LABELS[f]}
              </label>
            ))}
          </fieldset>
          {accounts.length > 1 ? (
            <fieldset class={err('accounts').length ? 'has-error' : undefined}>
              <legend>About which accounts (none ticked: all of them)</legend>
              {err('accounts').map((m) => (
                <p class="field-error">{m}</p>
              ))}
              {accounts.map(([id, name]) => (
                <label class="check">
                  <input type="checkbox" name="accounts" value={id} checked={ticked(id, 'accounts')} />
                  {name === id ? id : `${name} (${id})`}
                </label>
              ))}
            </fieldset>
          ) : null}
          <div class={`field${err('produced_at').length ? ' has-error' : ''}`}>
            <label for="produced-at">Produced on (YYYY-MM-DD; empty: now)</label>
            {err('produced_at').map((m) => (
              <p class="field-error">{m}</p>
            ))}
            <input type="text" id="produced-at" name="produced_at" value={val('produced_at')} />
          </div>
          <div class={`field${err('payment_reference').length ? ' has-error' : ''}`}>
            <label for="payment-reference">Reference to the billing record (with payment details; never a card number)</label>
            {err('payment_reference').map((m) => (
              <p class="field-error">{m}</p>
            ))}
            <input type="text" id="payment-reference" name="payment_reference" value={val('payment_reference')} />
          </div>
          <div class={`field${err('ip_addresses').length ? ' has-error' : ''}`}>
            <label for="ip-addresses">IP addresses produced (one per line)</label>
            {err('ip_addresses').map((m) => (
              <p class="field-error">{m}</p>
            ))}
            <textarea id="ip-addresses" name="ip_addresses">
              {val('ip_addresses')}
            </textarea>
          </div>
          <div class={`field${err('note').length ? ' has-error' : ''}`}>
            <label for="production-note">Note: how, to whom, anything else (required with “Other”)</label>
            {err('note').map((m) => (
              <p class="field-error">{m}</p>
            ))}
            <textarea id="production-note" name="production_note">
              {val('production_note')}
            </textarea>
          </div>
          <button type="submit">Record the production</button>
        </form>
      ) : null}

      <h2>Timeline</h2>
      <RawEventTimeline events={v.events} when={when} />
    </Layout>
  );
}
