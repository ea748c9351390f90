// The repeat-infringer policy on the web: the published text (public), and for staff the review
// queue, an account's strikes, termination and reinstatement (the same services as the API).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../http/context.ts';
import { pageParams, pageQuery, type ZodRequests } from '../http/schemas.ts';
import { html, pageForFailure } from './respond.ts';
import { csrfGuard } from './csrf.tsx';
import { field } from './form-body.ts';
import { staffPages } from './page-guards.tsx';
import { sendMessage } from './pages/message-page.tsx';
import { AccountStrikesPage, PolicyPage, RepeatInfringerQueuePage } from './pages/repeat-infringers.tsx';
import { describePolicy } from '../domain/strike-policy.ts';
import { accountStanding, reinstateAccount, repeatInfringerQueue, terminateAccount } from '../services/repeat-infringers.ts';

export async function repeatInfringerRoutes(fastify: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = fastify.withTypeProvider<ZodRequests>();
  const provider = ctx.config.providerName;
  const policyText = () => describePolicy(ctx.config.strikePolicy, { providerName: provider });

  app.get('/policy/repeat-infringers', async (req, reply) =>
    html(reply, 200, <PolicyPage provider={provider} text={policyText()} user={req.user} csrfToken={req.user ? reply.generateCsrf() : undefined} />),
  );

  await app.register(async (scope) => {
    const staff = scope.withTypeProvider<ZodRequests>();
    const csrf = csrfGuard(staff, provider);
    staff.addHook('preHandler', staffPages(provider));

    staff.get('/staff/repeat-infringers', async (req, reply) => {
      const rows = await repeatInfringerQueue(ctx.store.db, ctx.config.strikePolicy, ctx.lifecycle.now());
      return html(
        reply,
        200,
        <RepeatInfringerQueuePage provider={provider} user={req.user!} csrfToken={reply.generateCsrf()} rows={rows} policyText={policyText()} />,
      );
    });

    const renderStrikes = async (
      req: FastifyRequest,
      reply: FastifyReply,
      status: number,
      errors: { field: string; message: string }[],
      flash: string | null,
    ) => {
      const id = (req.params as { id: string }).id;
      const account = await ctx.store.db
        .selectFrom('accounts')
        .select(['id', 'name', 'email', 'terminated_at', 'termination_reason'])
        .where('id', '=', id)
        .executeTakeFirst();
      if (!account)
        return sendMessage(reply, 404, {
          provider,
          user: req.user,
          title: 'No such account',
          text: 'There is no account at this address.',
          link: ['/staff', 'Back to the queue'],
        });
      const standing = await accountStanding(ctx.store.db, id, ctx.config.strikePolicy, ctx.lifecycle.now());
      return html(
        reply,
        status,
        <AccountStrikesPage
          provider={provider}
          user={req.user!}
          csrfToken={reply.generateCsrf()}
          account={account}
          standing={standing}
          policyText={policyText()}
          errors={errors}
          flash={flash}
        />,
      );
    };

    staff.get('/staff/accounts/:id/strikes', { schema: { params: pageParams('id'), querystring: pageQuery('done') } }, async (req, reply) => {
      const done = req.query.done;
      return renderStrikes(
        req,
        reply,
        200,
        [],
        done === 'terminated'
          ? 'The account was terminated; its zones are blocked and the customer has been told.'
          : done === 'reinstated'
            ? 'The account was reinstated; the customer has been told.'
            : null,
      );
    });

    for (const action of ['terminate', 'reinstate'] as const) {
      staff.post(`/staff/accounts/:id/${action}`, { preHandler: csrf, schema: { params: pageParams('id') } }, async (req, reply) => {
        const id = req.params.id;
        const run = action === 'terminate' ? terminateAccount : reinstateAccount;
        const r = await run(ctx.accounts, `principal:${req.user!.id}`, id, field(req.body, 'reason'));
        if (!r.ok)
          return pageForFailure(r, {
            notFound: () => renderStrikes(req, reply, 404, [], null),
            form: (status, errors) => renderStrikes(req, reply, status, errors, null),
          });
        return reply.redirect(`/staff/accounts/${encodeURIComponent(id)}/strikes?done=${action}d`, 303);
      });
    }
  });
}
