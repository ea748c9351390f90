// Measures against misuse (DSA Art. 23) on the web: the published policy (public), and for staff
// the queue, one party's standing and history, and warn / suspend / lift (the same services as the API).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../http/context.ts';
import { pageQuery, type ZodRequests } from '../http/schemas.ts';
import { html, pageForFailure } from './respond.ts';
import { csrfGuard } from './csrf.tsx';
import { field } from './form-body.ts';
import { staffPages } from './page-guards.tsx';
import { sendMessage } from './pages/message-page.tsx';
import { PolicyPage } from './pages/repeat-infringers.tsx';
import { MisusePartyPage, MisuseQueuePage } from './pages/misuse.tsx';
import { describeMisusePolicy } from '../dsa/domain/misuse-policy.ts';
import { liftSuspension, misuseQueue, partyStanding, suspendParty, warnParty } from '../services/misuse-measures.ts';

const PartyParams = z.object({ type: z.enum(['notifier', 'customer']), id: z.string().min(1).max(200) });
const RUN = { warn: warnParty, suspend: suspendParty, lift: liftSuspension } as const;
const DONE = {
  warned: 'The warning was recorded and mailed.',
  suspended: 'The suspension was recorded and mailed.',
  lifted: 'The suspension was lifted; the party has been told.',
  unchanged: 'Nothing changed: that measure was already in place (or no suspension was running).',
} as const;

export async function misuseRoutes(fastify: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = fastify.withTypeProvider<ZodRequests>();
  const provider = ctx.config.providerName;

  app.get('/policy/misuse', async (req, reply) =>
    html(
      reply,
      200,
      <PolicyPage
        provider={provider}
        text={describeMisusePolicy(ctx.config.misusePolicy, { providerName: provider })}
        user={req.user}
        csrfToken={req.user ? reply.generateCsrf() : undefined}
      />,
    ),
  );

  await app.register(async (scope) => {
    const staff = scope.withTypeProvider<ZodRequests>();
    const csrf = csrfGuard(staff, provider);
    staff.addHook('preHandler', staffPages(provider));

    staff.get('/staff/misuse', async (req, reply) =>
      html(reply, 200, <MisuseQueuePage provider={provider} user={req.user!} csrfToken={reply.generateCsrf()} rows={await misuseQueue(ctx.misuse)} />),
    );

    const render = async (req: FastifyRequest, reply: FastifyReply, status: number, errors: { field: string; message: string }[], flash: string | null) => {
      const { type, id } = req.params as z.infer<typeof PartyParams>;
      const r = await partyStanding(ctx.misuse, { type, id });
      if (!r.ok)
        return sendMessage(reply, 404, {
          provider,
          user: req.user,
          title: 'No such party',
          text: `There is no ${type} ${id}.`,
          link: ['/staff/misuse', 'Back to the queue'],
        });
      return html(
        reply,
        status,
        <MisusePartyPage
          provider={provider}
          user={req.user!}
          csrfToken={reply.generateCsrf()}
          party={r.value.party}
          standing={r.value.standing}
          measures={r.value.measures}
          errors={errors}
          flash={flash}
        />,
      );
    };

    staff.get('/staff/misuse/:type/:id', { schema: { params: PartyParams, querystring: pageQuery('done') } }, async (req, reply) => {
      const done = req.query.done;
      return render(req, reply, 200, [], done && Object.hasOwn(DONE, done) ? DONE[done as keyof typeof DONE] : null);
    });

    for (const action of ['warn', 'suspend', 'lift'] as const) {
      staff.post(`/staff/misuse/:type/:id/${action}`, { preHandler: csrf, schema: { params: PartyParams } }, async (req, reply) => {
        const { type, id } = req.params;
        const r = await RUN[action](ctx.misuse, `principal:${req.user!.id}`, { type, id }, field(req.body, 'reason'));
        if (!r.ok)
          return pageForFailure(r, {
            notFound: () => render(req, reply, 404, [], null),
            form: (status, errors) => render(req, reply, status, errors, null),
          });
        const done = !r.value.changed ? 'unchanged' : action === 'warn' ? 'warned' : action === 'suspend' ? 'suspended' : 'lifted';
        return reply.redirect(`/staff/misuse/${type}/${encodeURIComponent(id)}?done=${done}`, 303);
      });
    }
  });
}
