// GET /api: the API reference a reporter who automates reads, laid out from the model that
// web/api-reference.ts reads off the generated OpenAPI document.
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

function Fields(p: { rows: FieldRow[]; caption: string }) {
  if (!p.rows.length) return <p>No fields.</p>;
  return (
    <table class="api-fields">
      <caption class="visually-hidden">{p.caption}</caption>
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Type</th>
          <th scope="col">Required</th>
          <th scope="col">Meaning</th>
        </tr>
      </thead>
      <tbody>
        {p.rows.map((r) => (
          <tr>
            <td>
              <code>{r.name}</code>
            </td>
            <td>
              <code>{r.type}</code>
            </td>
            <td>{r.required ? 'yes' : 'no'}</td>
            <td>{r.description}</td>
          </tr>
        ))}
      </tbody>
    </table>
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
        <table class="api-fields">
          <caption>Parameters</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">In</th>
              <th scope="col">Type</th>
              <th scope="col">Required</th>
              <th scope="col">Meaning</th>
            </tr>
          </thead>
          <tbody>
            {op.parameters.map((x) => (
              <tr>
                <td>
                  <code>{x.name}</code>
                </td>
                <td>{x.in}</td>
                <td>
                  <code>{x.type}</code>
                </td>
                <td>{x.required ? 'yes' : 'no'}</td>
                <td>{x.description}</td>
              </tr>
            ))}
          </tbody>
        </table>
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
      <table class="api-fields">
        <caption>Answers</caption>
        <thead>
          <tr>
            <th scope="col">Status</th>
            <th scope="col">Meaning</th>
            <th scope="col">Body</th>
          </tr>
        </thead>
        <tbody>
          {op.responses.map((r) => (
            <tr>
              <td>{r.status}</td>
              <td>{r.description}</td>
              <td>
                <TypeLink type={r.type} anchor={r.schemaAnchor} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
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
