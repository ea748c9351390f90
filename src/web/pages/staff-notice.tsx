// One notice for staff: every URL with whose zone it is and its origin, bulk decisions (disable
// hosted content, reject with a reason), per URL the takedown step and the commands staff may give
// it now (restore, close, …, each with a reason), a question to the reporter, the timeline and the
// raw submission as it was received.
import type { StoredHotlineReport } from '../../services/hotline-reports.ts';
import { ReportFacts } from './report-facts.tsx';
import { Layout, ErrorSummary } from '../layout.tsx';
import type { Principal } from '../../services/principals.ts';
import type { EventView, NoticeView } from '../../services/notice-views.ts';
import { ITEM_STATES, type ItemState } from '../../domain/item-state.ts';
import { REJECTION_REASONS } from '../../domain/review.ts';
import { STATE_LABELS, describeEvent } from './status.tsx';
import { LifecycleStep } from './lifecycle-step.tsx';
import type { LifecycleState } from '../../domain/takedown-lifecycle.ts';
import { STAFF_COMMAND_LABELS, type StaffLifecycleCommand } from '../../domain/staff-lifecycle-commands.ts';

export interface StaffNoticeProps {
  provider: string;
  user: Principal;
  csrfToken: string;
  notice: NoticeView;
  reporterEmail: string;
  state: ItemState | null;
  after: number | null;
  perPage: number;
  events: EventView[];
  raw: unknown;
  flash: string | null;
  errors: { field: string; message: string }[];
  values: { action?: string; reason?: string; note?: string; manifestly_illegal?: string; question?: string; lifecycle?: { position: number; reason: string } };
  /** The takedown lifecycle of this page's items that have one, by position. */
  lifecycles?: Map<number, LifecycleState>;
  /** The commands staff may give each of this page's items now (staff-lifecycle-commands.ts), by position. */
  lifecycleCommands?: Map<number, StaffLifecycleCommand[]>;
  /** The clock and the business calendar's time zone, for restore dates. */
  now?: Date;
  timeZone?: string;
  /** The prepared hotline report of a child-safety report (services/hotline-reports.ts). */
  hotline?: StoredHotlineReport | null;
}

const n = (x: number) => x.toLocaleString('en-US');

function href(id: string, q: { state?: ItemState | null; after?: number | null }): string {
  const s = new URLSearchParams();
  if (q.state) s.set('state', q.state);
  if (q.after !== undefined && q.after !== null) s.set('after', String(q.after));
  const qs = s.toString();
  return `/staff/notices/${id}${qs ? `?${qs}` : ''}`;
}

const LABELS: Record<string, string> = { action: 'Decision', reason: 'Reason', note: 'Note', positions: 'URLs', question: 'Question' };

/** A URL's takedown command form's fields: `lc-<position>` (the command), `lc-reason-<position>`. */
function labelOf(field: string): string {
  const m = /^lc-(reason-)?(\d+)$/.exec(field);
  if (m) return `URL ${Number(m[2]) + 1}${m[1] ? ', reason' : ''}`;
  return LABELS[field] ?? field;
}

const lcQuery = (q: { state?: ItemState | null; after?: number | null }) => href('x', q).slice('/staff/notices/x'.length);

/**
 * The commands for one URL: a reason and one button per command. The controls sit in the URL's
 * row but belong to a form of their own after the review form (`form` attribute): forms cannot nest.
 */
