// Legal process by API (staff only): record a subpoena, court order or other legal request with
// its targets (and a court order's domain block rules), list them deadlines first, read one, move
// it through its states, record what was produced, lift a block rule.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppContext } from '../../http/context.ts';
import { requireRole } from '../../http/auth.ts';
import { sendFailure, sendResult } from '../../http/reply.ts';
import { notFound as noSuchRequest } from '../../services/result.ts';
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

const notFound = (reply: FastifyReply) => sendFailure(reply, noSuchRequest('id', 'no such legal request'));

export async function legalRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const now = () => ctx.lifecycle.now();
  const staff = { preHandler: requireRole('staff') };

  app.post('/v1/legal-requests', staff, async (req, reply) => {
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
  });

  app.get('/v1/legal-requests', staff, async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const states = (q.state ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const bad = states.filter((s) => !(LEGAL_REQUEST_STATES as readonly string[]).includes(s) && s !== 'open');
    const errors = bad.length
      ? [{ field: 'state', message: `unknown state ${bad.join(', ')}; use open or one or more of ${LEGAL_REQUEST_STATES.join(', ')}` }]
      : [];
    const limit = q.limit === undefined ? 100 : Number(q.limit);
    const offset = q.offset === undefined ? 0 : Number(q.offset);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) errors.push({ field: 'limit', message: 'must be a whole number from 1 to 500' });
    if (!Number.isInteger(offset) || offset < 0) errors.push({ field: 'offset', message: 'must be a whole number ≥ 0' });
    if (errors.length) return reply.code(422).send({ errors });
    const wanted = [...new Set(states.flatMap((s) => (s === 'open' ? ['received', 'in_progress', 'objected'] : [s])))] as LegalRequestState[];
    const r = await listLegalRequests(ctx.store.db, { states: wanted, limit, offset }, now());
    return { legal_requests: r.rows, total: r.total, limit, offset };
  });

  app.get('/v1/legal-requests/:id', staff, async (req, reply) => {
    const view = await getLegalRequest(ctx.legal, (req.params as { id: string }).id, now());
    return view ?? notFound(reply);
  });

  app.post('/v1/legal-requests/:id/productions', staff, async (req, reply) => {
    const at = now();
    const v = validateProduction(req.body, at);
    if (!v.ok) return reply.code(422).send({ errors: v.errors });
    const id = (req.params as { id: string }).id;
    const r = await recordProduction(ctx.legal, req.principal!.id, id, v.value, at);
    return sendResult(reply, r, (p) => ({ production_id: p.productionId, state: p.state, customers_notified: p.messagesQueued }));
  });

  app.post('/v1/legal-requests/:id/state', staff, async (req, reply) => {
    const b = (req.body ?? {}) as { state?: unknown; note?: unknown };
    if (b.note !== undefined && (typeof b.note !== 'string' || b.note.length > 4000))
      return reply.code(422).send({ errors: [{ field: 'note', message: 'must be text of at most 4000 characters' }] });
    const r = await changeLegalRequestState(
      ctx.legal,
      req.principal!.id,
      (req.params as { id: string }).id,
      b.state,
      (b.note as string | undefined)?.trim() || null,
      now(),
    );
    return sendResult(reply, r, (c) => ({ state: c.state, changed: c.changed }));
  });

  app.post('/v1/legal-requests/:id/block-rules/:ruleId/lift', staff, async (req, reply) => {
    const { id, ruleId } = req.params as { id: string; ruleId: string };
    const reason = (req.body as { reason?: unknown } | undefined)?.reason;
    const r = await liftBlockRule(ctx.store.db, req.principal!.id, id, ruleId, typeof reason === 'string' ? reason : '', now());
    return sendResult(reply, r, (l) => ({ lifted: true, changed: l.changed }));
  });
}

const errs = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Errors' } } } });
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const dateOrDateTime = { type: 'string', description: 'YYYY-MM-DD or an ISO 8601 date-time with offset' };
const legalRequestSchema = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    type: { enum: [...LEGAL_REQUEST_TYPES] },
    state: { enum: [...LEGAL_REQUEST_STATES] },
    authority: { type: 'string' },
    case_number: { type: 'string' },
    requesting_party: { type: 'string' },
    received_at: { type: 'string', format: 'date-time' },
    deadline: { type: ['string', 'null'], format: 'date-time' },
    overdue: { type: 'boolean' },
    non_disclosure_order: { type: 'boolean' },
    targets: { type: 'integer', description: 'How many targets the request names' },
    target_list: {
      type: 'array',
      items: { type: 'object', description: 'A domain or account id as named, and the zone/account we held under it when the request arrived (null: none)' },
    },
    customer_notice: {
      type: 'object',
      properties: { decision: { enum: ['notify', 'withhold'] }, at: { type: ['string', 'null'] }, reason: { type: ['string', 'null'] } },
    },
    productions: { type: 'array', items: { type: 'object' } },
    notices_sent: { type: 'array', items: { type: 'object' } },
    block_rules: { type: 'array', items: { type: 'object', description: 'Court orders: each rule, whether it is in force, and the zones it caught' } },
    next_states: { type: 'array', items: { enum: [...LEGAL_REQUEST_STATES] } },
    events: { type: 'array', items: { type: 'object' } },
  },
};

