// The enforcement feed for the provider's edge: GET /v1/edge/blocklist (staff token).
// JSON by default, the nginx map file with ?format=nginx. The ETag is the document's content
// hash, so an edge that sends If-None-Match gets 304 until something it must block changes;
// a poll that finds nothing changed reads one row of the store and nothing else.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import { requireRole } from '../auth.ts';
import { EdgeBlocklistCache } from '../../services/edge-blocklist.ts';
import { BLOCKLIST_FORMAT } from '../../domain/edge-blocklist.ts';

const FORMATS = ['json', 'nginx'] as const;
type Format = (typeof FORMATS)[number];

/** RFC 9110 §13.1.2: weak comparison, a list of tags, or "*". */
export function ifNoneMatchHits(header: string | string[] | undefined, etag: string): boolean {
  if (!header) return false;
  const strip = (t: string) => t.trim().replace(/^W\//, '');
  const want = strip(etag);
  return (Array.isArray(header) ? header.join(',') : header)
    .split(',')
    .map((t) => t.trim())
    .some((t) => t === '*' || strip(t) === want);
}

export async function edgeRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const cache = new EdgeBlocklistCache(
    ctx.store.db,
    () => ctx.publicUrl(),
    () => ctx.lifecycle.now(),
  );

  app.get('/v1/edge/blocklist', { preHandler: requireRole('staff') }, async (req: FastifyRequest, reply) => {
    const asked = (req.query as { format?: unknown }).format ?? 'json';
    if (!(FORMATS as readonly unknown[]).includes(asked)) {
      return reply.code(422).send({ errors: [{ field: 'format', message: `must be one of ${FORMATS.join(', ')}` }] });
    }
    const format = asked as Format;
    const snap = await cache.get();
    const etag = `"${snap.doc.version}${format === 'json' ? '' : `.${format}`}"`;
    reply.header('ETag', etag).header('Cache-Control', 'private, no-cache').header('X-Safeharbor-Blocklist-Version', snap.doc.version);
    if (ifNoneMatchHits(req.headers['if-none-match'], etag)) return reply.code(304).send();
    if (format === 'nginx') return reply.type('text/plain; charset=utf-8').send(snap.nginx().text);
    return reply.type('application/json; charset=utf-8').send(snap.json());
  });
}

/** For src/http/openapi.ts. */
export const edgeOpenApiPaths = {
  '/v1/edge/blocklist': {
    get: {
      summary: 'What the edge must block: disabled URLs, terminated zones, court-ordered domains (staff only)',
      description:
        `The enforcement feed (${BLOCKLIST_FORMAT}). Poll it with If-None-Match: the ETag is a hash of the content, so the answer is 304 until something changes. ` +
        'format=nginx returns a map file for nginx (also `safeharbor edge nginx`): include it in http { } and, in a server { }, ' +
        '`if ($safeharbor_block) { return 451; }` and `add_header Link $safeharbor_blocked_by always;` (451 Unavailable For Legal Reasons with a Link to the public notice, RFC 7725). ' +
        'A disabled URL without a query blocks its path with any query; one with a query blocks that query only; paths are compared as nginx resolves them ($uri), host and path case-insensitively; scheme and port are ignored; a terminated zone or court-ordered domain blocks every name under it.',
      parameters: [
        { name: 'format', in: 'query', schema: { type: 'string', enum: [...FORMATS], default: 'json' } },
        { name: 'If-None-Match', in: 'header', schema: { type: 'string' }, description: 'The ETag of the copy the edge has' },
      ],
      responses: {
        '200': {
          description: 'The blocklist; ETag and X-Safeharbor-Blocklist-Version name its content',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  format: { const: BLOCKLIST_FORMAT },
                  version: { type: 'string', description: 'SHA-256 (hex) of the content' },
                  public_base_url: { type: 'string' },
                  notice_url_template: { type: 'string', description: 'Public page of a notice; {notice_id} is replaced' },
                  counts: {
                    type: 'object',
                    properties: { urls: { type: 'integer' }, zones: { type: 'integer' }, domains: { type: 'integer' }, skipped: { type: 'integer' } },
                  },
                  urls: { type: 'array', items: { type: 'object', properties: { url: { type: 'string' }, notice_id: { type: 'string', format: 'uuid' } } } },
                  zones: { type: 'array', items: { type: 'object', properties: { zone: { type: 'string' } } } },
                  domains: { type: 'array', items: { type: 'object', properties: { domain: { type: 'string' }, order_id: { type: ['string', 'null'] } } } },
                  skipped: {
                    type: 'array',
                    items: { type: 'object', properties: { kind: { type: 'string' }, value: { type: 'string' }, why: { type: 'string' } } },
                  },
                },
              },
            },
            'text/plain': { schema: { type: 'string', description: 'format=nginx: the map file' } },
          },
        },
        '304': { description: 'Not modified: the edge has the current version' },
        '403': { description: 'Not staff', content: { 'application/json': { schema: { $ref: '#/components/schemas/Errors' } } } },
        '422': { description: 'Unknown format', content: { 'application/json': { schema: { $ref: '#/components/schemas/Errors' } } } },
      },
    },
  },
};
