// Network reports in the staff console: reports that name an IP address, port and time instead
// of a URL (ACNS, X-ARF/XARF), newest first with filters, and one report with where it went and
// why, the message and machine-readable file it came in, the mail it caused and its events.
import { Layout } from '../layout.tsx';
import { RawEventTimeline } from './raw-event-timeline.tsx';
import type { Principal } from '../../services/principals.ts';
import {
  NETWORK_REPORT_FORMAT_LABELS,
  NETWORK_REPORT_STATES,
  NETWORK_REPORT_STATE_LABELS,
  type NetworkReportDetail,
  type NetworkReportRow,
  type NetworkReportState,
} from '../../services/network-report-views.ts';

const when = (iso: string) => `${iso.replace('T', ' ').slice(0, 19)} UTC`;
const n = (x: number) => x.toLocaleString('en-US');
const format = (f: string) => NETWORK_REPORT_FORMAT_LABELS[f] ?? f;
const address = (ip: string, port: number | null) => (port === null ? ip : `${ip} port ${port}`);
const OUTCOMES: Record<string, string> = {
  routed_by_ip: 'a report by IP address, routed to the account that held it',
  not_on_network: 'a report by IP address, not on our network',
  kept_for_staff: 'an abuse report kept for staff',
};

export interface NetworkReportListFilter {
  state: NetworkReportState | '';
  category: string;
  account: string;
}

export function networkReportsHref(f: NetworkReportListFilter, before?: number | null): string {
  const q = new URLSearchParams();
  if (f.state) q.set('state', f.state);
  if (f.category) q.set('category', f.category);
  if (f.account) q.set('account', f.account);
  if (before !== undefined && before !== null) q.set('before', String(before));
  const s = q.toString();
  return `/staff/network-reports${s ? `?${s}` : ''}`;
}

function StateBadge(p: { state: NetworkReportState }) {
  return <span class={`badge ${p.state}`}>{NETWORK_REPORT_STATE_LABELS[p.state]}</span>;
}

