// The API reference's model: every operation once, in its section, with parameters, body and
// answers; schema types in words; a schema of several shapes documented shape by shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiReference, fieldRows, typeOf } from '../../src/web/api-reference.ts';

const doc = {
  openapi: '3.1.0',
  info: { title: 'Test API', description: 'For tests' },
  security: [{ bearer: [] }],
  paths: {
    '/healthz': { get: { summary: 'Alive', security: [], responses: { 200: { description: 'ok' } } } },
    '/v1/notices': {
      post: {
        summary: 'File',
        parameters: [{ name: 'idempotency-key', in: 'header', schema: { type: 'string' }, description: 'retry key' }],
        requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/ReportInput' } } } },
        responses: {
          422: { description: 'bad' },
          201: { description: 'filed', content: { 'application/json': { schema: { $ref: '#/components/schemas/Notice' } } } },
        },
      },
      get: { summary: 'List', responses: { 200: { description: 'page' } } },
    },
    '/v1/statements/{id}': {
      get: {
        summary: 'One',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
        responses: { 200: { description: 'it' } },
      },
    },
    '/v1/something-new': { delete: { summary: 'New', responses: { 204: { description: 'gone' } } } },
  },
  components: {
    schemas: {
      ReportInput: {
        oneOf: [
          {
            type: 'object',
            properties: { kind: { const: 'copyright' }, work: { type: 'object', properties: { description: { type: 'string' } }, required: ['description'] } },
            required: ['kind'],
          },
          { type: 'object', properties: { kind: { const: 'phishing' }, urls: { type: 'array', items: { type: 'string' } } } },
        ],
      },
      Notice: {
        type: 'object',
        properties: { id: { type: 'string', format: 'uuid' }, items: { type: 'array', items: { $ref: '#/components/schemas/Item' } } },
      },
      Item: { type: 'object', properties: { state: { enum: ['forwarded', 'invalid'] } } },
      Unused: { type: 'object', properties: { x: { type: 'string' } } },
    },
  },
};

test('every operation appears once, in its section, unknown paths under Other', () => {
  const ref = apiReference(doc);
  const ops = ref.sections.flatMap((s) => s.operations.map((o) => `${o.method} ${o.path}`));
  assert.deepEqual(ops.sort(), ['DELETE /v1/something-new', 'GET /healthz', 'GET /v1/notices', 'GET /v1/statements/{id}', 'POST /v1/notices']);
  const section = (path: string) => ref.sections.find((s) => s.operations.some((o) => o.path === path))!.title;
  assert.equal(section('/v1/notices'), 'Notices');
  assert.equal(section('/v1/statements/{id}'), 'Statements of reasons (DSA Art. 17)');
  assert.equal(section('/healthz'), 'Administration');
  assert.equal(section('/v1/something-new'), 'Other');
  const anchors = ref.sections.flatMap((s) => s.operations.map((o) => o.anchor));
  assert.equal(new Set(anchors).size, anchors.length);
});

test('an operation carries its auth, parameters, body and answers in status order', () => {
  const ref = apiReference(doc);
  const post = ref.sections.flatMap((s) => s.operations).find((o) => o.method === 'POST')!;
  assert.equal(post.authenticated, true);
  assert.deepEqual(post.parameters, [{ name: 'idempotency-key', in: 'header', type: 'string', required: false, description: 'retry key' }]);
  assert.deepEqual(post.body, [{ contentType: 'application/json', type: 'ReportInput', schemaAnchor: 'schema-reportinput' }]);
  assert.deepEqual(
    post.responses.map((r) => [r.status, r.type, r.schemaAnchor]),
    [
      ['201', 'Notice', 'schema-notice'],
      ['422', null, null],
    ],
  );
  const health = ref.sections.flatMap((s) => s.operations).find((o) => o.path === '/healthz')!;
  assert.equal(health.authenticated, false);
});

test('only schemas the paths refer to (directly or through others) are documented; a union shape by shape', () => {
  const ref = apiReference(doc);
  assert.deepEqual(ref.schemas.map((s) => s.name).sort(), ['Item', 'Notice', 'ReportInput']);
  const report = ref.schemas.find((s) => s.name === 'ReportInput')!;
  assert.deepEqual(
    report.variants.map((v) => v.title),
    ['kind: copyright', 'kind: phishing'],
  );
  assert.deepEqual(
    report.variants[0]!.fields.map((f) => [f.name, f.type, f.required]),
    [
      ['kind', '"copyright"', true],
      ['work', 'object', false],
      ['work.description', 'string', true],
    ],
  );
});

test('types in words', () => {
  assert.equal(typeOf({ type: 'string', format: 'uuid' }), 'string (uuid)');
  assert.equal(typeOf({ type: 'array', items: { $ref: '#/components/schemas/Item' } }), 'array of Item');
  assert.equal(typeOf({ enum: ['a', 'b'] }), 'one of: "a", "b"');
  assert.equal(typeOf({ anyOf: [{ type: 'string' }, { type: 'null' }] }), 'string or null');
  assert.equal(typeOf({ type: 'integer', minimum: 1, maximum: 100 }), 'integer (≥ 1, ≤ 100)');
  assert.equal(typeOf(undefined), 'any');
  assert.deepEqual(
    fieldRows({ type: 'object', properties: { list: { type: 'array', items: { type: 'object', properties: { url: { type: 'string' } } } } } }).map(
      (r) => r.name,
    ),
    ['list', 'list[].url'],
  );
});
