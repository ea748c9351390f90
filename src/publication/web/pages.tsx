// Pages of the publication: a published notice and the list of them (public), and the staff
// review of redactions with what was replaced highlighted (staff only: the originals are shown
// to the reviewer in the mark's title, never on a public page).
import type { Child } from 'hono/jsx';
import { Layout } from '../../web/layout.tsx';
import type { Principal } from '../../services/principals.ts';
import type { PublicRecord, Redaction } from '../domain/public-record.ts';
import type { PublicationView, PublicSummary } from '../services/publications.ts';

const STATE_LABELS: Record<string, string> = {
  forwarded: 'forwarded to the site owner',
  pending_review: 'under review',
  content_disabled: 'disabled',
  rejected: 'not acted on',
  restored: 'restored after a counter notice',
  retracted: 'withdrawn by the sender',
  invalid: 'not a usable URL',
  not_on_network: 'not on our network',
  received: 'received',
};

/** A text with its redactions marked; for the public, marks carry no original. */
function Marked(p: { text: string; redactions: Redaction[]; staff: boolean }): Child {
  const spans = p.redactions.filter((r) => r.at !== undefined).sort((a, b) => a.at! - b.at!);
  const out: Child[] = [];
  let at = 0;
  for (const r of spans) {
    if (r.at! < at) continue;
    out.push(p.text.slice(at, r.at));
    const shown = p.text.slice(r.at, r.at! + r.length!);
    out.push(
      <mark class={`redacted ${r.category}`} title={p.staff ? `${r.category}: ${r.original}` : r.category}>
        {shown}
      </mark>,
    );
    at = r.at! + r.length!;
  }
  out.push(p.text.slice(at));
  return <>{out}</>;
}

/** A structured value; a redacted one marked (with the original in the title, for staff). */
function Value(p: { value: string | null; field: string; redactions: Redaction[]; staff: boolean }): Child {
  if (p.value === null) return <span class="muted">—</span>;
  const r = p.redactions.find((x) => x.field === p.field && x.at === undefined);
  if (!r) return <>{p.value}</>;
  return (
    <mark class={`redacted ${r.category}`} title={p.staff ? `${r.category}: ${r.original}` : r.category}>
      {p.value}
    </mark>
  );
}

export function RecordView(p: { record: PublicRecord; redactions?: Redaction[]; staff?: boolean }) {
  const r = p.record;
  const red = p.redactions ?? [];
  const staff = !!p.staff;
  const of = (field: string) => red.filter((x) => x.field === field);
  return (
    <div class="record">
      <dl class="facts">
        <dt>Notice</dt>
        <dd>{r.notice_id}</dd>
        <dt>Kind</dt>
        <dd>
          {r.kind_label} ({r.regime_label})
        </dd>
        <dt>Received</dt>
        <dd>{r.received_on}</dd>
        <dt>Sender</dt>
        <dd>
          <Value value={r.sender.name} field="sender.name" redactions={red} staff={staff} />
        </dd>
        <dt>Company</dt>
        <dd>{r.sender.company ?? <span class="muted">—</span>}</dd>
        <dt>E-mail</dt>
        <dd>
          <Value value={r.sender.email} field="sender.email" redactions={red} staff={staff} />
        </dd>
        <dt>Phone</dt>
        <dd>
          <Value value={r.sender.phone} field="sender.phone" redactions={red} staff={staff} />
        </dd>
        <dt>Address</dt>
        <dd>
          <Value value={r.sender.address} field="sender.address" redactions={red} staff={staff} />
        </dd>
        {r.sender.country ? (
          <>
            <dt>Country</dt>
            <dd>{r.sender.country}</dd>
          </>
        ) : null}
        {r.rights_holder ? (
          <>
            <dt>Rights holder</dt>
            <dd>
              <Value value={r.rights_holder} field="rights_holder" redactions={red} staff={staff} />
            </dd>
          </>
        ) : null}
        {r.filed_by ? (
          <>
            <dt>Filed by</dt>
            <dd>{r.filed_by}</dd>
          </>
        ) : null}
        {r.trademark ? (
          <>
            <dt>Trademark</dt>
            <dd>
              {r.trademark.symbol} — {r.trademark.office} {r.trademark.number}
            </dd>
          </>
        ) : null}
        {r.impersonated ? (
          <>
            <dt>Imitates</dt>
            <dd>{r.impersonated}</dd>
          </>
        ) : null}
        {r.signature ? (
          <>
            <dt>Signature</dt>
            <dd>
              <Value value={r.signature} field="signature" redactions={red} staff={staff} />
            </dd>
          </>
        ) : null}
      </dl>
      {r.work ? (
        <>
          <h3>Work claimed</h3>
          <p class="break pre">
            <Marked text={r.work.description} redactions={of('work.description')} staff={staff} />
          </p>
          {r.work.urls.length ? (
            <ul>
              {r.work.urls.map((u) => (
                <li class="break">{u}</li>
              ))}
            </ul>
          ) : null}
        </>
      ) : null}
      {r.explanation !== null ? (
        <>
          <h3>Explanation</h3>
          <p class="break pre">
            <Marked text={r.explanation} redactions={of('explanation')} staff={staff} />
          </p>
        </>
      ) : null}
      {r.statements.length ? (
        <>
          <h3>Statements affirmed</h3>
          <ul>
            {r.statements.map((s) => (
              <li>{s}</li>
            ))}
          </ul>
        </>
      ) : null}
      <h3>URLs ({r.items_total.toLocaleString('en-US')})</h3>
      <ol class="urls">
        {r.items.map((i) => (
          <li class="break">
            {i.url === '[invalid]' ? (
              <mark
                class="redacted invalid_url"
                title={staff ? `invalid_url: ${red.find((x) => x.field === `items[${i.position}].url`)?.original ?? ''}` : 'invalid_url'}
              >
                [invalid]
              </mark>
            ) : (
              i.url
            )}{' '}
            <span class="muted">({STATE_LABELS[i.state] ?? i.state})</span>
          </li>
        ))}
      </ol>
      {r.items_omitted ? <p class="muted">and {r.items_omitted.toLocaleString('en-US')} more URLs, in the JSON record.</p> : null}
    </div>
  );
}

