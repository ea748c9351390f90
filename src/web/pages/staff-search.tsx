// One search box for the desk: notice numbers, URLs, domains, e-mail addresses, accounts, names.
import { Layout } from '../layout.tsx';
import type { Principal } from '../../services/principals.ts';
import type { SearchResults } from '../../services/staff-views.ts';
import type { ItemState } from '../../domain/item-state.ts';
import { STATE_LABELS } from './status.tsx';

const when = (iso: string) => `${iso.replace('T', ' ').slice(0, 16)} UTC`;

export function StaffSearchPage(p: { provider: string; user: Principal; csrfToken: string; results: SearchResults | null }) {
  const r = p.results;
  const none = r && !r.notices.length && !r.items.length && !r.zones.length && !r.accounts.length && !r.reporters.length;
  return (
    <Layout title="Search" provider={p.provider} user={p.user} csrfToken={p.csrfToken} current="/staff/search">
      <h1>Search</h1>
      <form method="get" action="/staff/search" role="search" class="filter">
        <div class="field">
          <label for="q">Notice number, URL, domain, e-mail address, account or name</label>
          <input type="search" id="q" name="q" value={r?.query ?? ''} />
        </div>
        <button type="submit">Search</button>
      </form>
      {none ? <p class="empty">Nothing found for “{r!.query}”.</p> : null}
      {r?.notices.length ? (
        <section aria-labelledby="r-notices">
          <h2 id="r-notices">Notices</h2>
          <ul>
            {r.notices.map((x) => (
              <li>
                <a href={`/staff/notices/${x.id}`}>{x.id}</a> — {x.kind}, {x.claimant || 'no claimant'}, {x.items.toLocaleString('en-US')} URLs,{' '}
                {when(x.created_at)}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {r?.items.length ? (
        <section aria-labelledby="r-items">
          <h2 id="r-items">Reported URLs</h2>
          <ul>
            {r.items.map((x) => (
              <li class="break">
                <a href={`/staff/notices/${x.notice_id}`}>{x.url}</a> — {STATE_LABELS[x.state as ItemState] ?? x.state}
                {x.zone ? `, zone ${x.zone}` : ''}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {r?.zones.length ? (
        <section aria-labelledby="r-zones">
          <h2 id="r-zones">Zones</h2>
          <ul>
            {r.zones.map((z) => (
              <li>
                {z.name} ({z.mode}) — <a href={`/staff/accounts/${encodeURIComponent(z.account_id)}`}>{z.account_name}</a>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {r?.accounts.length ? (
        <section aria-labelledby="r-accounts">
          <h2 id="r-accounts">Accounts</h2>
          <ul>
            {r.accounts.map((a) => (
              <li>
                <a href={`/staff/accounts/${encodeURIComponent(a.id)}`}>{a.name}</a> ({a.id}, {a.email})
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {r?.reporters.length ? (
        <section aria-labelledby="r-reporters">
          <h2 id="r-reporters">Reporters</h2>
          <ul>
            {r.reporters.map((x) => (
              <li>
                <a href={`/staff?state=pending_review&reporter=${encodeURIComponent(x.email)}`}>{x.email}</a>
                {x.name ? ` (${x.name})` : ''} — {x.notices.toLocaleString('en-US')} notices
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </Layout>
  );
}
