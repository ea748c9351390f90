// The API reference page's model, read from the OpenAPI document the routes generate (so the page
// cannot describe an API other than the one that runs): operations grouped by what they are
// about, each with its parameters, body and answers, and every named schema as a field table.
// Pure: the page (pages/api-reference.tsx) only lays this out.

type Json = Record<string, unknown>;

export interface FieldRow {
  /** Dotted path inside the schema, e.g. `claimant.email`; `[]` marks array items. */
  name: string;
  type: string;
  required: boolean;
  description: string;
}

export interface SchemaDoc {
  name: string;
  anchor: string;
  description: string;
  /** A schema that is one of several shapes (a report of each kind) has one table per shape. */
  variants: { title: string; fields: FieldRow[] }[];
}

export interface ParameterDoc {
  name: string;
  in: string;
  type: string;
  required: boolean;
  description: string;
}

export interface OperationDoc {
  method: string;
  path: string;
  anchor: string;
  summary: string;
  description: string;
  /** False for the few routes that take no token. */
  authenticated: boolean;
  parameters: ParameterDoc[];
  body: { contentType: string; type: string; schemaAnchor: string | null }[];
  responses: { status: string; description: string; type: string | null; schemaAnchor: string | null }[];
}

export interface SectionDoc {
  title: string;
  anchor: string;
  operations: OperationDoc[];
}

