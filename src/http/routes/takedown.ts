// What the parties file after a takedown, by API: the customer's counter notice, the
// complainant's notice of court action and retraction. The same service serves the portal's
// form and counter notices read from mail. And staff's hand on the lifecycle (restore, close, …),
// the same service as the console's buttons.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppContext } from '../context.ts';
import { requireRole } from '../auth.ts';
import { applyStaffCommand, fileCounterNotice, fileCourtAction, fileRetraction, type FilingResult } from '../../services/takedown-lifecycle.ts';
import { parseStaffLifecycleRequest } from '../../domain/staff-lifecycle-commands.ts';
import { MAX_POSITIONS } from '../../services/item-review.ts';
import { sendResult } from '../reply.ts';

export function sendFiling(reply: FastifyReply, r: FilingResult) {
  return sendResult(reply, r, (f) => ({ id: f.id, changed: f.result.changed, unchanged: f.result.unchanged, refused: f.result.refused }));
}

export async function takedownRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.post('/v1/notices/:id/counter-notice', { preHandler: requireRole('customer') }, async (req, reply) => {
    const { id } = req.params as { id: string };
    const p = req.principal!;
    const r = await fileCounterNotice(ctx.lifecycle, { principal: p, channel: 'api', accountId: p.accountId! }, id, req.body ?? {});
    return sendFiling(reply, r);
  });

  app.post('/v1/notices/:id/court-action', { preHandler: requireRole('reporter', 'staff') }, async (req, reply) => {
    const { id } = req.params as { id: string };
    return sendFiling(reply, await fileCourtAction(ctx.lifecycle, req.principal!, id, req.body ?? {}));
  });

  app.post('/v1/notices/:id/retraction', { preHandler: requireRole('reporter', 'staff') }, async (req, reply) => {
    const { id } = req.params as { id: string };
    return sendFiling(reply, await fileRetraction(ctx.lifecycle, req.principal!, id, req.body ?? {}));
  });

  app.post('/v1/notices/:id/items/lifecycle', { preHandler: requireRole('staff') }, async (req, reply) => {
    const { id } = req.params as { id: string };
    const parsed = parseStaffLifecycleRequest(req.body, MAX_POSITIONS);
    if (!parsed.ok) return reply.code(422).send({ errors: parsed.errors });
    const r = await applyStaffCommand(ctx.lifecycle, req.principal!, id, parsed.request);
    return sendResult(reply, r, (v) => ({
      step_id: v.stepId,
      command: parsed.request.command,
      changed: v.result.changed,
      unchanged: v.result.unchanged,
      refused: [],
    }));
  });
}
