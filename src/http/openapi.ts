// The OpenAPI 3.1 description of the native and Cloudflare-compatible APIs. Request bodies come
// from the same zod schemas that validate them, so the document cannot drift from the code.
import { takedownPaths } from './openapi-takedown.ts';
import { REJECTION_REASONS, NOTE_MAX } from '../domain/review.ts';
import { MAX_POSITIONS, QUESTION_MAX } from '../services/item-review.ts';
import { z } from 'zod';
import { DmcaNoticeInputSchema, DMCA_STATEMENTS } from '../domain/notice.ts';
import { ITEM_STATES } from '../domain/item-state.ts';
import { NewPrincipalSchema } from './routes/admin.ts';
import { edgeOpenApiPaths } from './routes/edge.ts';
import { trustedOpenApiPaths } from './routes/trusted.ts';
import { legalOpenApiPaths } from '../legal/http/routes.ts';
import type { Config } from '../config.ts';

const jsonSchema = (s: z.ZodType) => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: unknown, description: string) => ({ description, content: { 'application/json': { schema } } });
const errors = (description: string) => json(ref('Errors'), description);
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const acctParam = {
  name: 'account_id',
  in: 'path',
  required: true,
  schema: { type: 'string' },
  description: 'Your account id (shown by `safeharbor token create` and GET /v1/me)',
};

