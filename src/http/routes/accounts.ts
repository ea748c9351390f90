// The repeat-infringer policy by API (staff): the review queue of accounts over the threshold,
// one account's standing, termination and reinstatement.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { sendFailure, sendResult } from '../reply.ts';
import { notFound } from '../../services/result.ts';
import type { AppContext } from '../context.ts';
import { requireRole } from '../auth.ts';
import { accountStanding, reinstateAccount, repeatInfringerQueue, terminateAccount, type AccountActionResult } from '../../services/repeat-infringers.ts';

export async function accountRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const now = () => ctx.lifecycle.now();

  app.get('/v1/accounts/review-queue', { preHandler: requireRole('staff') }, async () => {
    const rows = await repeatInfringerQueue(ctx.store.db, ctx.config.strikePolicy, now());
    return { policy: ctx.config.strikePolicy, accounts: rows };
  });

  app.get('/v1/accounts/:id/strikes', { preHandler: requireRole('staff') }, async (req, reply) => {
    const { id } = req.params as { id: string };
    const a = await ctx.store.db.selectFrom('accounts').select(['id', 'terminated_at', 'termination_reason']).where('id', '=', id).executeTakeFirst();
    if (!a) return sendFailure(reply, notFound('id', `no account ${id}`));
    return {
      account_id: a.id,
      terminated_at: a.terminated_at,
      termination_reason: a.termination_reason,
      standing: await accountStanding(ctx.store.db, id, ctx.config.strikePolicy, now()),
    };
  });

  const send = (id: string, r: AccountActionResult, reply: FastifyReply) =>
    sendResult(reply, r, (v) => ({ account_id: id, changed: v.changed, zones: v.zones }));

  app.post('/v1/accounts/:id/terminate', { preHandler: requireRole('staff') }, async (req, reply) => {
    const { id } = req.params as { id: string };
    return send(id, await terminateAccount(ctx.accounts, `principal:${req.principal!.id}`, id, (req.body as { reason?: unknown } | undefined)?.reason), reply);
  });

  app.post('/v1/accounts/:id/reinstate', { preHandler: requireRole('staff') }, async (req, reply) => {
    const { id } = req.params as { id: string };
    return send(id, await reinstateAccount(ctx.accounts, `principal:${req.principal!.id}`, id, (req.body as { reason?: unknown } | undefined)?.reason), reply);
  });
}
