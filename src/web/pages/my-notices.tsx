// A signed-in reporter's notices, each with its status page.
import { Layout } from '../layout.tsx';
import type { Principal } from '../../services/principals.ts';
import type { NoticeSummary } from '../../services/notice-views.ts';

export function MyNoticesPage(p: {
  provider: string;
  user: Principal;
  csrfToken: string;
  notices: (NoticeSummary & { statusHref: string })[];
  nextHref: string | null;
}) {
  return (
    <Layout title="Your notices" provider={p.provider} user={p.user} csrfToken={p.csrfToken} current="/my">
      <h1>Your notices</h1>
      {p.notices.length === 0 ? (
        <p class="empty">
          You have not filed a notice yet. <a href="/report">Report abuse</a>.
        </p>
      ) : (
        <div class="table-wrap">
          <table class="stack">
            <thead>
              <tr>
                <th scope="col">Received</th>
                <th scope="col">Notice</th>
                <th scope="col">First URL</th>
                <th scope="col">Progress</th>
              </tr>
            </thead>
            <tbody>
              {p.notices.map((x) => (
                <tr>
                  <td data-label="Received">{`${x.created_at.replace('T', ' ').slice(0, 16)} UTC`}</td>
                  <td data-label="Notice">
                    <a href={x.statusHref}>{x.id.slice(0, 8)}</a>
                  </td>
                  <td class="url" data-label="First URL">
                    {x.first_url ?? '—'}
                  </td>
                  <td data-label="Progress">
                    {x.status}: {x.items_resolved.toLocaleString('en-US')} of {x.items_total.toLocaleString('en-US')} URLs
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
