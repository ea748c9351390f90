// A reporter's or customer's webhooks with their newest deliveries: what was sent, whether it
// arrived, and when the next attempt is due. Registering and redelivering are API calls (the
// secret must reach a machine, not a browser page), so this page only shows.
import { Layout } from '../layout.tsx';
import type { Principal } from '../../services/principals.ts';
import type { DeliveryView, WebhookView } from '../../services/webhooks.ts';

const when = (iso: string | null) => (iso ? `${iso.replace('T', ' ').slice(0, 19)} UTC` : '—');

export function WebhooksPage(p: {
  provider: string;
  user: Principal;
  csrfToken: string;
  current: string;
  webhooks: (WebhookView & { deliveries: DeliveryView[] })[];
}) {
  return (
    <Layout title="Webhooks" provider={p.provider} user={p.user} csrfToken={p.csrfToken} current={p.current}>
      <h1>Webhooks</h1>
      <p>
        Register one with <code>POST /v1/webhooks</code> and an API token; each delivery is signed with the secret shown then (the API document:{' '}
        <a href="/openapi.json">/openapi.json</a>). The newest deliveries of each are below.
      </p>
      {p.webhooks.length === 0 ? <p class="empty">You have no webhooks.</p> : null}
      {p.webhooks.map((w) => (
        <section>
          <h2 class="url">{w.url}</h2>
          <dl class="facts">
            <dt>Events</dt>
            <dd>{w.events.join(', ')}</dd>
            <dt>Registered</dt>
            <dd>{when(w.created_at)}</dd>
          </dl>
          {w.deliveries.length === 0 ? (
            <p class="empty">Nothing delivered yet.</p>
          ) : (
            <div class="table-wrap">
              <table class="stack">
                <thead>
                  <tr>
                    <th scope="col">Delivery</th>
                    <th scope="col">Event</th>
                    <th scope="col">Status</th>
                    <th scope="col">Attempts</th>
                    <th scope="col">Last answer</th>
                    <th scope="col">Next attempt</th>
                  </tr>
                </thead>
                <tbody>
                  {w.deliveries.map((d) => (
                    <tr>
                      <td data-label="Delivery">{String(d.id)}</td>
                      <td data-label="Event">{d.event_type}</td>
                      <td data-label="Status">{d.status}</td>
                      <td data-label="Attempts">{String(d.attempts)}</td>
                      <td data-label="Last answer">{d.last_status_code !== null ? `HTTP ${d.last_status_code}` : (d.last_error ?? '—')}</td>
                      <td data-label="Next attempt">{when(d.next_attempt_at)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      ))}
    </Layout>
  );
}
