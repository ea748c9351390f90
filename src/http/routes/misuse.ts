// Measures against misuse by API (DSA Art. 23; staff only): the queue of notifiers and customers
// whose standing proposes a warning or a suspension, one party's standing and history of
// measures, and warning, suspension and lifting (the same services as the staff pages).
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { requireRole } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { sendResult } from '../reply.ts';
import { described, errors, validatedInService, type ZodRequests } from '../schemas.ts';
import { liftSuspension, misuseQueue, partyStanding, suspendParty, warnParty, type MeasureResult, type PartyRef } from '../../services/misuse-measures.ts';
import type { PartyType } from '../../dsa/domain/misuse-policy.ts';

// The services require the reason and say so by field.
const ReasonBody = validatedInService(z.object({ reason: z.string().max(2000) }));
const Outcome = z.object({
  party_type: z.enum(['notifier', 'customer']),
  id: z.string(),
  changed: z.boolean(),
  measure_id: z.string().nullable(),
  ends_at: z.string().nullable(),
  zones: z.array(z.string()),
});

const ACTIONS = {
  warn: { run: warnParty, what: 'Warn (the prior warning of DSA Art. 23): recorded, mailed with the counts, the policy and the redress' },
  suspend: {
    run: suspendParty,
    what: 'Suspend for the policy period, only after a warning (409 without one)',
  },
  lift: { run: liftSuspension, what: 'Lift a running suspension early (changed false: none running)' },
} as const;

const PARTIES: { type: PartyType; path: string; label: string; extra: string }[] = [
  { type: 'notifier', path: 'notifiers', label: 'A notifier (reporter principal id)', extra: 'its notices are refused in every channel while suspended' },
  { type: 'customer', path: 'accounts', label: 'A customer (account id)', extra: 'its zones are blocked at the edge and a statement of reasons issued' },
];

export async function misuseRoutes(fastify: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = fastify.withTypeProvider<ZodRequests>();

  app.get(
    '/v1/misuse/queue',
    {
      preValidation: requireRole('staff'),
      schema: {
        summary: 'Notifiers and customers whose standing under the misuse policy proposes a warning or a suspension (staff only)',
        response: {
          200: z.object({ policy: z.looseObject({}), parties: z.array(z.looseObject({})) }).describe('Suspensions proposed first, then warnings'),
          403: errors('Not staff'),
        },
      },
    },
    async () => ({ policy: ctx.config.misusePolicy, parties: await misuseQueue(ctx.misuse) }),
  );

  const send = (ref: PartyRef, r: MeasureResult, reply: FastifyReply) =>
    sendResult(reply, r, (v) => ({
      party_type: ref.type,
      id: ref.id,
      changed: v.changed,
      measure_id: v.measureId,
      ends_at: v.endsAt ? v.endsAt.toISOString() : null,
      zones: v.zones,
    }));

  for (const p of PARTIES) {
    const Params = z.object({ id: z.string().describe(p.label) });
    app.get(
      `/v1/${p.path}/:id/misuse`,
      {
        preValidation: requireRole('staff'),
        schema: {
          summary: `${p.label}: standing under the misuse policy and every measure taken (staff only)`,
          params: Params,
          response: { 200: described('Standing, counts, measures oldest first'), 403: errors('Not staff'), 404: errors('No such party') },
        },
      },
      async (req, reply) => sendResult(reply, await partyStanding(ctx.misuse, { type: p.type, id: req.params.id })),
    );
    for (const [action, a] of Object.entries(ACTIONS)) {
      app.post(
        `/v1/${p.path}/:id/${action}`,
        {
          preValidation: requireRole('staff'),
          schema: {
            summary: `${a.what} — ${p.type}: ${p.extra} (staff only)`,
            params: Params,
            body: ReasonBody,
            response: {
              200: Outcome.describe('Nothing changed: already so'),
              201: Outcome.describe('Recorded'),
              403: errors('Not staff'),
              404: errors('No such party'),
              409: errors('Not possible now (no prior warning, already suspended, terminated)'),
              422: errors('No reason'),
            },
          },
        },
        async (req, reply) => {
          const ref = { type: p.type, id: req.params.id };
          return send(ref, await a.run(ctx.misuse, `principal:${req.principal!.id}`, ref, (req.body as { reason?: unknown } | undefined)?.reason), reply);
        },
      );
    }
  }
}