export function StaffNetworkReportsPage(p: {
  provider: string;
  user: Principal;
  csrfToken: string;
  filter: NetworkReportListFilter;
  categories: string[];
  rows: NetworkReportRow[];
  /** Set when this page is not the first (the list started below a report). */
  paged: boolean;
  nextBefore: number | null;
  accountName: string | null;
}) {
  const f = p.filter;
  const filtered = !!(f.state || f.category || f.account);
  const categories = f.category && !p.categories.includes(f.category) ? [...p.categories, f.category].sort() : p.categories;
  return (
    <Layout title="Network reports" provider={p.provider} user={p.user} csrfToken={p.csrfToken} current="/staff/network-reports">
      <h1>Network reports{f.account ? <span class="muted"> · account {p.accountName ? `${p.accountName} (${f.account})` : f.account}</span> : null}</h1>
      <p class="lead">
        Reports that name an IP address, port and time instead of a URL (ACNS notices, X-ARF and XARF reports), read from the desk’s mail. A copyright report
        goes to the account that held the address at that time; other kinds are kept here for the abuse team.
      </p>
      <form method="get" action="/staff/network-reports" class="filter" aria-label="Filter network reports">
        <div class="field">
          <label for="nr-state">State</label>
          <select id="nr-state" name="state">
            <option value="">Any state</option>
            {NETWORK_REPORT_STATES.map((s) => (
              <option value={s} selected={f.state === s}>
                {NETWORK_REPORT_STATE_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="nr-category">Category</label>
          <select id="nr-category" name="category">
            <option value="">Any category</option>
            {categories.map((c) => (
              <option value={c} selected={f.category === c}>
                {c}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="nr-account">Account id</label>
          <input type="text" id="nr-account" name="account" value={f.account} autocomplete="off" />
        </div>
        <button type="submit">Filter</button>
        {filtered ? <a href="/staff/network-reports">Clear the filters</a> : null}
      </form>
      {p.rows.length === 0 ? (
        <p class="empty">
          {p.paged
            ? 'There are no older reports.'
            : filtered
              ? 'No network report matches these filters.'
              : 'No network report has come in yet. They arrive by e-mail at the desk’s intake addresses (ACNS 2.0, X-ARF and XARF reports that name an IP address); load the address blocks of your customers with “safeharbor import netblocks” so they can be routed.'}
        </p>
      ) : (
        <div class="table-wrap">
          <table class="stack">
            <caption>{`Newest first${filtered ? ', filtered' : ''}: ${n(p.rows.length)} report${p.rows.length === 1 ? '' : 's'} on this page.`}</caption>
            <thead>
              <tr>
                <th scope="col">Report</th>
                <th scope="col">Address seen</th>
                <th scope="col">Kind</th>
                <th scope="col">Routed to</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {p.rows.map((r) => (
                <tr>
                  <td data-label="Report">
                    <a href={`/staff/network-reports/${r.id}`}>Report {r.id}</a>
                    <div class="hint">
                      received <time datetime={r.created_at}>{when(r.created_at)}</time>
                    </div>
                  </td>
                  <td data-label="Address seen">
                    <span class="break">{address(r.ip, r.port)}</span>
                    <div class="hint">
                      at <time datetime={r.observed_at}>{when(r.observed_at)}</time>
                      {r.protocol ? ` · ${r.protocol}` : ''}
                    </div>
                  </td>
                  <td data-label="Kind">
                    {r.category} <span class="muted">({format(r.format)})</span>
                    {r.work ? <div class="hint">{r.work}</div> : null}
                  </td>
                  <td data-label="Routed to">
                    {r.account_id ? (
                      <a href={`/staff/accounts/${encodeURIComponent(r.account_id)}`}>
                        {r.account_name ? `${r.account_name} (${r.account_id})` : r.account_id}
                      </a>
                    ) : (
                      <span class="muted">no account</span>
                    )}
                  </td>
                  <td data-label="State">
                    <StateBadge state={r.state} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {p.paged || p.nextBefore !== null ? (
        <nav class="pager" aria-label="Pages of network reports">
          {p.paged ? <a href={networkReportsHref(f)}>Newest reports</a> : null}
          {p.nextBefore !== null ? (
            <a href={networkReportsHref(f, p.nextBefore)} rel="next">
              Older reports
            </a>
          ) : null}
        </nav>
      ) : null}
    </Layout>
  );
}

export function StaffNetworkReportPage(p: { provider: string; user: Principal; csrfToken: string; report: NetworkReportDetail }) {
  const r = p.report;
  const m = r.message;
  return (
    <Layout title={`Network report ${r.id}`} provider={p.provider} user={p.user} csrfToken={p.csrfToken} current="/staff/network-reports">
      <p>
        <a href="/staff/network-reports">← Network reports</a>
      </p>
      <h1>
        Network report {r.id}: <span class="break">{r.ip}</span>
      </h1>
      <p>
        <StateBadge state={r.state} />
        {r.reason ? <span class="hint">{r.reason}</span> : null}
      </p>
      <dl class="facts">
        <dt>IP address</dt>
        <dd class="break">{r.ip}</dd>
        <dt>Port</dt>
        <dd>{r.port ?? <span class="muted">not given</span>}</dd>
        <dt>Seen at</dt>
        <dd>
          <time datetime={r.observed_at}>{when(r.observed_at)}</time>
        </dd>
        <dt>Protocol</dt>
        <dd>{r.protocol ?? <span class="muted">not given</span>}</dd>
        <dt>Category</dt>
        <dd>{r.category}</dd>
        <dt>Format</dt>
        <dd>{format(r.format)}</dd>
        <dt>Sender’s reference</dt>
        <dd class="break">{r.case_id ?? <span class="muted">none</span>}</dd>
        <dt>Complainant</dt>
        <dd class="break">{r.complainant_email ?? <span class="muted">no address in the report</span>}</dd>
        <dt>Routed to</dt>
        <dd>
          {r.account_id ? (
            <>
              <a href={`/staff/accounts/${encodeURIComponent(r.account_id)}`}>{r.account_name ? `${r.account_name} (${r.account_id})` : r.account_id}</a>
              {r.account_email ? <div class="hint">{r.account_email}</div> : null}
            </>
          ) : (
            <span class="muted">no account held the address at that time</span>
          )}
        </dd>
        <dt>Netblock</dt>
        <dd>
          {r.netblock ? (
            <>
              {r.netblock.cidr}
              <div class="hint">
                assigned to {r.netblock.account_id} from {when(r.netblock.assigned_from)}{' '}
                {r.netblock.assigned_to ? `until ${when(r.netblock.assigned_to)}` : 'with no end'}
              </div>
            </>
          ) : (
            <span class="muted">none matched</span>
          )}
        </dd>
        <dt>Received</dt>
        <dd>
          <time datetime={r.created_at}>{when(r.created_at)}</time>
        </dd>
      </dl>

      <section aria-labelledby="works-heading">
        <h2 id="works-heading">What was seen</h2>
        {r.works.length === 0 ? (
          <p class="empty">The report names no work or file.</p>
        ) : (
          <div class="table-wrap">
            <table class="stack" aria-describedby="works-heading">
              <thead>
                <tr>
                  <th scope="col">Title</th>
                  <th scope="col">File name</th>
                  <th scope="col">Hash</th>
                </tr>
              </thead>
              <tbody>
                {r.works.map((w) => (
                  <tr>
                    <td data-label="Title">{w.title ?? '—'}</td>
                    <td data-label="File name" class="break">
                      {w.file_name ?? '—'}
                    </td>
                    <td data-label="Hash" class="break">
                      {w.hash ?? '—'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="mail-heading">
        <h2 id="mail-heading">Mail it caused</h2>
        {r.mails.length === 0 ? (
          <p class="empty">
            {r.state === 'kept_for_staff' ? 'None: reports kept for the abuse team are not answered.' : 'No mail was queued for this report.'}
          </p>
        ) : (
          <div class="table-wrap">
            <table class="stack" aria-describedby="mail-heading">
              <thead>
                <tr>
                  <th scope="col">To</th>
                  <th scope="col">Subject</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {r.mails.map((x) => (
                  <tr>
                    <td data-label="To" class="break">
                      {x.to}
                      <div class="hint">{x.role === 'owner' ? 'the account' : x.role === 'reporter' ? 'the complainant' : x.role}</div>
                    </td>
                    <td data-label="Subject" class="break">
                      {x.subject}
                    </td>
                    <td data-label="Status">
                      {x.status}
                      <div class="hint">{x.sent_at ? `sent ${when(x.sent_at)}` : `queued ${when(x.created_at)}`}</div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="file-heading">
        <h2 id="file-heading">The report file</h2>
        {r.file ? (
          <>
            <p>
              <strong class="break">{r.file.name}</strong>{' '}
              <span class="muted">
                ({r.file.content_type}, read as {format(r.format)})
              </span>
            </p>
            <pre class="raw" tabindex={0} aria-label={`The report file, ${r.file.name}`}>
              {r.file.content}
            </pre>
            {r.file.truncated ? <p class="hint">Shortened here; download the message for all of it.</p> : null}
          </>
        ) : (
          <p class="empty">The {format(r.format)} part could not be picked out of the message again; it is in the message below.</p>
        )}
      </section>

      <section aria-labelledby="message-heading">
        <h2 id="message-heading">The message as received</h2>
        <dl class="facts">
          <dt>Received</dt>
          <dd>{when(m.received_at)}</dd>
          <dt>From</dt>
          <dd class="break">
            {m.from_address ?? '—'}
            {m.mail_from && m.mail_from !== m.from_address ? <div class="hint">envelope: {m.mail_from}</div> : null}
          </dd>
          <dt>To</dt>
          <dd class="break">{m.rcpt_to.join(', ')}</dd>
          <dt>Subject</dt>
          <dd class="break">{m.subject ?? '—'}</dd>
          <dt>Size</dt>
          <dd>{n(m.size)} bytes</dd>
          <dt>SHA-256</dt>
          <dd class="break">{m.sha256}</dd>
          {m.remote_address ? (
            <>
              <dt>Sent from</dt>
              <dd class="break">{m.remote_address}</dd>
            </>
          ) : null}
          <dt>Read as</dt>
          <dd>{OUTCOMES[m.outcome ?? ''] ?? m.outcome ?? m.status}</dd>
        </dl>
        <p>
          <a href={`/staff/network-reports/${r.id}/message.eml`} download={`network-report-${r.id}.eml`}>
            Download the message (.eml, {n(m.size)} bytes)
          </a>
        </p>
        <details>
          <summary>Show the whole message</summary>
          <pre class="raw" tabindex={0} aria-label="The whole message">
            {r.raw.text}
          </pre>
          {r.raw.truncated ? <p class="hint">Shortened here; download the message for all of it.</p> : null}
        </details>
      </section>

      <h2>Timeline</h2>
      <RawEventTimeline events={r.events} when={when} />
    </Layout>
  );
}
