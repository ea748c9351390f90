// Every legal request for staff, open or not: filter by state, nearest deadline first, paginated,
// with the way to record a new one.
import { Layout } from '../../../web/layout.tsx';
import { Deadline } from './staff-legal.tsx';
import type { Principal } from '../../../services/principals.ts';
import type { LegalRequestSummary } from '../../services/views.ts';
import { LEGAL_REQUEST_STATES, LEGAL_REQUEST_STATE_LABELS, LEGAL_REQUEST_TYPE_LABELS, type LegalRequestState } from '../../domain/legal-request.ts';

export type LegalListFilter = 'open' | 'all' | LegalRequestState;

export const LEGAL_LIST_PAGE_SIZE = 50;

const n = (x: number) => x.toLocaleString('en-US');
const when = (iso: string) => `${iso.replace('T', ' ').slice(0, 16)} UTC`;

export function legalListHref(state: LegalListFilter, page = 1): string {
  const q = new URLSearchParams();
  if (state !== 'open') q.set('state', state);
  if (page > 1) q.set('page', String(page));
  const s = q.toString();
  return `/staff/legal${s ? `?${s}` : ''}`;
}

export function StaffLegalListPage(p: {
  provider: string;
  user: Principal;
  csrfToken: string;
  state: LegalListFilter;
  rows: LegalRequestSummary[];
  total: number;
  page: number;
}) {
  const filters: [LegalListFilter, string][] = [
    ['open', 'Open'],
    ...LEGAL_REQUEST_STATES.map((s): [LegalListFilter, string] => [s, LEGAL_REQUEST_STATE_LABELS[s]]),
    ['all', 'All'],
  ];
  const first = (p.page - 1) * LEGAL_LIST_PAGE_SIZE;
  const label = p.state === 'open' ? 'open' : p.state === 'all' ? '' : `“${LEGAL_REQUEST_STATE_LABELS[p.state]}”`;
  return (
    <Layout title="Legal requests" provider={p.provider} user={p.user} csrfToken={p.csrfToken} current="/staff/legal">
      <h1>Legal requests</h1>
      <p>
        <a class="button" href="/staff/legal/new">
          New legal request
        </a>
      </p>
      <nav aria-label="Filter legal requests by state">
        <ul class="filters">
          {filters.map(([s, text]) => (
            <li>
              <a href={legalListHref(s)} aria-current={p.state === s ? 'true' : undefined}>
                {text}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {p.rows.length === 0 ? (
        <p class="empty">{p.total === 0 ? `There is no ${label ? `${label} ` : ''}legal request.` : 'There are no more requests on this page.'}</p>
      ) : (
        <div class="table-wrap">
          <table class="stack">
            <caption>{`${n(p.total)} ${label ? `${label} ` : ''}request${p.total === 1 ? '' : 's'}, nearest deadline first${p.total > p.rows.length ? `; showing ${n(first + 1)}–${n(first + p.rows.length)}` : ''}.`}</caption>
            <thead>
              <tr>
                <th scope="col">Deadline</th>
                <th scope="col">Request</th>
                <th scope="col">Issued by</th>
                <th scope="col">Requested by</th>
                <th scope="col">Targets</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {p.rows.map((r) => (
                <tr class={r.overdue ? 'overdue' : undefined}>
                  <td data-label="Deadline">
                    <Deadline deadline={r.deadline} overdue={r.overdue} />
                  </td>
                  <td data-label="Request">
                    <a href={`/staff/legal/${r.id}`}>{r.case_number}</a> <span class="muted">{LEGAL_REQUEST_TYPE_LABELS[r.type]}</span>
                    <div class="hint">Received {when(r.received_at)}</div>
                    {r.non_disclosure_order ? <div class="hint">Non-disclosure order</div> : null}
                  </td>
                  <td data-label="Issued by">{r.authority}</td>
                  <td data-label="Requested by">{r.requesting_party}</td>
                  <td data-label="Targets">{n(r.targets)}</td>
                  <td data-label="State">
                    <span class={`badge ${r.state}`}>{LEGAL_REQUEST_STATE_LABELS[r.state]}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {p.page > 1 || first + p.rows.length < p.total ? (
        <nav class="pager" aria-label="Pages of legal requests">
          {p.page > 1 ? (
            <a href={legalListHref(p.state, p.page - 1)} rel="prev">
              Previous page
            </a>
          ) : null}
          {first + p.rows.length < p.total ? (
            <a href={legalListHref(p.state, p.page + 1)} rel="next">
              Next page
            </a>
          ) : null}
        </nav>
      ) : null}
    </Layout>
  );
}
