// Staff decisions by API, the same service as the console's buttons:
// POST /v1/notices/{id}/review and POST /v1/notices/{id}/questions.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';
import { requireRole } from '../auth.ts';
import { z } from 'zod';
import { MAX_POSITIONS, QUESTION_MAX, requestInformation, reviewItems, type ItemSelection } from '../../services/item-review.ts';
import { NOTE_MAX, parseDecision, REJECTION_REASONS } from '../../domain/review.ts';
import { parseItemState } from '../../services/notice-views.ts';
import type { FieldError } from '../../domain/notice.ts';
import { ITEM_STATES } from '../../domain/item-state.ts';
import { sendResult } from '../reply.ts';
import { described, errors, IdParams, validatedInService, type ZodRequests } from '../schemas.ts';

// The decision is read by parseDecision and the selection below, every problem at once.
const ReviewBody = validatedInService(
  z.object({
    action: z.enum(['disable', 'reject']),
    reason: z
      .enum(Object.keys(REJECTION_REASONS) as [string, ...string[]])
      .optional()
      .describe('Required to reject'),
    note: z
      .string()
      .max(NOTE_MAX)
      .optional()
      .describe('To reject: shown to the reporter, required with reason "other". To disable: the ground the customer\'s statement of reasons gives'),
    manifestly_illegal: z
      .boolean()
      .optional()
      .describe('To disable: the content is manifestly illegal (counts towards suspending the customer, DSA Art. 23(1))'),
    positions: z.array(z.number().int().min(0)).max(MAX_POSITIONS).optional().describe('The items, by position (or give state)'),
    state: z.enum(ITEM_STATES).optional().describe('Every item in this state (or give positions)'),
  }),
);

// Its length is checked by requestInformation, after trimming.
const QuestionBody = z.preprocess(
  (v) => v ?? {},
  z.object({ question: z.string({ error: 'must be the text of the question for the reporter' }).meta({ maxLength: QUESTION_MAX }) }),
);

export async function reviewRoutes(fastify: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = fastify.withTypeProvider<ZodRequests>();

  app.post(
    '/v1/notices/:id/review',
    {
      preValidation: requireRole('staff'),
      schema: {
        summary: 'Staff decision on items: disable hosted content, or reject with a reason (staff only)',
        params: IdParams,
        body: ReviewBody,
        response: {
          200: z
            .object({ changed: z.array(z.looseObject({})), skipped: z.array(z.looseObject({})) })
            .describe('What changed, and what the decision did not apply to'),
          403: errors('Not staff'),
          404: errors('No such notice'),
          422: errors('Invalid decision'),
        },
      },
    },
    async (req, reply) => {
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
      const r = await reviewItems(ctx.review, `principal:${req.principal!.id}`, req.params.id, selection, parsed.decision);
      return sendResult(reply, r, (plan) => ({ changed: plan.changes, skipped: plan.skipped }));
    },
  );

  app.post(
    '/v1/notices/:id/questions',
    {
      preValidation: requireRole('staff'),
      schema: {
        summary: 'Ask the reporter for more information; mailed and put on the timeline (staff only)',
        params: IdParams,
        body: QuestionBody,
        response: { 201: described('Sent'), 403: errors('Not staff'), 404: errors('No such notice'), 422: errors('Empty or too long') },
      },
    },
    async (req, reply) => {
      return sendResult(reply, await requestInformation(ctx.review, `principal:${req.principal!.id}`, req.params.id, req.body.question));
    },
  );
}