function LifecycleActions(p: { position: number; commands: StaffLifecycleCommand[]; errors: string[]; reasonErrors: string[]; reason: string; open: boolean }) {
  const n = p.position + 1;
  const form = `lc-form-${p.position}`;
  return (
    <details class={`lc-act${p.errors.length || p.reasonErrors.length ? ' has-error' : ''}`} id={`lc-${p.position}`} open={p.open}>
      <summary>Act on URL {n}'s takedown</summary>
      {p.errors.map((m) => (
        <p class="field-error">{m}</p>
      ))}
      <div class="field" id={`lc-reason-${p.position}`}>
        <label for={`lc-reason-text-${p.position}`}>Why (required; kept on the timeline for staff)</label>
        {p.reasonErrors.map((m) => (
          <p class="field-error">{m}</p>
        ))}
        <textarea id={`lc-reason-text-${p.position}`} name="reason" form={form} required rows={2}>
          {p.reason}
        </textarea>
      </div>
      <div class="lc-buttons">
        {p.commands.map((c) => (
          <button
            type="submit"
            form={form}
            name="command"
            value={c}
            class={c === 'close' ? 'secondary' : undefined}
            aria-label={`${STAFF_COMMAND_LABELS[c].button}: URL ${n}`}
          >
            {STAFF_COMMAND_LABELS[c].button}
          </button>
        ))}
      </div>
    </details>
  );
}

/** The hotline report staff send to NCMEC's CyberTipline or the national hotline: prepared, never sent from here. */
function HotlineSection(p: { report: StoredHotlineReport }) {
  const r = p.report.payload;
  return (
    <section aria-labelledby="hotline-heading">
      <h2 id="hotline-heading">Hotline report</h2>
      <p>
        Prepared {p.report.prepared_at} for the national hotline / CyberTipline; evidence kept until {p.report.retain_until}. Reporter:{' '}
        {'withheld' in r.reporter ? 'withheld at their request' : `${r.reporter.name ?? '(no name)'} <${r.reporter.email ?? 'no e-mail'}>`}.
      </p>
      <pre id="hotline-report">{JSON.stringify(r, null, 2)}</pre>
    </section>
  );
}

