// Legal process by API (staff only): record a subpoena, court order or other legal request with
// its targets (and a court order's domain block rules), list them deadlines first, read one, move
// it through its states, record what was produced, lift a block rule.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../http/context.ts';
import { requireRole } from '../../http/auth.ts';
import { sendFailure, sendResult } from '../../http/reply.ts';
import { notFound as noSuchRequest } from '../../services/result.ts';
import { checkedBody, checkedBy, errors, IdParams, Uuid, validatedInService, wholeNumber, type ZodRequests } from '../../http/schemas.ts';
import {
  LEGAL_REQUEST_STATES,
  LEGAL_REQUEST_TYPES,
  PRODUCTION_FIELDS,
  validateLegalRequest,
  validateProduction,
  type LegalRequestState,
} from '../domain/legal-request.ts';
import { changeLegalRequestState, createLegalRequest, legalRequestHash, recordProduction } from '../services/commands.ts';
import { liftBlockRule } from '../services/court-orders.ts';
import { getLegalRequest, listLegalRequests } from '../services/views.ts';

const dateOrDateTime = z.string().describe('YYYY-MM-DD or an ISO 8601 date-time with offset');

const LegalRequest = z
  .object({
    id: z.uuid(),
    type: z.enum(LEGAL_REQUEST_TYPES),
    state: z.enum(LEGAL_REQUEST_STATES),
    authority: z.string(),
    case_number: z.string(),
    requesting_party: z.string(),
    received_at: z.iso.datetime(),
    deadline: z.iso.datetime().nullable(),
    overdue: z.boolean(),
    non_disclosure_order: z.boolean(),
    targets: z.number().int().describe('How many targets the request names'),
    target_list: z.array(
      z.looseObject({}).describe('A domain or account id as named, and the zone/account we held under it when the request arrived (null: none)'),
    ),
    customer_notice: z.object({ decision: z.enum(['notify', 'withhold']), at: z.string().nullable(), reason: z.string().nullable() }).partial(),
    productions: z.array(z.looseObject({})),
    notices_sent: z.array(z.looseObject({})),
    block_rules: z.array(z.looseObject({}).describe('Court orders: each rule, whether it is in force, and the zones it caught')),
    next_states: z.array(z.enum(LEGAL_REQUEST_STATES)),
    events: z.array(z.looseObject({})),
  })
  .partial()
  .meta({ id: 'LegalRequest' });

// validateLegalRequest and validateProduction (the domain's, with the time) validate the bodies.
const LegalRequestBody = z.object({
  type: z.enum(LEGAL_REQUEST_TYPES),
  authority: z.string().describe('The issuing court or authority'),
  case_number: z.string(),
  requesting_party: z.string(),
  received_at: dateOrDateTime.optional().describe('Default: now'),
  deadline: dateOrDateTime.optional().describe('Required for subpoenas and law-enforcement requests; a date means the end of that day (UTC)'),
  targets: z
    .object({ domains: z.array(z.string()), accounts: z.array(z.string()) })
    .partial()
    .optional(),
  notes: z.string().optional(),
  document_ref: z.string().optional().describe('Where the document itself is kept'),
  non_disclosure_order: z.boolean().optional(),
  non_disclosure_until: dateOrDateTime.optional(),
  block_rules: z.array(z.string()).optional().describe('Court orders only'),
  block_ends_at: dateOrDateTime.optional().describe('When the block rules end (lifted automatically)'),
});
const ProductionBody = z.object({
  fields: z.array(z.enum(PRODUCTION_FIELDS)),
  produced_at: dateOrDateTime.optional().describe('Default: now'),
  payment_reference: z.string().optional().describe('Where the produced payment details are on record (required with payment_details; never a card number)'),
  ip_addresses: z.array(z.string()).optional().describe('Required with ip_addresses'),
  accounts: z.array(z.string()).optional().describe('Which of the resolved target accounts (default: all)'),
  note: z.string().optional(),
});
// changeLegalRequestState checks the move; the note is checked here.
const StateBody = z.preprocess(
  (v) => v ?? {},
  z.looseObject({
    state: z.unknown().meta({ enum: [...LEGAL_REQUEST_STATES] }),
    note: z.string({ error: 'must be text of at most 4000 characters' }).max(4000, 'must be text of at most 4000 characters').optional(),
  }),
);
const LiftBody = validatedInService(z.object({ reason: z.string() }));
const RuleParams = z.object({ id: Uuid(), ruleId: Uuid('ruleId') });

