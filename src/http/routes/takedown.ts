// What the parties file after a takedown, by API: the customer's counter notice, the
// complainant's notice of court action and retraction. The same service serves the portal's
// form and counter notices read from mail. And staff's hand on the lifecycle (restore, close, …),
// the same service as the console's buttons.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppContext } from '../context.ts';
import { requireRole } from '../auth.ts';
import { applyStaffCommand, fileCounterNotice, fileCourtAction, fileRetraction, type FilingResult } from '../../services/takedown-lifecycle.ts';
import { parseStaffLifecycleRequest, STAFF_LIFECYCLE_COMMANDS, STAFF_REASON_MAX } from '../../domain/staff-lifecycle-commands.ts';
import { counterNoticeSchema, courtActionSchema, retractionSchema } from '../../domain/counter-notice.ts';
import { MAX_POSITIONS } from '../../services/item-review.ts';
import { z } from 'zod';
import { sendResult } from '../reply.ts';
import { checkedBody, checkedBy, Errors, errors, IdParams, validatedInService, type ZodRequests } from '../schemas.ts';

const Change = z.object({ position: z.number().int(), url: z.string(), from: z.string(), to: z.string(), lifecycle: z.string().nullable() }).partial();
const Refusal = z
  .object({
    position: z.number().int(),
    url: z.string(),
    state: z.string(),
    code: z.string().describe('too_early, not_allowed, not_in_lifecycle, …'),
    why: z.string(),
  })
  .partial();
const FilingResult = z
  .object({
    id: z.uuid().describe('The filing; the same filing sent again answers 200 with the same id'),
    changed: z.array(Change),
    unchanged: z.array(z.looseObject({})),
    refused: z.array(Refusal),
  })
  .partial();
const filingResponses = {
  200: FilingResult.describe('Recorded before: the same filing again'),
  201: FilingResult.describe('Recorded'),
  401: errors('No token'),
  403: errors('Wrong role'),
  404: errors('No such notice, or not yours'),
  409: errors('No URL is in a state this applies to (e.g. not disabled, already restored); every refusal by URL'),
  422: errors('Invalid: every problem, by field'),
};

// The filings' rules depend on the notice the path names (its URLs, its claimant): the services
// validate them against it; the schemas are the domain's, shown here for a notice's own URLs.
const CounterNoticeBody = validatedInService(counterNoticeSchema({ urls: [] }));
const CourtActionBody = validatedInService(courtActionSchema({ urls: [] }, new Date()));
const RetractionBody = validatedInService(retractionSchema({ urls: [] }));

const LifecycleBody = checkedBody(
  z.object({
    positions: z.array(z.number().int().min(0)).min(1).max(MAX_POSITIONS).describe('The items, by position'),
    command: z
      .enum(STAFF_LIFECYCLE_COMMANDS)
      .describe(
        'restore: after the counter notice and its waiting period; retract: the complainant withdrew (e.g. told staff by phone); close: nothing pending; notify_customer: tell the customer of a takedown',
      ),
    reason: z.string().min(1).max(STAFF_REASON_MAX).describe("Why staff act by hand; kept on the case's timeline (not shown to the complainant)"),
  }),
);

export function sendFiling(reply: FastifyReply, r: FilingResult) {
  return sendResult(reply, r, (f) => ({ id: f.id, changed: f.result.changed, unchanged: f.result.unchanged, refused: f.result.refused }));
}

export async function takedownRoutes(fastify: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = fastify.withTypeProvider<ZodRequests>();
  app.post(
    '/v1/notices/:id/counter-notice',
    {
      preValidation: requireRole('customer'),
      schema: {
        summary:
          "Counter notice (17 U.S.C. §512(g)(3)) by the customer whose content was disabled (customer role; the account's own URLs only). The complainant receives a copy and the restore date.",
        params: IdParams,
        body: CounterNoticeBody,
        response: filingResponses,
      },
    },
    async (req, reply) => {
      const { id } = req.params;
      const p = req.principal!;
      const r = await fileCounterNotice(ctx.lifecycle, { principal: p, channel: 'api', accountId: p.accountId! }, id, req.body ?? {});
      return sendFiling(reply, r);
    },
  );

  app.post(
    '/v1/notices/:id/court-action',
    {
      preValidation: requireRole('reporter', 'staff'),
      schema: {
        summary: 'Notice of court action (§512(g)(2)(C)) by the complainant who filed the notice (or staff): the content stays disabled',
        params: IdParams,
        body: CourtActionBody,
        response: filingResponses,
      },
    },
    async (req, reply) => {
      const { id } = req.params;
      return sendFiling(reply, await fileCourtAction(ctx.lifecycle, req.principal!, id, req.body ?? {}));
    },
  );

  app.post(
    '/v1/notices/:id/retraction',
    {
      preValidation: requireRole('reporter', 'staff'),
      schema: {
        summary: 'Retraction by the complainant who filed the notice (or staff): disabled content is restored and the strike removed',
        params: IdParams,
        body: RetractionBody,
        response: filingResponses,
      },
    },
    async (req, reply) => {
      const { id } = req.params;
      return sendFiling(reply, await fileRetraction(ctx.lifecycle, req.principal!, id, req.body ?? {}));
    },
  );

  app.post(
    '/v1/notices/:id/items/lifecycle',
    {
      preValidation: requireRole('staff'),
      validatorCompiler: checkedBy((body) => parseStaffLifecycleRequest(body, MAX_POSITIONS)),
      schema: {
        summary:
          "Staff act by hand on URLs' takedown lifecycle (staff only): restore once the counter-notice waiting period is over (needed when the policy's automaticRestore is false; restoring and a recorded withdrawal close the case), record the complainant's withdrawal, close a case, notify the customer. The same state machine and messages as the automatic steps: a restore tells the customer and the complainant exactly what the background restore tells them, and takes the URL off the edge blocklist. One transaction, all or nothing; repeating it changes nothing (unchanged).",
        params: IdParams,
        body: LifecycleBody,
        response: {
          200: z
            .object({
              step_id: z.uuid(),
              command: z.string(),
              changed: z.array(Change),
              unchanged: z
                .array(z.object({ position: z.number().int(), url: z.string(), note: z.string() }).partial())
                .describe('Already done (a retry): nothing changed, nobody told'),
              refused: z.array(z.looseObject({})).max(0),
            })
            .describe('Applied'),
          401: errors('No token'),
          403: errors('Not staff'),
          404: errors('No such notice'),
          409: z
            .object({ errors: Errors.shape.errors, refused: z.array(Refusal) })
            .describe(
              'The state machine refuses the command for these items (e.g. the waiting period has not passed, a court action was filed); nothing was changed',
            ),
          422: errors('Bad command, positions (also: no such position) or missing reason, by field'),
        },
      },
    },
    async (req, reply) => {
      const { id } = req.params;
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
    },
  );
}