/** For src/http/openapi.ts. */
export const legalOpenApiPaths = {
  '/v1/legal-requests': {
    post: {
      summary: 'Record a subpoena, court order, law-enforcement or other legal request (staff only)',
      description:
        'Targets (domains and/or account ids) are resolved to the zones and accounts held when the request arrives. The customers concerned are told through the outbox before anything is produced, unless the request carries a non-disclosure order. ' +
        'A court order may carry domain block rules: "name.example" (the name and every name under it), "=name.example" (that name only), "*.name.example" (names under it), "name.*" (the name under any public suffix). ' +
        'They block matching zones at the edge (GET /v1/edge/blocklist; 451 with a Link to /court-orders/{id}/public) and catch matching zones added later. Idempotency-Key makes retries safe.',
      parameters: [{ name: 'Idempotency-Key', in: 'header', schema: { type: 'string' } }],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['type', 'authority', 'case_number', 'requesting_party'],
              properties: {
                type: { enum: [...LEGAL_REQUEST_TYPES] },
                authority: { type: 'string', description: 'The issuing court or authority' },
                case_number: { type: 'string' },
                requesting_party: { type: 'string' },
                received_at: { ...dateOrDateTime, description: 'Default: now' },
                deadline: { ...dateOrDateTime, description: 'Required for subpoenas and law-enforcement requests; a date means the end of that day (UTC)' },
                targets: {
                  type: 'object',
                  properties: { domains: { type: 'array', items: { type: 'string' } }, accounts: { type: 'array', items: { type: 'string' } } },
                },
                notes: { type: 'string' },
                document_ref: { type: 'string', description: 'Where the document itself is kept' },
                non_disclosure_order: { type: 'boolean' },
                non_disclosure_until: dateOrDateTime,
                block_rules: { type: 'array', items: { type: 'string' }, description: 'Court orders only' },
                block_ends_at: { ...dateOrDateTime, description: 'When the block rules end (lifted automatically)' },
              },
            },
          },
        },
      },
      responses: {
        '201': { description: 'Recorded', content: { 'application/json': { schema: legalRequestSchema } } },
        '200': {
          description: 'A retry with the same Idempotency-Key: the request recorded before',
          content: { 'application/json': { schema: legalRequestSchema } },
        },
        '403': errs('Not staff'),
        '422': errs('Invalid: every problem, by field'),
      },
    },
    get: {
      summary: 'Legal requests, nearest deadline first (staff only)',
      parameters: [
        {
          name: 'state',
          in: 'query',
          schema: { type: 'string' },
          description: `"open" (received, in_progress, objected) or a comma-separated list of ${LEGAL_REQUEST_STATES.join(', ')}`,
        },
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500, default: 100 } },
        { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 } },
      ],
      responses: {
        '200': {
          description: 'The requests',
          content: {
            'application/json': {
              schema: { type: 'object', properties: { legal_requests: { type: 'array', items: legalRequestSchema }, total: { type: 'integer' } } },
            },
          },
        },
        '403': errs('Not staff'),
        '422': errs('Bad filter'),
      },
    },
  },
  '/v1/legal-requests/{id}': {
    get: {
      summary: 'One legal request: targets, customer notices, productions, block rules and the zones they caught, timeline (staff only)',
      parameters: [idParam],
      responses: {
        '200': { description: 'The request', content: { 'application/json': { schema: legalRequestSchema } } },
        '403': errs('Not staff'),
        '404': errs('No such request'),
      },
    },
  },
  '/v1/legal-requests/{id}/productions': {
    post: {
      summary: 'Record what was produced (staff only); the customers concerned are told unless a non-disclosure order forbids it',
      description:
        'Allowed while the request is in_progress (or produced, for a supplement); the request becomes produced. Refused (409) while the customer has not yet been told. A retry with the same content records nothing new.',
      parameters: [idParam],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['fields'],
              properties: {
                fields: { type: 'array', items: { enum: [...PRODUCTION_FIELDS] } },
                produced_at: { ...dateOrDateTime, description: 'Default: now' },
                payment_reference: {
                  type: 'string',
                  description: 'Where the produced payment details are on record (required with payment_details; never a card number)',
                },
                ip_addresses: { type: 'array', items: { type: 'string' }, description: 'Required with ip_addresses' },
                accounts: { type: 'array', items: { type: 'string' }, description: 'Which of the resolved target accounts (default: all)' },
                note: { type: 'string' },
              },
            },
          },
        },
      },
      responses: {
        '201': { description: 'Recorded' },
        '200': { description: 'Already recorded (a retry)' },
        '403': errs('Not staff'),
        '404': errs('No such request'),
        '409': errs('Not in a state to produce, or the customer has not been told yet'),
        '422': errs('Invalid: every problem, by field'),
      },
    },
  },
  '/v1/legal-requests/{id}/state': {
    post: {
      summary: 'Move a legal request to another state (staff only)',
      description:
        'received → in_progress | objected | withdrawn; in_progress → objected | withdrawn; objected → in_progress | withdrawn | closed; produced | withdrawn → closed. Asking for the current state changes nothing.',
      parameters: [idParam],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: { type: 'object', required: ['state'], properties: { state: { enum: [...LEGAL_REQUEST_STATES] }, note: { type: 'string' } } },
          },
        },
      },
      responses: {
        '200': { description: 'The state now' },
        '403': errs('Not staff'),
        '404': errs('No such request'),
        '409': errs('Not a legal move from the current state'),
      },
    },
  },
  '/v1/legal-requests/{id}/block-rules/{ruleId}/lift': {
    post: {
      summary: 'Lift a court order’s block rule (staff only): the edge stops blocking what it caught',
      parameters: [idParam, { name: 'ruleId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
      requestBody: {
        required: true,
        content: { 'application/json': { schema: { type: 'object', required: ['reason'], properties: { reason: { type: 'string' } } } } },
      },
      responses: {
        '200': { description: 'Lifted (changed: false when it already was)' },
        '403': errs('Not staff'),
        '404': errs('No such rule'),
        '422': errs('No reason given'),
      },
    },
  },
};