export function StaffNoticePage(p: StaffNoticeProps) {
  const v = p.notice;
  const total = Object.values(v.counts).reduce((a, b) => a + (b ?? 0), 0);
  const err = (f: string) => p.errors.filter((e) => e.field === f).map((e) => e.message);
  const inState = p.state ? (v.counts[p.state] ?? 0) : 0;
  return (
    <Layout title={`Notice ${v.id.slice(0, 8)}`} provider={p.provider} user={p.user} csrfToken={p.csrfToken}>
      <p>
        <a href="/staff">← Queue</a>
      </p>
      <h1>
        Notice <span class="break">{v.id}</span>
      </h1>
      {p.flash ? (
        <div class="ok-banner" role="status">
          {p.flash}
        </div>
      ) : null}
      <ErrorSummary errors={p.errors.map((e) => ({ field: e.field, label: labelOf(e.field), messages: [e.message] }))} />
      <dl class="facts">
        <dt>Kind</dt>
        <dd>
          {v.kind} (by {v.channel})
        </dd>
        <dt>Received</dt>
        <dd>{new Date(v.created_at).toUTCString()}</dd>
        <dt>Status</dt>
        <dd>
          {v.status}, {n(v.progress.items_resolved)} of {n(v.progress.items_total)} URLs resolved
        </dd>
        <dt>Reporter</dt>
        <dd>
          <a href={`/staff/search?q=${encodeURIComponent(p.reporterEmail)}`}>{p.reporterEmail}</a>
        </dd>
        <ReportFacts r={{ ...v.report, kind: v.kind, regime: v.regime }} reporter={v.claimant} />
        <dt>Notify</dt>
        <dd>
          site owner: {v.notify.owner}; hosting provider: {v.notify.host}
        </dd>
      </dl>

      <h2 id="urls-heading">URLs</h2>
      <nav aria-label="Filter URLs by state">
        <ul class="filters">
          <li>
            <a href={href(v.id, {})} aria-current={p.state === null ? 'true' : undefined}>
              All ({n(total)})
            </a>
          </li>
          {ITEM_STATES.filter((s) => v.counts[s]).map((s) => (
            <li>
              <a href={href(v.id, { state: s })} aria-current={p.state === s ? 'true' : undefined}>
                {STATE_LABELS[s]} ({n(v.counts[s] ?? 0)})
              </a>
            </li>
          ))}
        </ul>
      </nav>

      <form method="post" action={`/staff/notices/${v.id}/review${p.state ? `?state=${p.state}` : ''}`} novalidate>
        <input type="hidden" name="_csrf" value={p.csrfToken} />
        {v.items.length === 0 ? (
          <p class="empty">No URLs {p.state ? `in the state “${STATE_LABELS[p.state]}”` : 'in this notice'}.</p>
        ) : (
          <div class="table-wrap">
            <table class="stack" aria-describedby="urls-heading">
              <caption>{`Showing ${n(v.items.length)} URLs${v.items[0] ? ` from number ${v.items[0].position + 1}` : ''}; tick the ones the decision is about.`}</caption>
              <thead>
                <tr>
                  <th scope="col">
                    <span class="visually-hidden">Select</span>
                  </th>
                  <th scope="col">#</th>
                  <th scope="col">URL</th>
                  <th scope="col">State and takedown step</th>
                  <th scope="col">Zone and account</th>
                  <th scope="col">Origin when filed</th>
                  <th scope="col">Hosting provider</th>
                </tr>
              </thead>
              <tbody>
                {v.items.map((i) => (
                  <tr id={`item-${i.position}`}>
                    <td class="pick" data-label="Select">
                      <input
                        type="checkbox"
                        name="positions"
                        value={String(i.position)}
                        id={`pick-${i.position}`}
                        aria-label={`Select URL ${i.position + 1}: ${i.submitted_url}`}
                      />
                    </td>
                    <td data-label="#">{i.position + 1}</td>
                    <td class="url" data-label="URL">
                      {i.url ?? i.submitted_url}
                    </td>
                    <td data-label="State">
                      <span class={`badge ${i.state}`}>{STATE_LABELS[i.state as ItemState] ?? i.state}</span>
                      {i.reason ? <div class="hint">{i.reason}</div> : null}
                      {p.lifecycles?.has(i.position) ? (
                        <LifecycleStep state={p.lifecycles.get(i.position)!} now={p.now ?? new Date()} timeZone={p.timeZone ?? 'UTC'} />
                      ) : null}
                      {p.lifecycleCommands?.get(i.position)?.length ? (
                        <LifecycleActions
                          position={i.position}
                          commands={p.lifecycleCommands.get(i.position)!}
                          errors={err(`lc-${i.position}`)}
                          reasonErrors={err(`lc-reason-${i.position}`)}
                          reason={p.values.lifecycle?.position === i.position ? p.values.lifecycle.reason : ''}
                          open={p.values.lifecycle?.position === i.position}
                        />
                      ) : null}
                    </td>
                    <td data-label="Zone">
                      {i.zone ?? '—'}
                      {i.internal?.account_id ? (
                        <div class="hint">
                          <a href={`/staff/accounts/${encodeURIComponent(i.internal.account_id)}`}>account {i.internal.account_id}</a> · {i.internal.mode}
                        </div>
                      ) : null}
                    </td>
                    <td data-label="Origin">
                      {i.internal?.origin ?? '—'}
                      {i.internal?.origin_ips?.length && i.internal.origin_ips.join(',') !== i.internal.origin ? (
                        <div class="hint">{i.internal.origin_ips.join(', ')}</div>
                      ) : null}
                    </td>
                    <td data-label="Hosting provider">
                      {i.hosting_provider ? `${i.hosting_provider.name}${i.hosting_provider.asn ? ` (AS${i.hosting_provider.asn})` : ''}` : '—'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <nav class="pager" aria-label="Pages of URLs">
          {p.after !== null ? <a href={href(v.id, { state: p.state })}>First page</a> : null}
          {v.items_page.next_after !== null ? (
            <a href={href(v.id, { state: p.state, after: v.items_page.next_after })} rel="next">
              Next {n(p.perPage)} URLs
            </a>
          ) : null}
        </nav>

        <fieldset class="actions">
          <legend>Decision on the URLs</legend>
          {p.state ? (
            <div class="field">
              <span class="label" id="scope-label">
                Apply to
              </span>
              <label class="radio">
                <input type="radio" name="scope" value="selected" checked />
                the URLs ticked above
              </label>
              <label class="radio">
                <input type="radio" name="scope" value="state" />
                all {n(inState)} URLs that are “{STATE_LABELS[p.state]}”
              </label>
            </div>
          ) : (
            <input type="hidden" name="scope" value="selected" />
          )}
          {err('positions').map((m) => (
            <p class="field-error">{m}</p>
          ))}
          <div class="row">
            <div class={`field${err('action').length ? ' has-error' : ''}`} id="action">
              <label for="action-select">Decision</label>
              {err('action').map((m) => (
                <p class="field-error">{m}</p>
              ))}
              <select id="action-select" name="action">
                <option value="reject" selected={p.values.action !== 'disable'}>
                  Reject
                </option>
                <option value="disable" selected={p.values.action === 'disable'}>
                  Disable the content (hosted sites)
                </option>
              </select>
            </div>
            <div class={`field${err('reason').length ? ' has-error' : ''}`} id="reason">
              <label for="reason-select">Reason for rejecting</label>
              {err('reason').map((m) => (
                <p class="field-error">{m}</p>
              ))}
              <select id="reason-select" name="reason">
                <option value="">Choose a reason</option>
                {Object.entries(REJECTION_REASONS).map(([k, text]) => (
                  <option value={k} selected={p.values.reason === k}>
                    {text}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <div class={`field${err('note').length ? ' has-error' : ''}`} id="note">
            <label for="note-text">Note to the reporter (optional; required for “Other”)</label>
            {err('note').map((m) => (
              <p class="field-error">{m}</p>
            ))}
            <textarea id="note-text" name="note">
              {p.values.note ?? ''}
            </textarea>
          </div>
          <div class={`field${err('manifestly_illegal').length ? ' has-error' : ''}`} id="manifestly_illegal">
            {err('manifestly_illegal').map((m) => (
              <p class="field-error">{m}</p>
            ))}
            <label>
              <input type="checkbox" name="manifestly_illegal" value="true" checked={p.values.manifestly_illegal === 'true'} /> When disabling: the content is
              manifestly illegal (counts towards suspending the customer under the <a href="/policy/misuse">misuse policy</a>)
            </label>
          </div>
          <button type="submit">Apply decision</button>
        </fieldset>
      </form>

      {v.items
        .filter((i) => p.lifecycleCommands?.get(i.position)?.length)
        .map((i) => (
          <form id={`lc-form-${i.position}`} method="post" action={`/staff/notices/${v.id}/lifecycle${lcQuery({ state: p.state, after: p.after })}`} hidden>
            <input type="hidden" name="_csrf" value={p.csrfToken} />
            <input type="hidden" name="position" value={String(i.position)} />
          </form>
        ))}

      <form method="post" action={`/staff/notices/${v.id}/ask`} class="actions" novalidate>
        <input type="hidden" name="_csrf" value={p.csrfToken} />
        <div class={`field${err('question').length ? ' has-error' : ''}`} id="question">
          <label for="question-text">Ask the reporter for more information</label>
          <span class="hint">Sent by e-mail to {v.claimant?.email ?? 'the reporter (who gave no address, so nobody)'} and shown on the notice's timeline.</span>
          {err('question').map((m) => (
            <p class="field-error">{m}</p>
          ))}
          <textarea id="question-text" name="question">
            {p.values.question ?? ''}
          </textarea>
        </div>
        <button type="submit" class="secondary">
          Send the question
        </button>
      </form>

      {p.hotline ? <HotlineSection report={p.hotline} /> : null}

      <h2>Timeline</h2>
      {p.events.length === 0 ? (
        <p class="empty">Nothing has happened yet.</p>
      ) : (
        <ol class="timeline">
          {p.events.map((e) => (
            <li>
              <time datetime={e.at}>{new Date(e.at).toUTCString()}</time>
              {describeEvent(e)} <span class="muted">({e.actor})</span>
            </li>
          ))}
        </ol>
      )}
      <details>
        <summary>The submission as received</summary>
        <pre class="raw">{JSON.stringify(p.raw, null, 2)}</pre>
      </details>
    </Layout>
  );
}
