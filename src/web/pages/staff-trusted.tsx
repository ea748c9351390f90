// Trusted reporters for staff: applications waiting for vetting (approve or reject), active and
// past trusted reporters (revoke), and the origin disclosure log.
import { ErrorSummary, Layout } from '../layout.tsx';
import type { Principal } from '../../services/principals.ts';
import type { TrustedReporterView } from '../../services/trusted-reporters.ts';
import type { DisclosureView } from '../../services/origin-disclosure.ts';

const when = (iso: string | null) => (iso ? `${iso.replace('T', ' ').slice(0, 16)} UTC` : '—');

export interface StaffTrustedProps {
  provider: string;
  user: Principal;
  csrfToken: string;
  applications: TrustedReporterView[];
  flash: string | null;
  errors: { field: string; message: string }[];
  /** The application the errors are about, so its form shows them. */
  errorFor: string | null;
}

const LABELS: Record<string, string> = { reason: 'Reason', expires_at: 'Trusted until', scopes: 'Scopes', status: 'Status', id: 'Application' };

function DecisionForm(p: { id: string; action: 'approve' | 'reject' | 'revoke'; csrfToken: string; errors: string[] }) {
  const label = p.action === 'approve' ? 'Approve' : p.action === 'reject' ? 'Reject' : 'Revoke';
  const fid = `${p.action}-${p.id}`;
  return (
    <form method="post" action={`/staff/trusted-reporters/${p.id}/${p.action}`}>
      <input type="hidden" name="_csrf" value={p.csrfToken} />
      {p.action === 'approve' ? (
        <div class="field">
          <label for={`${fid}-expires`}>Trusted until (optional)</label>
          <input type="date" id={`${fid}-expires`} name="expires_at" />
        </div>
      ) : null}
      <div class="field">
        <label for={`${fid}-reason`}>{p.action === 'approve' ? 'Note (optional)' : 'Reason (required)'}</label>
        <input
          type="text"
          id={`${fid}-reason`}
          name="reason"
          required={p.action !== 'approve'}
          maxlength={2000}
          aria-invalid={p.errors.length ? 'true' : undefined}
        />
      </div>
      <button type="submit">
        {label} <span class="visually-hidden">this application</span>
      </button>
    </form>
  );
}