const LegalListQuery = z.object({
  state: z
    .string()
    .optional()
    .describe(`"open" (received, in_progress, objected) or a comma-separated list of ${LEGAL_REQUEST_STATES.join(', ')}`),
  limit: wholeNumber('limit', { min: 1, max: 500, message: 'must be a whole number from 1 to 500' }).meta({ default: 100 }),
  offset: wholeNumber('offset', { message: 'must be a whole number ≥ 0' }).meta({ default: 0 }),
});

const notFound = (reply: FastifyReply) => sendFailure(reply, noSuchRequest('id', 'no such legal request'));

export async function legalRoutes(fastify: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = fastify.withTypeProvider<ZodRequests>();
  const now = () => ctx.lifecycle.now();
  const staff = { preValidation: requireRole('staff') };
  const notStaff = errors('Not staff');

  app.post(
    '/v1/legal-requests',
    {
      ...staff,
      validatorCompiler: checkedBy((body) => validateLegalRequest(body, now())),
      schema: {
        summary: 'Record a subpoena, court order, law-enforcement or other legal request (staff only)',
        description:
          'Targets (domains and/or account ids) are resolved to the zones and accounts held when the request arrives. The customers concerned are told through the outbox before anything is produced, unless the request carries a non-disclosure order. ' +
          'A court order may carry domain block rules: "name.example" (the name and every name under it), "=name.example" (that name only), "*.name.example" (names under it), "name.*" (the name under any public suffix). ' +
          'They block matching zones at the edge (GET /v1/edge/blocklist; 451 with a Link to /court-orders/{id}/public) and catch matching zones added later. Idempotency-Key makes retries safe.',
        headers: z.looseObject({ 'idempotency-key': z.string().optional() }),
        body: checkedBody(LegalRequestBody),
        response: {
          201: LegalRequest.describe('Recorded'),
          200: LegalRequest.describe('A retry with the same Idempotency-Key: the request recorded before'),
          403: notStaff,
          422: errors('Invalid: every problem, by field'),
        },
      },
    },
    async (req, reply) => {
      const at = now();
      const v = validateLegalRequest(req.body, at);
      if (!v.ok) return reply.code(422).send({ errors: v.errors });
      const key = req.headers['idempotency-key'];
      const idempotencyKey = typeof key === 'string' && key.trim() ? key.trim().slice(0, 200) : null;
      const r = await createLegalRequest(ctx.legal, req.principal!.id, v.value, { idempotencyKey, requestHash: legalRequestHash(req.body), now: at });
      if (!r.ok) return sendFailure(reply, r);
      const view = await getLegalRequest(ctx.legal, r.value.id, at);
      reply.header('Location', `/v1/legal-requests/${r.value.id}`);
      return sendResult(reply, { ...r, value: view });
    },
  );

  app.get(
    '/v1/legal-requests',
    {
      ...staff,
      schema: {
        summary: 'Legal requests, nearest deadline first (staff only)',
        querystring: LegalListQuery,
        response: {
          200: z
            .object({ legal_requests: z.array(LegalRequest), total: z.number().int(), limit: z.number().int(), offset: z.number().int() })
            .describe('The requests'),
          403: notStaff,
          422: errors('Bad filter'),
        },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const states = (q.state ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const bad = states.filter((s) => !(LEGAL_REQUEST_STATES as readonly string[]).includes(s) && s !== 'open');
      if (bad.length)
        return reply
          .code(422)
          .send({ errors: [{ field: 'state', message: `unknown state ${bad.join(', ')}; use open or one or more of ${LEGAL_REQUEST_STATES.join(', ')}` }] });
      const { limit = 100, offset = 0 } = q;
      const wanted = [...new Set(states.flatMap((s) => (s === 'open' ? ['received', 'in_progress', 'objected'] : [s])))] as LegalRequestState[];
      const r = await listLegalRequests(ctx.store.db, { states: wanted, limit, offset }, now());
      return { legal_requests: r.rows, total: r.total, limit, offset };
    },
  );

  app.get(
    '/v1/legal-requests/:id',
    {
      ...staff,
      schema: {
        summary: 'One legal request: targets, customer notices, productions, block rules and the zones they caught, timeline (staff only)',
        params: IdParams,
        response: { 200: LegalRequest.describe('The request'), 403: notStaff, 404: errors('No such request') },
      },
    },
    async (req, reply) => {
      const view = await getLegalRequest(ctx.legal, req.params.id, now());
      return view ?? notFound(reply);
    },
  );

  app.post(
    '/v1/legal-requests/:id/productions',
    {
      ...staff,
      validatorCompiler: checkedBy((body) => validateProduction(body, now())),
      schema: {
        summary: 'Record what was produced (staff only); the customers concerned are told unless a non-disclosure order forbids it',
        description:
          'Allowed while the request is in_progress (or produced, for a supplement); the request becomes produced. Refused (409) while the customer has not yet been told. A retry with the same content records nothing new.',
        params: IdParams,
        body: checkedBody(ProductionBody),
        response: {
          201: z.object({ production_id: z.string(), state: z.enum(LEGAL_REQUEST_STATES), customers_notified: z.boolean() }).describe('Recorded'),
          200: z
            .object({ production_id: z.string(), state: z.enum(LEGAL_REQUEST_STATES), customers_notified: z.boolean() })
            .describe('Already recorded (a retry)'),
          403: notStaff,
          404: errors('No such request'),
          409: errors('Not in a state to produce, or the customer has not been told yet'),
          422: errors('Invalid: every problem, by field'),
        },
      },
    },
    async (req, reply) => {
      const at = now();
      const v = validateProduction(req.body, at);
      if (!v.ok) return reply.code(422).send({ errors: v.errors });
      const id = req.params.id;
      const r = await recordProduction(ctx.legal, req.principal!.id, id, v.value, at);
      return sendResult(reply, r, (p) => ({ production_id: p.productionId, state: p.state, customers_notified: p.messagesQueued }));
    },
  );

  app.post(
    '/v1/legal-requests/:id/state',
    {
      ...staff,
      schema: {
        summary: 'Move a legal request to another state (staff only)',
        description:
          'received → in_progress | objected | withdrawn; in_progress → objected | withdrawn; objected → in_progress | withdrawn | closed; produced | withdrawn → closed. Asking for the current state changes nothing.',
        params: IdParams,
        body: StateBody,
        response: {
          200: z.object({ state: z.enum(LEGAL_REQUEST_STATES), changed: z.boolean() }).describe('The state now'),
          403: notStaff,
          404: errors('No such request'),
          409: errors('Not a legal move from the current state'),
          422: errors('Bad note or state'),
        },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const r = await changeLegalRequestState(ctx.legal, req.principal!.id, req.params.id, b.state, b.note?.trim() || null, now());
      return sendResult(reply, r, (c) => ({ state: c.state, changed: c.changed }));
    },
  );

  app.post(
    '/v1/legal-requests/:id/block-rules/:ruleId/lift',
    {
      ...staff,
      schema: {
        summary: 'Lift a court order’s block rule (staff only): the edge stops blocking what it caught',
        params: RuleParams,
        body: LiftBody,
        response: {
          200: z.object({ lifted: z.literal(true), changed: z.boolean() }).describe('Lifted (changed: false when it already was)'),
          403: notStaff,
          404: errors('No such rule'),
          422: errors('No reason given'),
        },
      },
    },
    async (req, reply) => {
      const { id, ruleId } = req.params;
      const reason = (req.body as { reason?: unknown } | undefined)?.reason;
      const r = await liftBlockRule(ctx.store.db, req.principal!.id, id, ruleId, typeof reason === 'string' ? reason : '', now());
      return sendResult(reply, r, (l) => ({ lifted: true, changed: l.changed }));
    },
  );
}
