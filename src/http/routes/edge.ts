// The enforcement feed for the provider's edge: GET /v1/edge/blocklist (staff token).
// JSON by default, the nginx map file with ?format=nginx. The ETag is the document's content
// hash, so an edge that sends If-None-Match gets 304 until something it must block changes;
// a poll that finds nothing changed reads one row of the store and nothing else.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { requireRole } from '../auth.ts';
import { empty, errors, type ZodRequests } from '../schemas.ts';
import { EdgeBlocklistCache } from '../../services/edge-blocklist.ts';
import { endDueSuspensions } from '../../services/misuse-measures.ts';
import { BLOCKLIST_FORMAT } from '../../domain/edge-blocklist.ts';

const FORMATS = ['json', 'nginx'] as const;

const BlocklistQuery = z.object({ format: z.enum(FORMATS, { error: `must be one of ${FORMATS.join(', ')}` }).default('json') });

const Blocklist = z.object({
  format: z.literal(BLOCKLIST_FORMAT),
  version: z.string().describe('SHA-256 (hex) of the content'),
  public_base_url: z.string(),
  notice_url_template: z.string().describe('Public page of a notice; {notice_id} is replaced'),
  counts: z.object({ urls: z.number().int(), zones: z.number().int(), domains: z.number().int(), skipped: z.number().int() }),
  urls: z.array(z.object({ url: z.string(), notice_id: z.uuid() })),
  zones: z.array(z.object({ zone: z.string() })),
  domains: z.array(z.object({ domain: z.string(), order_id: z.string().nullable() })),
  skipped: z.array(z.object({ kind: z.string(), value: z.string(), why: z.string() })),
});

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

export async function edgeRoutes(fastify: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = fastify.withTypeProvider<ZodRequests>();
  const cache = new EdgeBlocklistCache(
    ctx.store.db,
    () => ctx.publicUrl(),
    () => ctx.lifecycle.now(),
    // A suspended customer's sites are served again from the first poll after the end (DSA Art. 23).
    () => endDueSuspensions(ctx.misuse),
  );

  app.get(
    '/v1/edge/blocklist',
    {
      preValidation: requireRole('staff'),
      schema: {
        summary: 'What the edge must block: disabled URLs, terminated zones, court-ordered domains (staff only)',
        description:
          `The enforcement feed (${BLOCKLIST_FORMAT}). Poll it with If-None-Match: the ETag is a hash of the content, so the answer is 304 until something changes. ` +
          'format=nginx returns a map file for nginx (also `safeharbor edge nginx`): include it in http { } and, in a server { }, ' +
          '`if ($safeharbor_block) { return 451; }` and `add_header Link $safeharbor_blocked_by always;` (451 Unavailable For Legal Reasons with a Link to the public notice, RFC 7725). ' +
          'A disabled URL without a query blocks its path with any query; one with a query blocks that query only; paths are compared as nginx resolves them ($uri), host and path case-insensitively; scheme and port are ignored; a terminated zone or court-ordered domain blocks every name under it.',
        querystring: BlocklistQuery,
        headers: z.looseObject({ 'if-none-match': z.string().optional().describe('The ETag of the copy the edge has') }),
        response: {
          200: {
            description: 'The blocklist; ETag and X-Safeharbor-Blocklist-Version name its content',
            content: {
              'application/json': { schema: Blocklist },
              'text/plain': { schema: z.string().describe('format=nginx: the map file') },
            },
          },
          304: empty('Not modified: the edge has the current version'),
          403: errors('Not staff'),
          422: errors('Unknown format'),
        },
      },
    },
    async (req, reply) => {
      const { format } = req.query;
      const snap = await cache.get();
      const etag = `"${snap.doc.version}${format === 'json' ? '' : `.${format}`}"`;
      reply.header('ETag', etag).header('Cache-Control', 'private, no-cache').header('X-Safeharbor-Blocklist-Version', snap.doc.version);
      if (ifNoneMatchHits(req.headers['if-none-match'], etag)) return reply.code(304).send();
      if (format === 'nginx') return reply.type('text/plain; charset=utf-8').send(snap.nginx().text);
      return reply.type('application/json; charset=utf-8').send(snap.json());
    },
  );
}
