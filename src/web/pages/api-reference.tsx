// GET /api: the API reference a reporter who automates reads, laid out from the model that
// web/api-reference.ts reads off the generated OpenAPI document.
import type { Child } from 'hono/jsx';
import { Layout } from '../layout.tsx';
import type { ApiReference, FieldRow, OperationDoc } from '../api-reference.ts';
import type { Principal } from '../../services/principals.ts';

function TypeLink(p: { type: string | null; anchor: string | null }) {
  if (!p.type) return <span>—</span>;
  return p.anchor ? (
    <a href={`#${p.anchor}`}>
      <code>{p.type}</code>
    </a>
  ) : (
    <code>{p.type}</code>
  );
}

/** A reference table: its caption (visible or for screen readers only), column headings, one row per entry. */
function Table(p: { caption: string; captionHidden?: boolean; headings: string[]; rows: Child[][] }) {
  return (
    <table class="api-fields">
      <caption class={p.captionHidden ? 'visually-hidden' : undefined}>{p.caption}</caption>
      <thead>
        <tr>
          {p.headings.map((h) => (
            <th scope="col">{h}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {p.rows.map((cells) => (
          <tr>
            {cells.map((c) => (
              <td>{c}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Fields(p: { rows: FieldRow[]; caption: string }) {
  if (!p.rows.length) return <p>No fields.</p>;
  return (
    <Table
      caption={p.caption}
      captionHidden
      headings={['Field', 'Type', 'Required', 'Meaning']}
      rows={p.rows.map((r) => [<code>{r.name}</code>, <code>{r.type}</code>, r.required ? 'yes' : 'no', r.description])}
    />
  );
}

function Operation(p: { op: OperationDoc }) {
  const { op } = p;
  return (
    <section class="api-op" id={op.anchor} aria-labelledby={`${op.anchor}-title`}>
      <h3 id={`${op.anchor}-title`}>
        <span class={`method method-${op.method.toLowerCase()}`}>{op.method}</span> <code>{op.path}</code>
      </h3>
      <p>{op.summary}</p>
      {op.description ? <p class="hint">{op.description}</p> : null}
      <p class="hint">{op.authenticated ? 'Needs a token: Authorization: Bearer <token>.' : 'No token needed.'}</p>
      {op.parameters.length ? (
        <Table
          caption="Parameters"
          headings={['Name', 'In', 'Type', 'Required', 'Meaning']}
          rows={op.parameters.map((x) => [<code>{x.name}</code>, x.in, <code>{x.type}</code>, x.required ? 'yes' : 'no', x.description])}
        />
      ) : null}
      {op.body.length ? (
        <p>
          Body:{' '}
          {op.body.map((b, i) => (
            <>
              {i ? ', ' : ''}
              <code>{b.contentType}</code> <TypeLink type={b.type} anchor={b.schemaAnchor} />
            </>
          ))}
        </p>
      ) : null}
      <Table
        caption="Answers"
        headings={['Status', 'Meaning', 'Body']}
        rows={op.responses.map((r) => [r.status, r.description, <TypeLink type={r.type} anchor={r.schemaAnchor} />])}
      />
    </section>
  );
}

export function ApiReferencePage(p: { provider: string; reference: ApiReference; user?: Principal | null; csrfToken?: string }) {
  const { reference } = p;
  const count = reference.sections.reduce((n, s) => n + s.operations.length, 0);
  return (
    <Layout title="API reference" provider={p.provider} user={p.user} csrfToken={p.csrfToken} current="/api">
      <h1>{reference.title}</h1>
      <p>{reference.description}</p>
      <p>
        {count} operations. The machine-readable document is <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1); this page is made from it.
      </p>
      <nav aria-label="API sections" class="api-toc">
        <h2>Contents</h2>
        <ul>
          {reference.sections.map((s) => (
            <li>
              <a href={`#${s.anchor}`}>{s.title}</a> ({s.operations.length})
            </li>
          ))}
          <li>
            <a href="#schemas">Schemas</a> ({reference.schemas.length})
          </li>
        </ul>
      </nav>
      {reference.sections.map((s) => (
        <section id={s.anchor} aria-labelledby={`${s.anchor}-title`}>
          <h2 id={`${s.anchor}-title`}>{s.title}</h2>
          {s.operations.map((op) => (
            <Operation op={op} />
          ))}
        </section>
      ))}
      <section id="schemas" aria-labelledby="schemas-title">
        <h2 id="schemas-title">Schemas</h2>
        {reference.schemas.map((schema) => (
          <section id={schema.anchor} aria-labelledby={`${schema.anchor}-title`} class="api-schema">
            <h3 id={`${schema.anchor}-title`}>
              <code>{schema.name}</code>
            </h3>
            {schema.description ? <p>{schema.description}</p> : null}
            {schema.variants.map((v) => (
              <>
                {v.title ? (
                  <h4>
                    <code>{v.title}</code>
                  </h4>
                ) : null}
                <Fields rows={v.fields} caption={`Fields of ${schema.name}${v.title ? ` (${v.title})` : ''}`} />
              </>
            ))}
          </section>
        ))}
      </section>
    </Layout>
  );
}