export function StaffTrustedPage(p: StaffTrustedProps) {
  const pending = p.applications.filter((a) => a.status === 'applied');
  const rest = p.applications.filter((a) => a.status !== 'applied');
  const errs = (id: string) => (p.errorFor === id ? p.errors.map((e) => e.message) : []);
  return (
    <Layout title="Trusted reporters" provider={p.provider} user={p.user} csrfToken={p.csrfToken} current="/staff/trusted-reporters">
      <h1>Trusted reporters</h1>
      <p>
        Trusted reporters may receive the origin address of proxied sites named in their own notices. <a href="/staff/disclosures">See every disclosure</a>.
      </p>
      {p.flash ? (
        <div class="ok-banner" role="status">
          {p.flash}
        </div>
      ) : null}
      <ErrorSummary errors={p.errors.map((e) => ({ field: e.field, label: LABELS[e.field] ?? e.field, messages: [e.message] }))} />
      <h2 id="applications-heading">Applications waiting for vetting</h2>
      {pending.length === 0 ? (
        <p class="empty">No application is waiting.</p>
      ) : (
        <div class="table-wrap">
          <table class="stack" aria-describedby="applications-heading">
            <thead>
              <tr>
                <th scope="col">Applied</th>
                <th scope="col">Reporter</th>
                <th scope="col">Purpose</th>
                <th scope="col">Terms</th>
                <th scope="col">Decision</th>
              </tr>
            </thead>
            <tbody>
              {pending.map((a) => (
                <tr>
                  <td data-label="Applied">{when(a.applied_at)}</td>
                  <td data-label="Reporter">
                    <strong>{a.organisation}</strong>
                    <div class="hint">{a.email}</div>
                    <div class="hint">{a.contact}</div>
                  </td>
                  <td data-label="Purpose">{a.purpose}</td>
                  <td data-label="Terms">
                    {a.terms_version}, accepted {when(a.terms_accepted_at)}
                  </td>
                  <td data-label="Decision">
                    <DecisionForm id={a.id} action="approve" csrfToken={p.csrfToken} errors={errs(a.id)} />
                    <DecisionForm id={a.id} action="reject" csrfToken={p.csrfToken} errors={errs(a.id)} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2 id="trusted-heading">Trusted reporters and past applications</h2>
      {rest.length === 0 ? (
        <p class="empty">Nobody is a trusted reporter yet.</p>
      ) : (
        <div class="table-wrap">
          <table class="stack" aria-describedby="trusted-heading">
            <thead>
              <tr>
                <th scope="col">Reporter</th>
                <th scope="col">Status</th>
                <th scope="col">Scopes</th>
                <th scope="col">Trusted until</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {rest.map((a) => (
                <tr>
                  <td data-label="Reporter">
                    <strong>{a.organisation}</strong>
                    <div class="hint">{a.email}</div>
                  </td>
                  <td data-label="Status">
                    {a.status}
                    {a.decision_reason ? <div class="hint">{a.decision_reason}</div> : null}
                    {a.ended_at ? <div class="hint">since {when(a.ended_at)}</div> : null}
                  </td>
                  <td data-label="Scopes">{a.scopes.join(', ') || '—'}</td>
                  <td data-label="Trusted until">{a.status === 'active' ? (a.expires_at ? when(a.expires_at) : 'no end') : '—'}</td>
                  <td data-label="Action">
                    {a.status === 'active' || a.status === 'suspended' ? (
                      <DecisionForm id={a.id} action="revoke" csrfToken={p.csrfToken} errors={errs(a.id)} />
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}

export function StaffDisclosuresPage(p: { provider: string; user: Principal; csrfToken: string; disclosures: DisclosureView[] }) {
  return (
    <Layout title="Origin disclosures" provider={p.provider} user={p.user} csrfToken={p.csrfToken} current="/staff/trusted-reporters">
      <p>
        <a href="/staff/trusted-reporters">← Trusted reporters</a>
      </p>
      <h1>Origin disclosures</h1>
      {p.disclosures.length === 0 ? (
        <p class="empty">No origin has been disclosed.</p>
      ) : (
        <div class="table-wrap">
          <table class="stack">
            <caption>Newest first: who received which origin address, for which site and notice, and when the site's customer was told.</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">To</th>
                <th scope="col">Site</th>
                <th scope="col">Origin</th>
                <th scope="col">Why</th>
                <th scope="col">Customer told</th>
              </tr>
            </thead>
            <tbody>
              {p.disclosures.map((d) => (
                <tr>
                  <td data-label="When">{when(d.disclosed_at)}</td>
                  <td data-label="To">
                    {d.organisation ?? d.email}
                    <div class="hint">{d.email}</div>
                  </td>
                  <td data-label="Site">
                    {d.zone}
                    {d.notice_id ? (
                      <div class="hint">
                        <a href={`/staff/notices/${d.notice_id}`}>notice {d.notice_id.slice(0, 8)}</a>
                      </div>
                    ) : null}
                  </td>
                  <td data-label="Origin">
                    {d.origin}
                    {d.origin_ips.length && d.origin_ips.join(',') !== d.origin ? <div class="hint">{d.origin_ips.join(', ')}</div> : null}
                    <div class="hint">
                      {d.which === 'current' ? 'current origin' : 'origin at the report'} · by {d.channel}
                    </div>
                  </td>
                  <td data-label="Why">
                    {d.basis === 'staff' ? 'staff' : 'trusted reporter'}
                    {d.purpose ? <div class="hint">{d.purpose}</div> : null}
                  </td>
                  <td data-label="Customer told">
                    {d.basis === 'staff' ? 'not told (staff)' : d.customer_notified_at ? when(d.customer_notified_at) : 'not yet'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}
