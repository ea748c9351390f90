// GET /v1/notices/{id}/hotline-report: the report prepared for the national hotline / NCMEC's
// CyberTipline about child sexual abuse material. Staff only: it carries the reporter's identity
// (when they allowed it) and the customer's, which neither side may read.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';
import { requireRole } from '../auth.ts';
import { hotlineReportOf } from '../../services/hotline-reports.ts';
import { sendResult } from '../reply.ts';
import { described, errors, IdParams, type ZodRequests } from '../schemas.ts';

export async function hotlineRoutes(fastify: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = fastify.withTypeProvider<ZodRequests>();
  app.get(
    '/v1/notices/:id/hotline-report',
    {
      preValidation: requireRole('staff'),
      schema: {
        summary: "A child-safety report's prepared hotline (CyberTipline) report (staff only)",
        params: IdParams,
        response: {
          200: described(
            'The prepared report: payload (reporter as they chose, URLs, zone, account, origin IPs, hosting provider, times), prepared_at, retain_until',
          ),
          403: errors('Not staff'),
          404: errors('No such notice, or no hotline report for it'),
        },
      },
    },
    async (req, reply) => sendResult(reply, await hotlineReportOf(ctx.review.db, req.params.id)),
  );
}
