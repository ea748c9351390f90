// Principals: staff create reporters (and their tokens); anyone can ask who their token is.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { requireRole } from '../auth.ts';
import { createPrincipal } from '../../services/principals.ts';
import { zodErrors } from '../../domain/notice.ts';
import { cloudflareAccountId } from './cloudflare.ts';

export const NewReporterSchema = z.object({
  email: z.string({ error: 'email is required' }).trim().pipe(z.email('email must be a valid e-mail address')),
  name: z.string().trim().min(1, 'name must not be empty').max(200, 'name must be at most 200 characters').optional(),
});

export async function adminRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.post('/v1/reporters', { preHandler: requireRole('staff') }, async (req, reply) => {
    const parsed = NewReporterSchema.safeParse(req.body ?? {});
    if (!parsed.success) return reply.code(422).send({ errors: zodErrors(parsed.error) });
    const { principal, token } = await createPrincipal(ctx.store.db, {
      role: 'reporter',
      email: parsed.data.email,
      name: parsed.data.name ?? null,
      actor: `principal:${req.principal!.id}`,
    });
    return reply.code(201).send({ id: principal.id, account_id: cloudflareAccountId(principal.id), role: principal.role, email: principal.email, name: principal.name, token });
  });

  app.get('/v1/me', { preHandler: requireRole('staff', 'reporter', 'customer') }, async (req) => {
    const p = req.principal!;
    return { id: p.id, account_id: cloudflareAccountId(p.id), role: p.role, email: p.email, name: p.name };
  });
}
