// The staff queue: notices with URLs waiting for a human, in the order they must be decided
// (dsa/domain/trusted-flagger-queue.ts), each with its due time, and the desk's counts.
import { Layout } from '../layout.tsx';
import type { Principal } from '../../services/principals.ts';
import type { DeskCounts, QueueRow } from '../../services/staff-views.ts';
import { ITEM_STATES, type ItemState } from '../../domain/item-state.ts';
import { NOTICE_KINDS } from '../../domain/notice.ts';
import { STATE_LABELS } from './status.tsx';
import { LegalQueueSection } from '../../legal/web/pages/staff-legal.tsx';
import type { LegalQueue } from '../../legal/services/views.ts';

export interface QueueFilterValues {
  state: ItemState;
  kind: string;
  reporter: string;
  account: string;
}

export interface StaffQueueProps {
  provider: string;
  user: Principal;
  csrfToken: string;
  counts: DeskCounts;
  filter: QueueFilterValues;
  rows: QueueRow[];
  nextHref: string | null;
  /** For telling which due times have passed. */
  now: Date;
  /** Open legal requests by deadline and court-ordered domains that came back. */
  legal?: LegalQueue;
}

const n = (x: number) => x.toLocaleString('en-US');
const utc = (isoTime: string) => `${isoTime.replace('T', ' ').slice(0, 16)} UTC`;

export function StaffQueuePage(p: StaffQueueProps) {
  const c = p.counts;
  return (
    <Layout title="Queue" provider={p.provider} user={p.user} csrfToken={p.csrfToken} current="/staff">
      <h1>Review queue</h1>
      <ul class="cards" aria-label="Desk at a glance">
        <li>
          <strong>{n(c.items_pending_review)}</strong> URLs waiting for review
        </li>
        <li>
          <strong>{n(c.notices_pending_review)}</strong> notices with URLs to review
        </li>
        <li>
          <strong>{n(c.notices_processing)}</strong> notices being processed
        </li>
        <li>
          <strong>{n(c.messages_pending)}</strong> messages waiting to be sent
        </li>
        <li>
          <strong>{n(c.messages_failed)}</strong> messages that could not be delivered
        </li>
      </ul>
      <p>
        <a href="/staff/trusted-flaggers">Trusted flaggers</a>: who holds the status, and how fast their notices are decided.
      </p>
      <form method="get" action="/staff" class="filter" aria-label="Filter the queue">
        <div class="field">
          <label for="state">URLs in state</label>
          <select id="state" name="state">
            {ITEM_STATES.map((s) => (
              <option value={s} selected={p.filter.state === s}>
                {STATE_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="kind">Kind of notice</label>
          <select id="kind" name="kind">
            <option value="">Any kind</option>
            {NOTICE_KINDS.map((k) => (
              <option value={k} selected={p.filter.kind === k}>
                {k}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="reporter">Reporter e-mail</label>
          <input type="text" id="reporter" name="reporter" value={p.filter.reporter} />
        </div>
        <div class="field">
          <label for="account">Account id</label>
          <input type="text" id="account" name="account" value={p.filter.account} />
        </div>
        <button type="submit">Filter</button>
      </form>
      {p.rows.length === 0 ? (
        <p class="empty">No notice has URLs in the state “{STATE_LABELS[p.filter.state]}” with these filters. Nothing is waiting.</p>
      ) : (
        <div class="table-wrap">
          <table class="stack">
            <caption>
              In the order they must be decided: notices of trusted flaggers (DSA Art. 22) within their expertise first, then the most urgent kinds, then the
              oldest.
            </caption>
            <thead>
              <tr>
                <th scope="col">Received</th>
                <th scope="col">Due by</th>
                <th scope="col">Notice</th>
                <th scope="col">Claimant</th>
                <th scope="col">Sites</th>
                <th scope="col">URLs in state / all</th>
              </tr>
            </thead>
            <tbody>
              {p.rows.map((r) => (
                <tr>
                  <td data-label="Received">
                    <time datetime={r.created_at}>{utc(r.created_at)}</time>
                  </td>
                  <td data-label="Due by">
                    <time datetime={r.due_by}>{utc(r.due_by)}</time>
                    {new Date(r.due_by) < p.now ? <strong> (overdue)</strong> : null}
                  </td>
                  <td data-label="Notice">
                    <a href={`/staff/notices/${r.id}?state=${p.filter.state}`}>{r.id.slice(0, 8)}</a>{' '}
                    <span class="muted">
                      {r.kind} · {r.channel}
                    </span>
                    {r.trusted_flagger ? (
                      <>
                        {' '}
                        <strong class="badge">Trusted flagger</strong>
                      </>
                    ) : null}
                  </td>
                  <td data-label="Claimant">
                    {r.claimant}
                    <div class="hint">{r.reporter}</div>
                  </td>
                  <td data-label="Sites">{r.domains.join(', ') || '—'}</td>
                  <td data-label="URLs">
                    {n(r.items_in_state)} / {n(r.items_total)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {p.legal ? <LegalQueueSection queue={p.legal} csrfToken={p.csrfToken} /> : null}
      {p.nextHref ? (
        <nav class="pager" aria-label="Pages of the queue">
          <a href={p.nextHref} rel="next">
            Next page
          </a>
        </nav>
      ) : null}
    </Layout>
  );
}
