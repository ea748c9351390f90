// The public page of a notice whose content was blocked: what a Link: <…>; rel="blocked-by"
// header (RFC 7725) on a 451 answer points at. Lumen-style: what was claimed, by which company,
// and how much was blocked — never the sender's name, e-mail, address, phone or signature.
import { Layout } from '../layout.tsx';

export interface PublicNotice {
  id: string;
  kind: string;
  createdAt: Date;
  /** The claimant's company, or null: shown as "a rights holder". */
  sender: string | null;
  work: string;
  blockedUrls: number;
}

const KINDS: Record<string, string> = { dmca: 'Copyright infringement notice (DMCA, 17 U.S.C. §512)' };

export function PublicNoticePage(p: { provider: string; notice: PublicNotice }) {
  const n = p.notice;
  return (
    <Layout title={`Notice ${n.id}`} provider={p.provider}>
      <h1>Content blocked after notice {n.id}</h1>
      <p class="lead">
        {p.provider} disabled access to content it hosts after receiving this notice. A request for that content is answered with “451 Unavailable For Legal
        Reasons”, which points here.
      </p>
      <dl class="facts">
        <dt>Notice</dt>
        <dd>{n.id}</dd>
        <dt>Kind</dt>
        <dd>{KINDS[n.kind] ?? n.kind}</dd>
        <dt>Received</dt>
        <dd>
          <time datetime={n.createdAt.toISOString()}>{n.createdAt.toISOString().slice(0, 10)}</time>
        </dd>
        <dt>Sent by</dt>
        <dd>{n.sender ?? 'a rights holder'}</dd>
        <dt>Work claimed</dt>
        <dd class="break">{n.work}</dd>
        <dt>URLs blocked now</dt>
        <dd>{n.blockedUrls.toLocaleString('en-US')}</dd>
      </dl>
      <p>
        If your content was blocked by mistake or misidentification, you can send a counter notice under 17 U.S.C. §512(g) quoting the notice number. To report
        infringement yourself, use the <a href="/report">report form</a>.
      </p>
    </Layout>
  );
}
