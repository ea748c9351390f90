// Staff decisions by API, the same service as the console's buttons:
// POST /v1/notices/{id}/review and POST /v1/notices/{id}/questions.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';
import { requireRole } from '../auth.ts';
import { MAX_POSITIONS, requestInformation, reviewItems, type ItemSelection } from '../../services/item-review.ts';
import { parseDecision } from '../../domain/review.ts';
import { parseItemState } from '../../services/notice-views.ts';
import { sendResult } from '../reply.ts';
import type { FieldError } from '../../domain/notice.ts';

export async function reviewRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.post('/v1/notices/:id/review', { preHandler: requireRole('staff') }, async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const parsed = parseDecision(body);
    const errors: FieldError[] = parsed.ok ? [] : [...parsed.errors];
    let selection: ItemSelection | null = null;
    const hasPositions = body.positions !== undefined;
    const hasState = body.state !== undefined;
    if (hasPositions === hasState) {
      errors.push({ field: 'positions', message: 'give either "positions" (a list of item positions) or "state" (every item in that state), not both' });
    } else if (hasPositions) {
      const p = body.positions;
      if (!Array.isArray(p) || p.length === 0 || !p.every((x) => Number.isInteger(x) && x >= 0))
        errors.push({ field: 'positions', message: 'must be a non-empty list of item positions (whole numbers ≥ 0)' });
      else if (p.length > MAX_POSITIONS) errors.push({ field: 'positions', message: `at most ${MAX_POSITIONS} positions at once; use "state" for more` });
      else selection = { positions: p as number[] };
    } else {
      const st = parseItemState(body.state);
      if (st === undefined || st === 'bad') errors.push({ field: 'state', message: 'must be an item state such as pending_review' });
      else selection = { state: st };
    }
    if (!parsed.ok || !selection || errors.length) return reply.code(422).send({ errors });
    const r = await reviewItems(ctx.review, `principal:${req.principal!.id}`, (req.params as { id: string }).id, selection, parsed.decision);
    return sendResult(reply, r, (plan) => ({ changed: plan.changes, skipped: plan.skipped }));
  });

  app.post('/v1/notices/:id/questions', { preHandler: requireRole('staff') }, async (req, reply) => {
    const q = (req.body as { question?: unknown } | undefined)?.question;
    if (typeof q !== 'string') return reply.code(422).send({ errors: [{ field: 'question', message: 'must be the text of the question for the reporter' }] });
    return sendResult(reply, await requestInformation(ctx.review, `principal:${req.principal!.id}`, (req.params as { id: string }).id, q));
  });
}
