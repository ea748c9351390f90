// One customer account for staff: its zones, where they pointed over time, every notice about
// it, and its strikes.
import { Layout } from '../layout.tsx';
import { stateSummary } from './state-summary.ts';
import type { Principal } from '../../services/principals.ts';
import { ACCOUNT_ZONES_SHOWN, type AccountPage } from '../../services/staff-views.ts';
import { STATE_LABELS } from './status.tsx';
import type { AccountStanding } from '../../domain/strike-policy.ts';

const n = (x: number) => x.toLocaleString('en-US');
const when = (iso: string) => `${iso.replace('T', ' ').slice(0, 16)} UTC`;

export function StaffAccountPage(p: {
  provider: string;
  user: Principal;
  csrfToken: string;
  page: AccountPage;
  standing?: AccountStanding;
  policyText?: string;
  /** Reports by IP address (ACNS, X-ARF/XARF) routed to this account. */
  networkReports?: number;
}) {
  const a = p.page;
  return (
    <Layout title={`Account ${a.account.id}`} provider={p.provider} user={p.user} csrfToken={p.csrfToken}>
      <p>
        <a href="/staff">← Queue</a>
      </p>
      <h1>{a.account.name}</h1>
      <dl class="facts">
        <dt>Account id</dt>
        <dd>{a.account.id}</dd>
        <dt>E-mail</dt>
        <dd>{a.account.email}</dd>
        <dt>Customer since</dt>
        <dd>{when(a.account.created_at)}</dd>
        <dt>Zones</dt>
        <dd>{n(a.zone_count)}</dd>
        <dt>Strikes</dt>
        <dd>
          {p.standing ? (
            <>
              {n(p.standing.count)} counted under the repeat-infringer policy (
              {p.standing.level === 'ok' ? 'below review' : p.standing.level === 'review' ? 'in the review queue' : 'termination level'}) ·{' '}
            </>
          ) : null}
          <span class="muted">{n(a.strikes)} notices with content disabled now</span> ·{' '}
          <a href={`/staff/accounts/${encodeURIComponent(a.account.id)}/strikes`}>Strikes, termination</a>
        </dd>
        {p.networkReports !== undefined ? (
          <>
            <dt>Network reports</dt>
            <dd>
              {p.networkReports === 0 ? (
                <span class="muted">No report by IP address was routed to this account.</span>
              ) : (
                <a href={`/staff/network-reports?${new URLSearchParams({ account: a.account.id })}`}>
                  {n(p.networkReports)} report{p.networkReports === 1 ? '' : 's'} by IP address routed to this account
                </a>
              )}
            </dd>
          </>
        ) : null}
      </dl>

      {p.policyText ? (
        <details>
          <summary>The repeat-infringer policy</summary>
          {p.policyText
            .split('\n\n')
            .slice(1)
            .map((t) => (
              <p>{t}</p>
            ))}
        </details>
      ) : null}

      <h2 id="zones-heading">Zones</h2>
      {a.zones.length === 0 ? (
        <p class="empty">This account has no zones.</p>
      ) : (
        <div class="table-wrap">
          <table class="stack" aria-describedby="zones-heading">
            <caption>
              {a.zone_count > ACCOUNT_ZONES_SHOWN ? `The first ${ACCOUNT_ZONES_SHOWN} of ${n(a.zone_count)} zones, by name` : `${n(a.zone_count)} zones`}
            </caption>
            <thead>
              <tr>
                <th scope="col">Zone</th>
                <th scope="col">Mode</th>
                <th scope="col">Origin now</th>
                <th scope="col">Status</th>
                <th scope="col">Changed</th>
              </tr>
            </thead>
            <tbody>
              {a.zones.map((z) => (
                <tr>
                  <td data-label="Zone">{z.name}</td>
                  <td data-label="Mode">{z.mode}</td>
                  <td data-label="Origin">{z.origin}</td>
                  <td data-label="Status">{z.status}</td>
                  <td data-label="Changed">{when(z.updated_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2 id="origins-heading">Origin history</h2>
      {a.origin_history.length === 0 ? (
        <p class="empty">No origins recorded.</p>
      ) : (
        <div class="table-wrap">
          <table class="stack" aria-describedby="origins-heading">
            <thead>
              <tr>
                <th scope="col">Zone</th>
                <th scope="col">Origin</th>
                <th scope="col">From</th>
                <th scope="col">Until</th>
              </tr>
            </thead>
            <tbody>
              {a.origin_history.map((h) => (
                <tr>
                  <td data-label="Zone">{h.zone}</td>
                  <td data-label="Origin">{h.origin}</td>
                  <td data-label="From">{when(h.valid_from)}</td>
                  <td data-label="Until">{h.valid_to ? when(h.valid_to) : 'now'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2 id="notices-heading">Notices about this account</h2>
      {a.notices.length === 0 ? (
        <p class="empty">No notice has named a URL of this account.</p>
      ) : (
        <div class="table-wrap">
          <table class="stack" aria-describedby="notices-heading">
            <thead>
              <tr>
                <th scope="col">Received</th>
                <th scope="col">Notice</th>
                <th scope="col">URLs of this account</th>
                <th scope="col">Outcome</th>
              </tr>
            </thead>
            <tbody>
              {a.notices.map((x) => (
                <tr>
                  <td data-label="Received">{when(x.created_at)}</td>
                  <td data-label="Notice">
                    <a href={`/staff/notices/${x.id}`}>{x.id.slice(0, 8)}</a> <span class="muted">{x.kind}</span>
                  </td>
                  <td data-label="URLs">{n(x.items)}</td>
                  <td data-label="Outcome">{stateSummary(x.states, STATE_LABELS)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}