export function PublishedNoticePage(p: { provider: string; record: PublicRecord; publishedAt: string; blockedUrls: number }) {
  return (
    <Layout title={`Notice ${p.record.notice_id}`} provider={p.provider}>
      <p>
        <a href="/notices">← Published notices</a>
      </p>
      <h1>Notice {p.record.notice_id}</h1>
      <p class="lead">
        {p.provider} publishes the notices it receives, as GitHub and Lumen do, with the personal data of private individuals replaced by [private] and the URLs
        that could not be acted on by [invalid]. Published {p.publishedAt.slice(0, 10)}.
        {p.blockedUrls ? ` ${p.blockedUrls.toLocaleString('en-US')} of its URLs are blocked now.` : ''}
      </p>
      <RecordView record={p.record} />
      <p>
        This record as JSON: <a href={`/v1/public/notices/${p.record.notice_id}`}>/v1/public/notices/{p.record.notice_id}</a>. If your content was blocked by
        mistake or misidentification, you can send a counter notice quoting the notice number.
      </p>
    </Layout>
  );
}

export function PublishedListPage(p: { provider: string; notices: PublicSummary[]; nextHref: string | null }) {
  return (
    <Layout title="Published notices" provider={p.provider}>
      <h1>Published notices</h1>
      <p class="lead">The notices {p.provider} received and published, newest first, redacted. As JSON: /v1/public/notices.</p>
      {p.notices.length === 0 ? (
        <p class="empty">Nothing has been published yet.</p>
      ) : (
        <ul class="published">
          {p.notices.map((n) => (
            <li>
              <a href={`/notices/${n.notice_id}/public`}>{n.kind_label}</a> from {n.sender ?? 'a private individual'}, received {n.received_on}, {n.items_total}{' '}
              URL{n.items_total === 1 ? '' : 's'}
            </li>
          ))}
        </ul>
      )}
      {p.nextHref ? (
        <p>
          <a href={p.nextHref} rel="next">
            Older notices →
          </a>
        </p>
      ) : null}
    </Layout>
  );
}

const STATUS_LABELS = { pending_review: 'Awaiting review', published: 'Published', withheld: 'Withheld' } as const;

export function StaffPublicationsPage(p: {
  provider: string;
  user: Principal;
  csrfToken: string;
  status: keyof typeof STATUS_LABELS;
  publications: PublicationView[];
  flash: string | null;
  errors: string[];
  nextHref: string | null;
  reviewRequired: boolean;
}) {
  return (
    <Layout title="Publication" provider={p.provider} user={p.user} csrfToken={p.csrfToken} current="/staff/publications">
      <h1>Publication of notices</h1>
      <p class="lead">
        Redacted notices as the public would read them. Marked text was replaced; hover a mark to see what it replaced.{' '}
        {p.reviewRequired ? 'Nothing goes out before it is published here.' : 'The policy publishes without review; withhold what should not be out.'}
      </p>
      <nav aria-label="Status">
        {(Object.keys(STATUS_LABELS) as (keyof typeof STATUS_LABELS)[]).map((s) =>
          s === p.status ? <strong>{STATUS_LABELS[s]} </strong> : <a href={`/staff/publications?status=${s}`}>{STATUS_LABELS[s]} </a>,
        )}
      </nav>
      {p.flash ? (
        <p class="flash" role="status">
          {p.flash}
        </p>
      ) : null}
      {p.errors.length ? (
        <div class="error-summary" role="alert">
          {p.errors.map((e) => (
            <p>{e}</p>
          ))}
        </div>
      ) : null}
      {p.publications.length === 0 ? <p class="empty">No notice is {STATUS_LABELS[p.status].toLowerCase()}.</p> : null}
      {p.publications.map((pub) => (
        <section class="publication" id={`p-${pub.notice_id}`}>
          <h2>
            <a href={`/staff/notices/${pub.notice_id}`}>Notice {pub.notice_id}</a>{' '}
            <span class="muted">
              ({pub.requested_by === 'reporter' ? 'asked for by the reporter' : 'by policy'}, queued {pub.queued_at.slice(0, 16).replace('T', ' ')},{' '}
              {(pub.redactions ?? []).length} redactions)
            </span>
          </h2>
          <RecordView record={pub.record} redactions={pub.redactions} staff />
          <div class="actions">
            {pub.status !== 'published' ? (
              <form method="post" action={`/staff/publications/${pub.notice_id}/publish`}>
                <input type="hidden" name="_csrf" value={p.csrfToken} />
                <button type="submit">Publish</button>
              </form>
            ) : null}
            {pub.status !== 'withheld' ? (
              <form method="post" action={`/staff/publications/${pub.notice_id}/withhold`}>
                <input type="hidden" name="_csrf" value={p.csrfToken} />
                <label for={`reason-${pub.notice_id}`}>Reason (for the log)</label>
                <input id={`reason-${pub.notice_id}`} name="reason" />
                <button type="submit">Withhold</button>
              </form>
            ) : null}
          </div>
        </section>
      ))}
      {p.nextHref ? (
        <p>
          <a href={p.nextHref}>More →</a>
        </p>
      ) : null}
    </Layout>
  );
}
