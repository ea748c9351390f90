// /openapi.json is generated from the routes' own schemas: it documents every API route and
// nothing else, each with its params, bodies and error responses; a route without a schema
// cannot be added (buildApp refuses to start).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { z } from 'zod';
import { Validator } from '@seriousme/openapi-schema-validator';
import { storeKinds } from '../support/stores.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { undeclared } from '../../src/http/openapi.ts';
import { IdParams } from '../../src/http/schemas.ts';

type Operation = { parameters?: { name: string; in: string }[]; requestBody?: unknown; responses?: Record<string, unknown>; summary?: string };

for (const kind of storeKinds()) {
  describe(`the OpenAPI document (${kind} store)`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(kind);
    });
    after(async () => s?.close());

    test('is a valid OpenAPI 3.1 document (schema and $refs)', async () => {
      const validator = new Validator();
      const res = await validator.validate((await s.api('/openapi.json')).body);
      assert.deepEqual(res.errors, undefined);
      assert.equal(res.valid, true);
    });

    test('is OpenAPI 3.1 with the bearer scheme, and every API route is in it with its summary and error responses', async () => {
      const doc = (await s.api('/openapi.json')).body;
      assert.equal(doc.openapi, '3.1.0');
      assert.deepEqual(doc.components.securitySchemes.bearer, { type: 'http', scheme: 'bearer' });
      assert.deepEqual(doc.security, [{ bearer: [] }]);
      for (const name of ['Errors', 'Notice', 'Item', 'Event', 'ReportInput', 'NewPrincipalInput', 'LegalRequest'])
        assert.ok(doc.components.schemas[name], name);
      const paths = Object.keys(doc.paths);
      assert.ok(paths.length >= 45, `${paths.length} paths`);
      for (const p of paths) assert.match(p, /^\/(v1|client\/v4)\/|^\/healthz$/, `${p} is an API path (web pages are not in the document)`);
      for (const [p, ops] of Object.entries(doc.paths as Record<string, Record<string, Operation>>)) {
        for (const [method, op] of Object.entries(ops)) {
          assert.ok(op.summary, `${method} ${p} has a summary`);
          assert.ok(op.responses && Object.keys(op.responses).some((c) => c.startsWith('2')), `${method} ${p} documents its answer`);
          const inPath = [...p.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
          const params = (op.parameters ?? [])
            .filter((x) => x.in === 'path')
            .map((x) => x.name)
            .sort();
          assert.deepEqual(params, inPath, `${method} ${p} declares its path params`);
          if (method === 'post') assert.ok(op.requestBody, `${method} ${p} documents its body`);
          if (p.startsWith('/v1/') && p !== '/v1/trusted-reporter/terms')
            assert.ok(op.responses!['401'] || op.responses!['403'] || op.responses!['404'] || op.responses!['422'], `${method} ${p} documents an error`);
        }
      }
    });

    test('every documented path answers (it exists), and a few known paths carry their details', async () => {
      const doc = (await s.api('/openapi.json')).body;
      for (const [p, ops] of Object.entries(doc.paths as Record<string, Record<string, Operation>>)) {
        for (const method of Object.keys(ops)) {
          const url = p.replace(/\{(\w+)\}/g, (_m, name) => (name === 'position' ? '0' : '00000000-0000-4000-8000-000000000000'));
          const res = await fetch(s.url + url, { method: method.toUpperCase() });
          // A public route answers 404 for a made-up id; a route that does not exist says "Route … not found".
          assert.ok(res.status !== 404 || !/Route .* not found/.test(await res.text()), `${method} ${p}`);
        }
      }
      const get = doc.paths['/v1/notices/{id}'].get as Operation;
      assert.deepEqual(get.parameters!.map((x) => x.name).sort(), ['id', 'items_after', 'items_limit', 'items_state']);
      const post = doc.paths['/v1/notices'].post;
      assert.equal(post.requestBody.content['application/json'].schema.$ref, '#/components/schemas/ReportInput');
      assert.ok(post.parameters.some((x: { name: string; in: string }) => x.in === 'header' && x.name === 'idempotency-key'));
      assert.ok(doc.paths['/v1/zones/import'].post.requestBody.content['text/csv']);
      assert.ok(doc.paths['/v1/edge/blocklist'].get.responses['200'].content['text/plain']);
      assert.deepEqual(doc.paths['/healthz'].get.security, []);
    });
  });
}

describe('route declarations', () => {
  test('an API route without its schema, its path params or its body is refused', () => {
    const base = { method: 'GET', url: '/v1/things/:id', schema: { params: IdParams, response: { 200: z.object({}) } } };
    assert.equal(undeclared(base), null);
    assert.equal(undeclared({ ...base, schema: undefined }), 'no schema');
    assert.equal(undeclared({ ...base, schema: { params: IdParams } }), 'no response schemas');
    assert.match(undeclared({ ...base, schema: { response: base.schema.response } })!, /path params id, declared none/);
    assert.equal(undeclared({ ...base, method: 'POST' }), 'no body schema');
    assert.equal(undeclared({ method: 'GET', url: '/staff/notices' }), null, 'web pages need no response schemas');
    assert.match(undeclared({ method: 'GET', url: '/staff/notices/:id' })!, /path params id not declared/);
  });

  test('buildApp-style registration fails for an undeclared route', async () => {
    const app = Fastify();
    app.addHook('onRoute', (r) => {
      const why = undeclared(r);
      if (why) throw new Error(why);
    });
    assert.throws(() => app.get('/v1/undeclared', async () => ({})), /no schema/);
    await app.close();
  });
});
