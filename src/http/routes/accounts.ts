// The repeat-infringer policy by API (staff): the review queue of accounts over the threshold,
// one account's standing, termination and reinstatement.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { sendFailure, sendResult } from '../reply.ts';
import { notFound } from '../../services/result.ts';
import type { AppContext } from '../context.ts';
import { z } from 'zod';
import { requireRole } from '../auth.ts';
import { described, errors, validatedInService, type ZodRequests } from '../schemas.ts';
import { accountStanding, reinstateAccount, repeatInfringerQueue, terminateAccount, type AccountActionResult } from '../../services/repeat-infringers.ts';

const AccountParams = z.object({ id: z.string().describe('The account id, as in the zones file') });
// The services require the reason and say so by field.
const ReasonBody = validatedInService(z.object({ reason: z.string().max(2000) }));
const Outcome = z.object({ account_id: z.string(), changed: z.boolean(), zones: z.array(z.string()) });

export async function accountRoutes(fastify: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = fastify.withTypeProvider<ZodRequests>();
  const now = () => ctx.lifecycle.now();

  app.get(
    '/v1/accounts/review-queue',
    {
      preValidation: requireRole('staff'),
      schema: {
        summary: 'Accounts at or over the review threshold of the repeat-infringer policy (staff only)',
        response: {
          200: z.object({ policy: z.looseObject({}), accounts: z.array(z.looseObject({})) }).describe('The queue, most strikes first'),
          403: errors('Not staff'),
        },
      },
    },
    async () => {
      const rows = await repeatInfringerQueue(ctx.store.db, ctx.config.strikePolicy, now());
      return { policy: ctx.config.strikePolicy, accounts: rows };
    },
  );

  app.get(
    '/v1/accounts/:id/strikes',
    {
      preValidation: requireRole('staff'),
      schema: {
        summary: "An account's standing under the repeat-infringer policy (staff only)",
        params: AccountParams,
        response: { 200: described('Counted strikes, level, expiries'), 403: errors('Not staff'), 404: errors('No such account') },
      },
    },
    async (req, reply) => {
      const { id } = req.params;
      const a = await ctx.store.db.selectFrom('accounts').select(['id', 'terminated_at', 'termination_reason']).where('id', '=', id).executeTakeFirst();
      if (!a) return sendFailure(reply, notFound('id', `no account ${id}`));
      return {
        account_id: a.id,
        terminated_at: a.terminated_at,
        termination_reason: a.termination_reason,
        standing: await accountStanding(ctx.store.db, id, ctx.config.strikePolicy, now()),
      };
    },
  );

  const send = (id: string, r: AccountActionResult, reply: FastifyReply) =>
    sendResult(reply, r, (v) => ({ account_id: id, changed: v.changed, zones: v.zones }));

  app.post(
    '/v1/accounts/:id/terminate',
    {
      preValidation: requireRole('staff'),
      schema: {
        summary:
          'Terminate a repeat infringer (staff only): every zone terminated (blocked at the edge), e-mail and zones on the sign-up blocklist, customer told',
        params: AccountParams,
        body: ReasonBody,
        response: {
          200: Outcome.describe('Terminated (changed false: already)'),
          403: errors('Not staff'),
          404: errors('No such account'),
          422: errors('No reason'),
        },
      },
    },
    async (req, reply) => {
      const { id } = req.params;
      return send(
        id,
        await terminateAccount(ctx.accounts, `principal:${req.principal!.id}`, id, (req.body as { reason?: unknown } | undefined)?.reason),
        reply,
      );
    },
  );

  app.post(
    '/v1/accounts/:id/reinstate',
    {
      preValidation: requireRole('staff'),
      schema: {
        summary: 'Reinstate a terminated account (staff only): zones served again, blocklist entries removed, customer told',
        params: AccountParams,
        body: ReasonBody,
        response: {
          200: Outcome.describe('Reinstated (changed false: was not terminated)'),
          403: errors('Not staff'),
          404: errors('No such account'),
          422: errors('No reason'),
        },
      },
    },
    async (req, reply) => {
      const { id } = req.params;
      return send(
        id,
        await reinstateAccount(ctx.accounts, `principal:${req.principal!.id}`, id, (req.body as { reason?: unknown } | undefined)?.reason),
        reply,
      );
    },
  );
}
