// Trusted flaggers (DSA Art. 22) over the API: staff record and revoke the grants coordinators
// award and read how fast notices are decided; a reporter reads its own status.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { requireRole } from '../auth.ts';
import { sendResult } from '../reply.ts';
import { dateQuery, described, errors, IdParams, validatedInService, type ZodRequests } from '../schemas.ts';
import { parseGrant, parseRevoke, RevokeSchema, TrustedFlaggerGrantSchema } from '../../dsa/domain/trusted-flagger.ts';
import { decisionSpeedFigures, grantTrustedFlagger, listTrustedFlaggers, revokeTrustedFlagger, STATS_DEFAULT_DAYS } from '../../services/trusted-flaggers.ts';

const errs = errors('Problems, by field');

const ListQuery = z.object({
  in_force: z.enum(['true', 'false'], { error: 'in_force must be true or false' }).optional().describe('true: only grants not revoked'),
});
const StatsQuery = z.object({
  since: dateQuery('since').describe('Notices received from (default: 90 days before until)'),
  until: dateQuery('until').describe('Notices received before (default: now)'),
});

export async function trustedFlaggerRoutes(fastify: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = fastify.withTypeProvider<ZodRequests>();
  const actor = (id: string) => `principal:${id}` as const;

  app.post(
    '/v1/trusted-flaggers',
    {
      preValidation: requireRole('staff'),
      schema: {
        summary:
          'Record a trusted flagger status awarded by a Digital Services Coordinator (staff only): the reporter, organisation, dsc_country, dsc_reference, kinds (areas of expertise)',
        body: validatedInService(TrustedFlaggerGrantSchema),
        response: {
          200: described('{grant, changed: false}: this grant was already in force'),
          201: described('{grant, changed}'),
          403: errs,
          409: errs,
          422: errs,
        },
      },
    },
    async (req, reply) => {
      const p = parseGrant(req.body);
      if (!p.ok) return reply.code(422).send({ errors: p.errors });
      return sendResult(reply, await grantTrustedFlagger(ctx.store.db, actor(req.principal!.id), p.grant, ctx.clock()));
    },
  );

  app.get(
    '/v1/trusted-flaggers',
    {
      preValidation: requireRole('staff'),
      schema: {
        summary: 'Trusted flagger grants, newest first, revoked ones included (staff only)',
        querystring: ListQuery,
        response: { 200: described('{trusted_flaggers}'), 403: errs, 422: errs },
      },
    },
    async (req) => ({ trusted_flaggers: await listTrustedFlaggers(ctx.store.db, { inForce: req.query.in_force === 'true' }) }),
  );

  app.post(
    '/v1/trusted-flaggers/:id/revoke',
    {
      preValidation: requireRole('staff'),
      schema: {
        summary:
          "Revoke a trusted flagger grant, with a reason (staff only): the reporter's later notices are ordinary ones; those already filed keep their status",
        params: IdParams,
        body: validatedInService(RevokeSchema),
        response: { 200: described('{grant, changed}'), 403: errs, 404: errs, 422: errs },
      },
    },
    async (req, reply) => {
      const p = parseRevoke(req.body);
      if (!p.ok) return reply.code(422).send({ errors: p.errors });
      return sendResult(reply, await revokeTrustedFlagger(ctx.store.db, actor(req.principal!.id), req.params.id, p.reason, ctx.clock()));
    },
  );

  app.get(
    '/v1/trusted-flaggers/stats',
    {
      preValidation: requireRole('staff'),
      schema: {
        summary: "Hours from receipt to first decision, median and 90th percentile, trusted flaggers' notices against the others, per kind (staff only)",
        querystring: StatsQuery,
        response: { 200: described('{since, until, kinds: [{kind, trusted_flagger: {notices, median_hours, p90_hours}, others}]}'), 403: errs, 422: errs },
      },
    },
    async (req, reply) => {
      const until = req.query.until ?? ctx.clock();
      const since = req.query.since ?? new Date(until.getTime() - STATS_DEFAULT_DAYS * 86_400_000);
      if (since >= until) return reply.code(422).send({ errors: [{ field: 'since', message: 'since must be before until' }] });
      return { since: since.toISOString(), until: until.toISOString(), kinds: await decisionSpeedFigures(ctx.store.db, { since, until }) };
    },
  );

  app.get(
    '/v1/trusted-flagger',
    {
      preValidation: requireRole('reporter'),
      schema: {
        summary: 'Your trusted flagger status (reporters): whether a grant is in force, for which kinds, and your past grants',
        response: { 200: described('{trusted_flagger, kinds, grants}'), 403: errs },
      },
    },
    async (req) => {
      const grants = (await listTrustedFlaggers(ctx.store.db, { principalId: req.principal!.id })).map((g) => ({
        id: g.id,
        organisation: g.organisation,
        dsc_country: g.dsc_country,
        dsc_reference: g.dsc_reference,
        kinds: g.kinds,
        granted_at: g.granted_at,
        revoked_at: g.revoked_at,
        revoke_reason: g.revoke_reason,
        in_force: g.in_force,
      }));
      const inForce = grants.find((g) => g.in_force);
      return { trusted_flagger: inForce !== undefined, kinds: inForce?.kinds ?? [], grants };
    },
  );
}
