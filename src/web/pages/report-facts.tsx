// What a report says, in its kind's terms, as <dt>/<dd> pairs for a page's facts list: the one
// place a page learns how to show a copyright work, a trademark, a WHOIS request or an
// explanation. Who may see the reporter is the caller's decision (`reporter`).
import { KIND_RULES, REGIME_LABELS, type LegalRegime, type ReportKind } from '../../domain/report-kinds.ts';
import { DMCA_STATEMENTS } from '../../domain/notice.ts';
import { DSA_STATEMENT } from '../../domain/report-submission.ts';

export interface ReportFactsInput {
  kind: string;
  regime: LegalRegime;
  work?: { description: string; urls?: string[]; owner?: string } | null;
  explanation?: string | null;
  trademark?: { number: string; office: string; symbol: string };
  impersonated?: string;
  whois_request?: { request_type: string; legal_basis: string; requested_data: string[] };
  subject_representation?: boolean;
  statements?: { good_faith_belief?: boolean; accuracy_and_authority?: boolean; accurate_and_complete?: boolean } | null;
  signature?: string | null;
}

export function kindLabel(kind: string): string {
  return KIND_RULES[kind as ReportKind]?.label ?? kind;
}

export function ReportFacts(p: {
  r: ReportFactsInput;
  reporter?: { name?: string | null; company?: string | null; email?: string | null; country?: string | null } | null;
}) {
  const r = p.r;
  const c = p.reporter;
  return (
    <>
      <dt>Kind</dt>
      <dd>
        {kindLabel(r.kind)} — under {REGIME_LABELS[r.regime]}
      </dd>
      {r.work ? (
        <>
          <dt>Work</dt>
          <dd class="break">{r.work.description}</dd>
          {r.work.urls?.length ? (
            <>
              <dt>Original at</dt>
              <dd class="break">{r.work.urls.join(' · ')}</dd>
            </>
          ) : null}
        </>
      ) : null}
      {r.trademark ? (
        <>
          <dt>Trademark</dt>
          <dd class="break">
            {r.trademark.symbol}, registration {r.trademark.number} ({r.trademark.office})
          </dd>
        </>
      ) : null}
      {r.impersonated ? (
        <>
          <dt>Imitates</dt>
          <dd class="break">{r.impersonated}</dd>
        </>
      ) : null}
      {r.whois_request ? (
        <>
          <dt>WHOIS request</dt>
          <dd class="break">
            {r.whois_request.request_type === 'disclosure' ? 'Disclosure of registration data' : 'False WHOIS data'}:{' '}
            {r.whois_request.requested_data.join(', ')}. Legal basis: {r.whois_request.legal_basis}
          </dd>
        </>
      ) : null}
      {r.subject_representation !== undefined ? (
        <>
          <dt>Person shown</dt>
          <dd>{r.subject_representation ? 'The reporter is the person shown' : 'The reporter acts for the person shown'}</dd>
        </>
      ) : null}
      {r.explanation ? (
        <>
          <dt>Explanation</dt>
          <dd class="break">{r.explanation}</dd>
        </>
      ) : null}
      {c !== undefined ? (
        <>
          <dt>Complainant</dt>
          <dd>
            {c?.name ? (
              <>
                {c.name}
                {c.company ? `, ${c.company}` : ''}
                {c.email ? <> &lt;{c.email}&gt;</> : null}
                {c.country ? `, ${c.country}` : ''}
              </>
            ) : (
              'Not named (the reporter asked to stay anonymous)'
            )}
          </dd>
        </>
      ) : null}
      {r.statements?.good_faith_belief || r.statements?.accurate_and_complete ? (
        <>
          <dt>Sworn statements</dt>
          <dd>
            <ul class="flush">
              {r.statements.good_faith_belief ? <li>{DMCA_STATEMENTS.good_faith_belief}</li> : null}
              {r.statements.accuracy_and_authority ? <li>{DMCA_STATEMENTS.accuracy_and_authority}</li> : null}
              {r.statements.accurate_and_complete ? <li>{DSA_STATEMENT}</li> : null}
            </ul>
            {r.signature ? `Signed: ${r.signature}` : null}
          </dd>
        </>
      ) : null}
    </>
  );
}
