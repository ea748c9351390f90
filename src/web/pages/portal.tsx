// The customer portal: the notices about the account's sites and, for each, what it asks, what
// was done, and what the customer can do about it.
import { Layout } from '../layout.tsx';
import { stateSummary } from './state-summary.ts';
import type { Principal } from '../../services/principals.ts';
import type { PortalNotice, PortalNoticeRow } from '../../services/portal-views.ts';
import { PORTAL_ITEMS_SHOWN } from '../../services/portal-views.ts';
import { DMCA_STATEMENTS } from '../../domain/notice.ts';
import type { ItemState } from '../../domain/item-state.ts';

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
                  <td data-label="Done">
                    {stateSummary(r.states, OWNER_STATE_LABELS)}
                  </td>
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

export function PortalNoticePage(p: { provider: string; user: Principal; csrfToken: string; notice: PortalNotice }) {
  const v = p.notice;
  const disabled = v.items.some((i) => i.state === 'content_disabled');
  return (
    <Layout title={`Notice ${v.id.slice(0, 8)}`} provider={p.provider} user={p.user} csrfToken={p.csrfToken}>
      <p>
        <a href="/portal">← All notices</a>
      </p>
      <h1>
        Copyright notice <span class="break">{v.id}</span>
      </h1>
      <dl class="facts">
        <dt>Received</dt>
        <dd>{when(v.created_at)}</dd>
        <dt>Work claimed</dt>
        <dd class="break">{v.work.description}</dd>
        {v.work.urls?.length ? (
          <>
            <dt>Original at</dt>
            <dd class="break">{v.work.urls.join(' · ')}</dd>
          </>
        ) : null}
        <dt>Complainant</dt>
        <dd>
          {v.claimant.name}
          {v.claimant.company ? `, ${v.claimant.company}` : ''} &lt;{v.claimant.email}&gt;, {v.claimant.country}
        </dd>
        <dt>Sworn statements</dt>
        <dd>
          <ul class="flush">
            <li>{DMCA_STATEMENTS.good_faith_belief}</li>
            <li>{DMCA_STATEMENTS.accuracy_and_authority}</li>
          </ul>
          Signed: {v.signature}
        </dd>
      </dl>
      <h2 id="urls-heading">Your URLs in this notice</h2>
      <div class="table-wrap">
        <table class="stack" aria-describedby="urls-heading">
          <caption>{v.items_total > PORTAL_ITEMS_SHOWN ? `The first ${PORTAL_ITEMS_SHOWN} of ${n(v.items_total)} URLs` : `${n(v.items_total)} URL${v.items_total === 1 ? '' : 's'}`}</caption>
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
      <h2>Deadlines and counter notice</h2>
      {disabled ? (
        <p>
          Content of yours was disabled because of this notice. If you believe that was a mistake or a misidentification, you may send a counter notice under 17 U.S.C. §512(g)(3). Filing a counter notice
          on this page is coming in the next release; until then, reply to the e-mail we sent you about this notice.
        </p>
      ) : (
        <p>Nothing is required of you by a deadline. For forwarded notices, deciding what to do about the material is up to you as the site's operator.</p>
      )}
    </Layout>
  );
}