export interface ApiReference {
  title: string;
  description: string;
  sections: SectionDoc[];
  schemas: SchemaDoc[];
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Sections by the first path segments, in the order a newcomer needs them. */
const SECTIONS: [title: string, test: (path: string) => boolean][] = [
  ['Notices', (p) => /^\/v1\/notices(\/\{id\})?(\/(events|items\/\{position\}\/origin))?$/.test(p) || p === '/v1/me'],
  [
    'Counter notices, retractions and the takedown lifecycle',
    (p) => /^\/v1\/notices\/\{id\}\/(counter-notice|court-action|retraction|items\/lifecycle)$/.test(p),
  ],
  ['Review', (p) => /^\/v1\/notices\/\{id\}\/(review|questions|hotline-report)$/.test(p)],
  ['Statements of reasons (DSA Art. 17)', (p) => p.startsWith('/v1/statements')],
  ['Complaints (DSA Art. 20)', (p) => p.startsWith('/v1/complaints') || p.endsWith('/complaints')],
  ['Trusted flaggers (DSA Art. 22)', (p) => p.startsWith('/v1/trusted-flagger')],
  [
    'Misuse (DSA Art. 23)',
    (p) => p.startsWith('/v1/misuse') || p.startsWith('/v1/notifiers') || /^\/v1\/accounts\/\{id\}\/(misuse|warn|suspend|lift)$/.test(p),
  ],
  ['Repeat infringers', (p) => p.startsWith('/v1/accounts')],
  [
    'Trusted reporters, origin disclosure and webhooks',
    (p) => p.startsWith('/v1/trusted-reporter') || p.startsWith('/v1/disclosures') || p.startsWith('/v1/webhooks'),
  ],
  ['Legal process', (p) => p.startsWith('/v1/legal-requests')],
  ['The edge', (p) => p.startsWith('/v1/edge')],
  ["The provider's world", (p) => /^\/v1\/(zones|networks|netblocks)\//.test(p) || p.startsWith('/v1/network-reports')],
  ['Cloudflare-compatible Abuse Reports API', (p) => p.startsWith('/client/v4/')],
  ['Administration', (p) => p.startsWith('/v1/principals') || p.startsWith('/v1/outbox') || p === '/healthz'],
];
const OTHER = 'Other';

export const anchorFor = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

const refName = (ref: string) => ref.replace('#/components/schemas/', '');
const schemaAnchor = (name: string) => `schema-${anchorFor(name)}`;

/** A schema's type in a few words: `string (uuid)`, `array of Item`, `one of: a, b`. */
export function typeOf(schema: unknown): string {
  if (!schema || typeof schema !== 'object') return 'any';
  const s = schema as Json;
  if (typeof s.$ref === 'string') return refName(s.$ref);
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (Array.isArray(s.enum)) return `one of: ${s.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  const alternatives = (s.oneOf ?? s.anyOf) as unknown[] | undefined;
  if (Array.isArray(alternatives)) {
    const parts = [...new Set(alternatives.map(typeOf))];
    const nullable = parts.includes('null');
    const rest = parts.filter((p) => p !== 'null');
    const base = rest.length === 1 ? rest[0]! : rest.join(' or ');
    return nullable ? `${base} or null` : base;
  }
  const t = s.type;
  if (Array.isArray(t)) return t.join(' or ');
  if (t === 'array') return `array of ${typeOf(s.items)}`;
  if (t === 'string') return s.format ? `string (${String(s.format)})` : s.pattern ? `string matching ${String(s.pattern)}` : 'string';
  if (t === 'integer' || t === 'number') {
    const range = [
      s.minimum !== undefined ? `≥ ${String(s.minimum)}` : '',
      s.maximum !== undefined && Number(s.maximum) < Number.MAX_SAFE_INTEGER ? `≤ ${String(s.maximum)}` : '',
    ]
      .filter(Boolean)
      .join(', ');
    return range ? `${t} (${range})` : t;
  }
  if (t === 'object' || s.properties) return 'object';
  return typeof t === 'string' ? t : 'any';
}

/** The rows of an object schema, nested objects and arrays of objects flattened to dotted names. */
export function fieldRows(schema: unknown, prefix = '', depth = 0): FieldRow[] {
  if (!schema || typeof schema !== 'object') return [];
  const s = schema as Json;
  const props = s.properties as Record<string, Json> | undefined;
  if (!props) return [];
  const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
  const rows: FieldRow[] = [];
  for (const [key, value] of Object.entries(props)) {
    const name = prefix ? `${prefix}.${key}` : key;
    rows.push({ name, type: typeOf(value), required: required.has(key), description: typeof value.description === 'string' ? value.description : '' });
    // Four levels cover every shape the API has; deeper would be a schema to name on its own.
    if (depth < 4) {
      if (value.properties) rows.push(...fieldRows(value, name, depth + 1));
      else if (value.type === 'array' && value.items && (value.items as Json).properties) rows.push(...fieldRows(value.items, `${name}[]`, depth + 1));
    }
  }
  return rows;
}

function variantTitle(v: Json, i: number): string {
  const props = (v.properties ?? {}) as Record<string, Json>;
  const discriminator = Object.entries(props).find(([, p]) => p.const !== undefined);
  return discriminator ? `${discriminator[0]}: ${String(discriminator[1].const)}` : `shape ${i + 1}`;
}

function schemaDoc(name: string, schema: Json): SchemaDoc {
  const alternatives = (schema.oneOf ?? schema.anyOf) as Json[] | undefined;
  const variants =
    Array.isArray(alternatives) && alternatives.some((a) => a.properties)
      ? alternatives.filter((a) => a.properties).map((a, i) => ({ title: variantTitle(a, i), fields: fieldRows(a) }))
      : [{ title: '', fields: fieldRows(schema) }];
  return { name, anchor: schemaAnchor(name), description: typeof schema.description === 'string' ? schema.description : '', variants };
}

function contentOf(content: unknown): { contentType: string; type: string; schemaAnchor: string | null }[] {
  if (!content || typeof content !== 'object') return [];
  return Object.entries(content as Record<string, Json>).map(([contentType, c]) => {
    const ref = (c.schema as Json | undefined)?.$ref;
    return { contentType, type: typeOf(c.schema), schemaAnchor: typeof ref === 'string' ? schemaAnchor(refName(ref)) : null };
  });
}

function operationDoc(path: string, method: string, op: Json, globallySecured: boolean): OperationDoc {
  const params = (Array.isArray(op.parameters) ? op.parameters : []) as Json[];
  const body = op.requestBody as Json | undefined;
  const responses = (op.responses ?? {}) as Record<string, Json>;
  return {
    method: method.toUpperCase(),
    path,
    anchor: `op-${method}-${anchorFor(path)}`,
    summary: typeof op.summary === 'string' ? op.summary : '',
    description: typeof op.description === 'string' ? op.description : '',
    authenticated: Array.isArray(op.security) ? op.security.length > 0 : globallySecured,
    parameters: params.map((p) => ({
      name: String(p.name),
      in: String(p.in),
      type: typeOf(p.schema),
      required: p.required === true,
      description:
        typeof p.description === 'string' ? p.description : typeof (p.schema as Json)?.description === 'string' ? String((p.schema as Json).description) : '',
    })),
    body: body ? contentOf(body.content) : [],
    responses: Object.entries(responses)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([status, r]) => {
        const first = contentOf(r.content)[0];
        return {
          status,
          description: typeof r.description === 'string' ? r.description : '',
          type: first?.type ?? null,
          schemaAnchor: first?.schemaAnchor ?? null,
        };
      }),
  };
}

/** The page's model of an OpenAPI 3.1 document. Every operation in it appears exactly once. */
export function apiReference(doc: unknown): ApiReference {
  const d = (doc ?? {}) as Json;
  const info = (d.info ?? {}) as Json;
  const globallySecured = Array.isArray(d.security) && d.security.length > 0;
  const bySection = new Map<string, OperationDoc[]>([...SECTIONS.map(([t]) => [t, []] as [string, OperationDoc[]]), [OTHER, []]]);
  for (const [path, ops] of Object.entries((d.paths ?? {}) as Record<string, Json>)) {
    const title = SECTIONS.find(([, test]) => test(path))?.[0] ?? OTHER;
    for (const method of METHODS) {
      const op = ops[method] as Json | undefined;
      if (op) bySection.get(title)!.push(operationDoc(path, method, op, globallySecured));
    }
  }
  const components = ((d.components as Json | undefined)?.schemas ?? {}) as Record<string, Json>;
  const used = referencedSchemas(d.paths, components);
  const schemas = Object.entries(components)
    // zod names each shape twice (as read and as written): only the ones the routes refer to are documented.
    .filter(([name]) => used.has(name))
    .map(([name, s]) => schemaDoc(name, s));
  return {
    title: typeof info.title === 'string' ? info.title : 'API',
    description: typeof info.description === 'string' ? info.description : '',
    sections: [...bySection].filter(([, ops]) => ops.length).map(([title, operations]) => ({ title, anchor: `section-${anchorFor(title)}`, operations })),
    schemas,
  };
}

/** Names of the component schemas the paths refer to, directly or through other schemas. */
function referencedSchemas(paths: unknown, components: Record<string, Json>): Set<string> {
  const used = new Set<string>();
  const pending = [JSON.stringify(paths ?? {})];
  while (pending.length) {
    for (const m of pending.pop()!.matchAll(/"#\/components\/schemas\/([^"]+)"/g)) {
      const name = m[1]!;
      if (used.has(name) || !components[name]) continue;
      used.add(name);
      pending.push(JSON.stringify(components[name]));
    }
  }
  return used;
}
