// The complaint parts of the pages (DSA Art. 20): a party's complaints and the form to file one,
// on the customer portal's notice page and the reporter's status page; and the staff page that
// lists open complaints and decides them. The same service as the API (services/complaints.ts).
import { Layout } from '../layout.tsx';
import type { Principal } from '../../services/principals.ts';
import type { ComplaintView, StaffComplaintView } from '../../services/complaints.ts';
import type { FieldError } from '../../domain/notice.ts';
import { COMPLAINT_TEXT_MAX, OUTCOME_REASON_MAX } from '../../dsa/domain/complaint.ts';

export interface OpenDecision {
  id: string;
  kind: string;
  decidedAt: Date;
  deadline: Date;
  urls: string[];
}

export interface ComplaintSectionProps {
  /** Where the form posts. */
  action: string;
  csrfToken: string;
  decisions: OpenDecision[];
  complaints: ComplaintView[];
  errors?: FieldError[];
  text?: string;
  flash?: string | null;
}

const ymd = (d: Date) => new Date(d).toISOString().slice(0, 10);
const STATE_WORDS: Record<string, string> = {
  open: 'Open: a staff member who did not take the decision is reviewing it',
  upheld: 'Decided: the decision stands',
  reversed: 'Decided: the decision was reversed',
  partly_reversed: 'Decided: the decision was partly reversed',
};
const decisionWords = (kind: string) => (kind === 'restriction' ? 'access disabled' : 'no action taken');

function ErrorList(p: { errors: FieldError[] }) {
  return p.errors.length ? (
    <ul class="errors" role="alert">
      {p.errors.map((e) => (
        <li>
          {e.field}: {e.message}
        </li>
      ))}
    </ul>
  ) : null;
}

export function ComplaintSection(p: ComplaintSectionProps) {
  return (
    <section aria-labelledby="complaints-heading">
      <h2 id="complaints-heading">Complaints against our decisions</h2>
      {p.flash ? (
        <p class="flash" role="status">
          {p.flash}
        </p>
      ) : null}
      {p.complaints.map((c) => (
        <div class="complaint">
          <p>
            <strong>{STATE_WORDS[c.state] ?? c.state}</strong> — filed {ymd(c.created_at)} against the decision of {ymd(c.decision_at)} (
            {decisionWords(c.decision_kind)}).
          </p>
          <p class="hint">{c.text}</p>
          {c.outcome_reason ? <p>Reasons: {c.outcome_reason}</p> : null}
        </div>
      ))}
      {p.decisions.length ? (
        <form method="post" action={p.action}>
          <input type="hidden" name="_csrf" value={p.csrfToken} />
          <p>
            If you believe a decision on this notice is wrong, you may complain against it, free of charge, within six months (EU Digital Services Act, Art.
            20). A member of our staff who did not take the decision reviews it, and both sides are told the outcome and its reasons.
          </p>
          <ErrorList errors={p.errors ?? []} />
          <fieldset>
            <legend>Decision</legend>
            {p.decisions.map((d, i) => (
              <label>
                <input type="radio" name="decision_id" value={d.id} checked={i === p.decisions.length - 1} /> {ymd(d.decidedAt)}: {decisionWords(d.kind)} for{' '}
                {d.urls.length} URL{d.urls.length === 1 ? '' : 's'} (a complaint until {ymd(d.deadline)})
              </label>
            ))}
          </fieldset>
          <label for="complaint-text">Why the decision is wrong</label>
          <textarea id="complaint-text" name="text" required maxlength={COMPLAINT_TEXT_MAX} rows={6}>
            {p.text ?? ''}
          </textarea>
          <button type="submit">Send the complaint</button>
        </form>
      ) : p.complaints.length ? null : (
        <p>There is no decision on this notice you can complain against now.</p>
      )}
    </section>
  );
}

export function StaffComplaintsPage(p: {
  provider: string;
  user: Principal;
  csrfToken: string;
  complaints: StaffComplaintView[];
  flash?: string | null;
  errors?: FieldError[];
  errorFor?: string | null;
}) {
  const me = `principal:${p.user.id}`;
  return (
    <Layout title="Complaints" provider={p.provider} user={p.user} csrfToken={p.csrfToken}>
      <h1>Open complaints against decisions</h1>
      {p.flash ? (
        <p class="flash" role="status">
          {p.flash}
        </p>
      ) : null}
      {p.complaints.length === 0 ? <p>No complaint is waiting for a decision.</p> : null}
      {p.complaints.map((c) => (
        <article class="complaint" id={`complaint-${c.id}`}>
          <h2>
            Complaint <span class="break">{c.id}</span>
          </h2>
          <dl class="facts">
            <dt>Notice</dt>
            <dd>
              <a href={`/staff/notices/${c.notice_id}`}>{c.notice_id}</a>
            </dd>
            <dt>By</dt>
            <dd>{c.party === 'customer' ? `the customer (account ${c.account_id})` : 'the notifier'}</dd>
            <dt>Against</dt>
            <dd>
              {decisionWords(c.decision_kind)} on {ymd(c.decision_at)} by {c.decision_actor}, URLs at positions {c.positions.join(', ')}
            </dd>
            <dt>Filed</dt>
            <dd>{ymd(c.created_at)}</dd>
          </dl>
          <p class="hint">{c.text}</p>
          {c.decision_actor === me ? (
            <p>You took the decision this complaint is against: another staff member must decide it.</p>
          ) : (
            <form method="post" action={`/staff/complaints/${c.id}/decision`}>
              <input type="hidden" name="_csrf" value={p.csrfToken} />
              {p.errorFor === c.id ? <ErrorList errors={p.errors ?? []} /> : null}
              <fieldset>
                <legend>Outcome</legend>
                <label>
                  <input type="radio" name="outcome" value="upheld" /> Upheld: the decision stands
                </label>
                <label>
                  <input type="radio" name="outcome" value="reversed" /> Reversed: undo the decision
                </label>
                <label>
                  <input type="radio" name="outcome" value="partly_reversed" /> Partly reversed, for positions:{' '}
                  <input type="text" name="positions" inputmode="numeric" placeholder="0, 2" />
                </label>
              </fieldset>
              <label for={`reason-${c.id}`}>Reasons (sent to both parties)</label>
              <textarea id={`reason-${c.id}`} name="reason" required maxlength={OUTCOME_REASON_MAX} rows={4}></textarea>
              <button type="submit">Decide</button>
            </form>
          )}
        </article>
      ))}
    </Layout>
  );
}
