// Exports for transparency archives (staff only): a notice, or every notice page by page, as
// records of Lumen's notice submission format (src/exports/lumen.ts). A notice that is never
// exported (child sexual abuse material) is in the page as such, with the reason.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { requireRole } from '../auth.ts';
import { sendResult } from '../reply.ts';
import { dateQuery, errors, IdParams, wholeNumber, type ZodRequests } from '../schemas.ts';
import { decodeKeyset, encodeKeyset } from '../../storage/exact-time.ts';
import { lumenNotice, lumenNotices } from '../../exports/lumen-notices.ts';

const LumenExport = z
  .looseObject({
    notice_id: z.string(),
    kind: z.string(),
    exported: z.boolean(),
    notice: z.looseObject({}).optional().describe("The record in Lumen's submission format (src/exports/lumen-schema.json)"),
    counter_notices: z.array(z.looseObject({})).optional().describe('Counter notices against it, each a record of type Counternotice'),
    reason: z.string().optional().describe('Why the notice is not exported (exported: false)'),
  })
  .meta({ id: 'LumenExport' });

const BatchQuery = z.object({
  since: dateQuery('since').describe('Received at or after'),
  until: dateQuery('until').describe('Received before'),
  limit: wholeNumber('limit', { min: 1, max: 100 }).meta({ default: 20 }),
  cursor: z
    .string()
    .refine((c) => decodeKeyset(c) !== null, 'cursor is not one this API gave out')
    .optional()
    .describe('next_cursor of the previous page'),
});

export async function exportRoutes(fastify: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = fastify.withTypeProvider<ZodRequests>();
  const db = ctx.store.db;
  const provider = ctx.config.providerName;

  app.get(
    '/v1/notices/:id/lumen',
    {
      preValidation: requireRole('staff'),
      schema: {
        summary: "A notice as a record of Lumen's notice submission format (staff only)",
        params: IdParams,
        response: {
          200: LumenExport.describe('The Lumen record, or `exported: false` with the reason'),
          403: errors('Not staff'),
          404: errors('No such notice'),
        },
      },
    },
    async (req, reply) => sendResult(reply, await lumenNotice(db, provider, req.params.id)),
  );

  app.get(
    '/v1/exports/lumen',
    {
      preValidation: requireRole('staff'),
      schema: {
        summary: "Notices as records of Lumen's notice submission format, oldest first, keyset-paged (staff only)",
        querystring: BatchQuery,
        response: {
          200: z.object({ notices: z.array(LumenExport), next_cursor: z.string().nullable() }).describe('A page of notices; next_cursor is null on the last'),
          403: errors('Not staff'),
        },
      },
    },
    async (req) => {
      const q = req.query;
      const page = await lumenNotices(db, provider, {
        since: q.since,
        until: q.until,
        after: q.cursor ? decodeKeyset(q.cursor)! : undefined,
        limit: q.limit ?? 20,
      });
      return { notices: page.notices, next_cursor: page.next && encodeKeyset(page.next) };
    },
  );
}
