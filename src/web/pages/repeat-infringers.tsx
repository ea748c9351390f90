// The repeat-infringer policy as published (public), the staff queue of accounts over the review
// threshold, and one account's strikes with termination and reinstatement.
import { Layout, ErrorSummary } from '../layout.tsx';
import type { Principal } from '../../services/principals.ts';
import type { ReviewQueueRow } from '../../services/repeat-infringers.ts';
import type { AccountStanding } from '../../domain/strike-policy.ts';

export const when = (d: Date | string | null) => (d ? `${new Date(d).toISOString().replace('T', ' ').slice(0, 16)} UTC` : '—');
const LEVELS = { ok: 'Below the review threshold', review: 'Review', terminate: 'Termination level' } as const;

export function PolicyPage(p: { provider: string; text: string; user?: Principal | null; csrfToken?: string }) {
  const [title, ...paras] = p.text.split('\n\n');
  return (
    <Layout title={title!} provider={p.provider} user={p.user} csrfToken={p.csrfToken}>
      <h1>{title}</h1>
      {paras.map((t) => (
        <p>{t}</p>
      ))}
    </Layout>
  );
}

export function RepeatInfringerQueuePage(p: { provider: string; user: Principal; csrfToken: string; rows: ReviewQueueRow[]; policyText: string }) {
  return (
    <Layout title="Repeat infringers" provider={p.provider} user={p.user} csrfToken={p.csrfToken}>
      <h1>Accounts for review under the repeat-infringer policy</h1>
      <p class="lead">
        Accounts whose counted strikes reach the review threshold, most strikes first. <a href="/policy/repeat-infringers">The published policy</a>.
      </p>
      {p.rows.length === 0 ? (
        <p class="empty">No account is over the review threshold.</p>
      ) : (
        <div class="table-wrap">
          <table class="stack">
            <thead>
              <tr>
                <th scope="col">Account</th>
                <th scope="col">E-mail</th>
                <th scope="col">Zones</th>
                <th scope="col">Strikes</th>
                <th scope="col">Level</th>
                <th scope="col">Drops below the level</th>
              </tr>
            </thead>
            <tbody>
              {p.rows.map((r) => (
                <tr>
                  <td data-label="Account">
                    <a href={`/staff/accounts/${encodeURIComponent(r.account_id)}/strikes`}>{r.name}</a> <span class="muted">({r.account_id})</span>
                  </td>
                  <td data-label="E-mail">{r.email}</td>
                  <td data-label="Zones">{r.zones}</td>
                  <td data-label="Strikes">{r.standing.count}</td>
                  <td data-label="Level">{LEVELS[r.standing.level]}</td>
                  <td data-label="Drops">{when(r.standing.levelExpiresAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}

export interface AccountStrikesProps {
  provider: string;
  user: Principal;
  csrfToken: string;
  account: { id: string; name: string; email: string; terminated_at: Date | null; termination_reason: string | null };
  standing: AccountStanding;
  policyText: string;
  errors: { field: string; message: string }[];
  flash: string | null;
}

export function AccountStrikesPage(p: AccountStrikesProps) {
  const a = p.account;
  const s = p.standing;
  const err = p.errors.map((e) => e.message);
  const terminated = a.terminated_at !== null;
  return (
    <Layout title={`Strikes of ${a.id}`} provider={p.provider} user={p.user} csrfToken={p.csrfToken}>
      <p>
        <a href={`/staff/accounts/${encodeURIComponent(a.id)}`}>← Account {a.name}</a> · <a href="/staff/repeat-infringers">Repeat infringers</a>
      </p>
      <h1>Strikes of {a.name}</h1>
      {p.flash ? (
        <p class="flash" role="status">
          {p.flash}
        </p>
      ) : null}
      <ErrorSummary errors={p.errors.map((e) => ({ field: e.field, label: 'Reason', messages: [e.message] }))} />
      <dl class="facts">
        <dt>Status</dt>
        <dd>{terminated ? `Terminated ${when(a.terminated_at)}: ${a.termination_reason ?? ''}` : 'Active'}</dd>
        <dt>Counted strikes</dt>
        <dd>
          {s.count} ({LEVELS[s.level]}; review at {s.count + s.untilReview}, termination at {s.count + s.untilTerminate})
        </dd>
        <dt>Next strike expires</dt>
        <dd>{when(s.expiresAt)}</dd>
      </dl>
      <h2 id="strikes-heading">Counted strikes</h2>
      {s.counted.length === 0 ? (
        <p class="empty">No strike counts now.</p>
      ) : (
        <ul>
          {s.counted.map((c) => (
            <li>
              <a href={`/staff/notices/${c.noticeId}`}>{c.noticeId}</a>: {when(c.at)}, counts until {when(c.expiresAt)}
            </li>
          ))}
        </ul>
      )}
      <h2>{terminated ? 'Reinstate the account' : 'Terminate the account'}</h2>
      <form method="post" action={`/staff/accounts/${encodeURIComponent(a.id)}/${terminated ? 'reinstate' : 'terminate'}`}>
        <input type="hidden" name="_csrf" value={p.csrfToken} />
        <div class={`field${err.length ? ' has-error' : ''}`} id="reason">
          <label for="reason-text">Reason (recorded and sent to the customer)</label>
          {err.map((m) => (
            <p class="field-error">{m}</p>
          ))}
          <textarea id="reason-text" name="reason" required></textarea>
        </div>
        <button type="submit">{terminated ? 'Reinstate: serve every zone again' : 'Terminate: block every zone of this account'}</button>
      </form>
      <h2>The policy</h2>
      {p.policyText
        .split('\n\n')
        .slice(1)
        .map((t) => (
          <p>{t}</p>
        ))}
    </Layout>
  );
}
