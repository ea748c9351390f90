// The public page of a court order whose domain block rules are (or were) enforced at the edge:
// what a Link: <…>; rel="blocked-by" header (RFC 7725) on a 451 answer for such a domain points at.
// The court, the case and the rules; nothing about the parties' people or the accounts caught.
import { Layout } from '../../../web/layout.tsx';
import { describeBlockRule, type BlockRule } from '../../domain/block-rules.ts';

export interface PublicCourtOrder {
  id: string;
  authority: string;
  caseNumber: string;
  receivedAt: Date;
  rules: { text: string; rule: BlockRule; active: boolean }[];
}

export function PublicCourtOrderPage(p: { provider: string; order: PublicCourtOrder }) {
  const o = p.order;
  return (
    <Layout title={`Court order ${o.caseNumber}`} provider={p.provider}>
      <h1>Sites blocked by court order {o.caseNumber}</h1>
      <p class="lead">
        {p.provider} blocks access to the sites below because a court ordered it. A request for them is answered with “451 Unavailable For Legal Reasons”, which
        points here.
      </p>
      <dl class="facts">
        <dt>Court</dt>
        <dd>{o.authority}</dd>
        <dt>Case</dt>
        <dd>{o.caseNumber}</dd>
        <dt>Received</dt>
        <dd>
          <time datetime={o.receivedAt.toISOString()}>{o.receivedAt.toISOString().slice(0, 10)}</time>
        </dd>
      </dl>
      <h2 id="rules-heading">What the order blocks</h2>
      <ul aria-labelledby="rules-heading">
        {o.rules.map((r) => (
          <li>
            {describeBlockRule(r.rule)} {r.active ? <span class="badge content_disabled">blocked</span> : <span class="badge restored">no longer blocked</span>}
          </li>
        ))}
      </ul>
    </Layout>
  );
}