export function openApiDocument(config: Config): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Safeharbor API',
      version: '1',
      description: `Notice-and-action API of ${config.providerName}. File copyright (DMCA) notices with any number of URLs and follow the status of every URL. Authenticate with "Authorization: Bearer <token>". Errors are {"errors":[{"field","message"}]} and list every problem at once.`,
    },
    servers: config.publicUrl ? [{ url: config.publicUrl }] : [],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        DmcaNoticeInput: {
          ...jsonSchema(DmcaNoticeInputSchema),
          description: `A copyright (DMCA §512(c)(3)) notice. At most ${config.maxUrlsPerNotice} URLs per notice. statements.good_faith_belief affirms: "${DMCA_STATEMENTS.good_faith_belief}" statements.accuracy_and_authority affirms: "${DMCA_STATEMENTS.accuracy_and_authority}"`,
        },
        NewPrincipal: jsonSchema(NewPrincipalSchema),
        Errors: {
          type: 'object',
          required: ['errors'],
          properties: {
            errors: {
              type: 'array',
              items: { type: 'object', required: ['field', 'message'], properties: { field: { type: 'string' }, message: { type: 'string' } } },
            },
          },
        },
        HostingProvider: {
          type: ['object', 'null'],
          properties: { name: { type: 'string' }, asn: { type: ['integer', 'null'] }, abuse_email: { type: ['string', 'null'] } },
        },
        Item: {
          type: 'object',
          properties: {
            position: { type: 'integer', description: '0-based position in the submitted list (after folding blanks and duplicates)' },
            submitted_url: { type: 'string' },
            url: { type: ['string', 'null'], description: 'Normalised URL; null when invalid' },
            state: { type: 'string', enum: [...ITEM_STATES] },
            reason: { type: ['string', 'null'] },
            zone: { type: ['string', 'null'] },
            hosting_provider: ref('HostingProvider'),
            internal: {
              type: 'object',
              description: 'Staff only: the account, mode and origin recorded when the notice was filed',
              properties: {
                account_id: { type: ['string', 'null'] },
                mode: { type: ['string', 'null'] },
                origin: { type: ['string', 'null'] },
                origin_ips: { type: ['array', 'null'], items: { type: 'string' } },
                origin_resolution: { type: ['string', 'null'] },
              },
            },
            updated_at: { type: 'string', format: 'date-time' },
          },
        },
        Notice: {
          type: 'object',
          properties: {
            id: { type: 'string', format: 'uuid' },
            kind: { type: 'string', enum: ['dmca'] },
            channel: { type: 'string' },
            status: { type: 'string', enum: ['received', 'processing', 'processed'] },
            created_at: { type: 'string', format: 'date-time' },
            processed_at: { type: ['string', 'null'], format: 'date-time' },
            progress: { type: 'object', properties: { items_total: { type: 'integer' }, items_resolved: { type: 'integer' } } },
            counts: { type: 'object', additionalProperties: { type: 'integer' } },
            items: { type: 'array', items: ref('Item') },
            items_page: {
              type: 'object',
              properties: { limit: { type: 'integer' }, next_after: { type: ['integer', 'null'] }, state: { type: ['string', 'null'] } },
            },
          },
        },
        Event: {
          type: 'object',
          properties: {
            id: { type: 'integer' },
            at: { type: 'string', format: 'date-time' },
            actor: { type: 'string' },
            type: { type: 'string' },
            subject: { type: 'object', properties: { type: { type: 'string' }, id: { type: 'string' } } },
            before: {},
            after: {},
            data: {},
          },
        },
      },
    },
    paths: {
      ...takedownPaths(),
      '/healthz': { get: { security: [], summary: 'Liveness: 200 when the server accepts work', responses: { '200': { description: 'ready' } } } },
      '/v1/notices': {
        post: {
          summary: 'File a copyright (DMCA) notice',
          parameters: [
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              schema: { type: 'string', maxLength: 255 },
              description: 'A retry with the same key and body returns the first notice (200) instead of filing another',
            },
          ],
          requestBody: { required: true, content: { 'application/json': { schema: ref('DmcaNoticeInput') } } },
          responses: {
            '201': json(
              ref('Notice'),
              'Filed. Notices with up to a thousand URLs are processed before the answer; larger ones are processed in the background (status "processing", see progress).',
            ),
            '200': json(ref('Notice'), 'Replay of an earlier request with the same Idempotency-Key'),
            '401': errors('No or bad token'),
            '409': errors('Idempotency-Key reused with a different body'),
            '413': errors('Body too large'),
            '422': errors('Invalid notice: every problem, by field'),
            '429': errors('Rate limit'),
          },
        },
        get: {
          summary: 'Your notices, newest first',
          parameters: [
            { name: 'status', in: 'query', schema: { type: 'string', enum: ['received', 'processing', 'processed'] } },
            { name: 'since', in: 'query', schema: { type: 'string', format: 'date-time' } },
            { name: 'until', in: 'query', schema: { type: 'string', format: 'date-time' } },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 } },
            { name: 'cursor', in: 'query', schema: { type: 'string' }, description: 'next_cursor of the previous page' },
          ],
          responses: {
            '200': json(
              { type: 'object', properties: { notices: { type: 'array', items: { type: 'object' } }, next_cursor: { type: ['string', 'null'] } } },
              'A page of notices',
            ),
            '422': errors('Bad filter'),
          },
        },
      },
      '/v1/notices/{id}': {
        get: {
          summary: 'A notice and a page of its items',
          parameters: [
            idParam,
            { name: 'items_after', in: 'query', schema: { type: 'integer' }, description: 'items_page.next_after of the previous page' },
            { name: 'items_limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 10000, default: 1000 } },
            { name: 'items_state', in: 'query', schema: { type: 'string', enum: [...ITEM_STATES] } },
          ],
          responses: { '200': json(ref('Notice'), 'The notice'), '404': errors('No such notice, or not yours') },
        },
      },
      '/v1/notices/{id}/events': {
        get: {
          summary: "The notice's timeline (append-only event log)",
          parameters: [
            idParam,
            { name: 'after', in: 'query', schema: { type: 'integer' } },
            { name: 'limit', in: 'query', schema: { type: 'integer', maximum: 5000, default: 200 } },
            { name: 'scope', in: 'query', schema: { type: 'string', enum: ['all', 'notice'] }, description: 'notice: leave out per-item events' },
          ],
          responses: {
            '200': json(
              { type: 'object', properties: { events: { type: 'array', items: ref('Event') }, next_after: { type: ['integer', 'null'] } } },
              'A page of events',
            ),
            '404': errors('No such notice, or not yours'),
          },
        },
      },
      '/v1/notices/{id}/review': {
        post: {
          summary: 'Staff decision on items: disable hosted content, or reject with a reason (staff only)',
          parameters: [idParam],
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['action'],
                  properties: {
                    action: { type: 'string', enum: ['disable', 'reject'] },
                    reason: { type: 'string', enum: Object.keys(REJECTION_REASONS), description: 'Required to reject' },
                    note: { type: 'string', maxLength: NOTE_MAX, description: 'Shown to the reporter; required with reason "other"' },
                    positions: {
                      type: 'array',
                      items: { type: 'integer', minimum: 0 },
                      maxItems: MAX_POSITIONS,
                      description: 'The items, by position (or give state)',
                    },
                    state: { type: 'string', enum: [...ITEM_STATES], description: 'Every item in this state (or give positions)' },
                  },
                },
              },
            },
          },
          responses: {
            '200': json(
              { type: 'object', properties: { changed: { type: 'array', items: { type: 'object' } }, skipped: { type: 'array', items: { type: 'object' } } } },
              'What changed, and what the decision did not apply to',
            ),
            '403': errors('Not staff'),
            '404': errors('No such notice'),
            '422': errors('Invalid decision'),
          },
        },
      },
      '/v1/notices/{id}/questions': {
        post: {
          summary: 'Ask the reporter for more information; mailed and put on the timeline (staff only)',
          parameters: [idParam],
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: { type: 'object', required: ['question'], properties: { question: { type: 'string', maxLength: QUESTION_MAX } } } },
            },
          },
          responses: {
            '201': json({ type: 'object' }, 'Sent'),
            '403': errors('Not staff'),
            '404': errors('No such notice'),
            '422': errors('Empty or too long'),
          },
        },
      },
      '/v1/principals': {
        post: {
          summary: 'Create a reporter (or staff member) and its API token (staff only)',
          requestBody: { required: true, content: { 'application/json': { schema: ref('NewPrincipal') } } },
          responses: {
            '201': json(
              { type: 'object', properties: { id: { type: 'string' }, account_id: { type: 'string' }, role: { type: 'string' }, token: { type: 'string' } } },
              'Created; the token is shown only now',
            ),
            '403': errors('Not staff'),
            '422': errors('Invalid'),
          },
        },
      },
      '/v1/zones/import': {
        post: {
          summary: 'Load or refresh zones (staff only): text/csv with account_id,account_name,account_email,zone,mode,origin',
          requestBody: { required: true, content: { 'text/csv': { schema: { type: 'string' } } } },
          responses: {
            '200': json({ type: 'object' }, 'Counts, and the rejected lines with their line numbers'),
            '415': errors('Not text/csv'),
            '422': errors(
              'The file cannot be read (not text, no header naming the columns, a quote left open, a line over 64 KB, empty): field "line N" and the problem; nothing was loaded',
            ),
          },
        },
      },
      '/v1/networks/import': {
        post: {
          summary: 'Load hosting-provider overrides (staff only): text/csv with cidr,asn,name,abuse_email',
          requestBody: { required: true, content: { 'text/csv': { schema: { type: 'string' } } } },
          responses: {
            '200': json({ type: 'object' }, 'Counts and rejected lines'),
            '413': errors('Larger than 64 MB'),
            '415': errors('Not text/csv'),
            '422': errors(
              'The file cannot be read (not text, no header naming the columns, a quote left open, a line over 64 KB, empty): field "line N" and the problem; nothing was loaded',
            ),
          },
        },
      },
      '/v1/netblocks/import': {
        post: {
          summary:
            'Load address-block assignments with history (staff only): text/csv with cidr,account_id,assigned_from,assigned_to (empty assigned_to = still assigned)',
          requestBody: { required: true, content: { 'text/csv': { schema: { type: 'string' } } } },
          responses: {
            '200': json({ type: 'object' }, 'Counts (added, changed, unchanged) and the rejected lines with their line numbers'),
            '413': errors('Larger than 64 MB'),
            '415': errors('Not text/csv'),
            '422': errors(
              'The file cannot be read (not text, no header naming the columns, a quote left open, a line over 64 KB, empty): field "line N" and the problem; nothing was loaded',
            ),
          },
        },
      },
      '/v1/network-reports': {
        get: {
          summary: 'Reports read from mail that name an IP address, port and time instead of URLs (ACNS, X-ARF/XARF), newest first (staff only)',
          parameters: [
            { name: 'state', in: 'query', schema: { type: 'string', enum: ['forwarded', 'not_on_network', 'kept_for_staff'] } },
            { name: 'account_id', in: 'query', schema: { type: 'string' } },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
          ],
          responses: {
            '200': json(
              { type: 'object' },
              '{network_reports: [{id, format, category, ip, port, observed_at, protocol, works, state, reason, account_id, …}]}',
            ),
            '422': errors('Bad filters'),
          },
        },
      },
      '/v1/outbox': {
        get: {
          summary:
            'Outgoing messages, newest first (staff only): recipient, subject, state and errors, never a body (sign-in and status links are for their recipient only)',
          parameters: [
            { name: 'status', in: 'query', schema: { type: 'string', enum: ['pending', 'sent', 'failed'] } },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 10000, default: 50 } },
          ],
          responses: { '200': json({ type: 'object' }, 'Messages') },
        },
      },
      ...edgeOpenApiPaths,
      ...trustedOpenApiPaths,
      ...legalOpenApiPaths,
      '/v1/me': { get: { summary: 'Who this token belongs to', responses: { '200': json({ type: 'object' }, 'The principal') } } },
      '/client/v4/accounts/{account_id}/abuse-reports/{report_type}': {
        post: {
          summary: "Cloudflare-compatible: submit an abuse report (abuse_dmca), body as Cloudflare's form",
          parameters: [acctParam, { name: 'report_type', in: 'path', required: true, schema: { type: 'string', enum: ['abuse_dmca'] } }],
          responses: {
            '200': json({ type: 'object', properties: { abuse_rand: { type: 'string' }, request: { type: 'object' }, result: { const: 'success' } } }, 'Filed'),
            '400': json(
              {
                type: 'object',
                properties: { error_code: { type: 'integer' }, msg: { type: 'string' }, request: { type: 'object' }, result: { const: 'error' } },
              },
              'Rejected, with every problem in msg',
            ),
          },
        },
      },
      '/client/v4/accounts/{account_id}/abuse-reports': {
        get: {
          summary: 'Cloudflare-compatible: list your reports ({success, errors, messages, result: {reports}, result_info})',
          parameters: [
            acctParam,
            ...['page', 'per_page', 'sort', 'domain', 'created_before', 'created_after', 'status', 'type'].map((name) => ({
              name,
              in: 'query',
              schema: { type: 'string' },
            })),
          ],
          responses: { '200': { description: 'A page of reports' } },
        },
      },
      '/client/v4/accounts/{account_id}/abuse-reports/{report_id}': {
        get: {
          summary: 'Cloudflare-compatible: one report',
          parameters: [acctParam, { name: 'report_id', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': { description: 'The report' }, '404': { description: 'Not found' } },
        },
      },
    },
  };
}
