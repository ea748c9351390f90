// The OpenAPI paths of the takedown lifecycle and the repeat-infringer policy (merged into
// openapi.ts' document).
import { COUNTER_NOTICE_REASONS, COUNTER_NOTICE_STATEMENTS, COURT_ACTION_STATEMENT } from '../domain/counter-notice.ts';
import { STAFF_LIFECYCLE_COMMANDS, STAFF_REASON_MAX } from '../domain/staff-lifecycle-commands.ts';
import { MAX_POSITIONS } from '../services/item-review.ts';

const json = (schema: unknown, description: string) => ({ description, content: { 'application/json': { schema } } });
const errors = (description: string) => json({ $ref: '#/components/schemas/Errors' }, description);
const idParam = (format?: string) => ({ name: 'id', in: 'path', required: true, schema: { type: 'string', ...(format ? { format } : {}) } });
const sworn = (text: string) => ({ type: 'boolean', const: true, description: text });
const body = (schema: unknown) => ({ required: true, content: { 'application/json': { schema } } });
const urls = (description: string) => ({ type: 'array', items: { type: 'string' }, description });

const filingResult = json(
  {
    type: 'object',
    properties: {
      id: { type: 'string', format: 'uuid', description: 'The filing; the same filing sent again answers 200 with the same id' },
      changed: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            position: { type: 'integer' },
            url: { type: 'string' },
            from: { type: 'string' },
            to: { type: 'string' },
            lifecycle: { type: ['string', 'null'] },
          },
        },
      },
      unchanged: { type: 'array', items: { type: 'object' } },
      refused: {
        type: 'array',
        items: {
          type: 'object',
          properties: { position: { type: 'integer' }, url: { type: 'string' }, state: { type: 'string' }, code: { type: 'string' }, why: { type: 'string' } },
        },
      },
    },
  },
  'Recorded (201), or recorded before (200)',
);
const filingErrors = {
  '401': errors('No token'),
  '403': errors('Wrong role'),
  '404': errors('No such notice, or not yours'),
  '409': errors('No URL is in a state this applies to (e.g. not disabled, already restored); every refusal by URL'),
  '422': errors('Invalid: every problem, by field'),
};

export function takedownPaths(): Record<string, unknown> {
  return {
    '/v1/notices/{id}/counter-notice': {
      post: {
        summary:
          "Counter notice (17 U.S.C. §512(g)(3)) by the customer whose content was disabled (customer role; the account's own URLs only). The complainant receives a copy and the restore date.",
        parameters: [idParam('uuid')],
        requestBody: body({
          type: 'object',
          required: ['material', 'statements', 'subscriber', 'signature'],
          properties: {
            material: {
              type: 'object',
              required: ['urls'],
              properties: { urls: urls('URLs of the notice on your sites'), description: { type: 'string', maxLength: 5000 } },
            },
            statements: {
              type: 'object',
              required: Object.keys(COUNTER_NOTICE_STATEMENTS),
              properties: Object.fromEntries(Object.entries(COUNTER_NOTICE_STATEMENTS).map(([k, v]) => [k, sworn(v)])),
            },
            subscriber: {
              type: 'object',
              required: ['name', 'address', 'country', 'phone'],
              properties: {
                name: { type: 'string' },
                company: { type: 'string' },
                address: { type: 'string' },
                country: { type: 'string', description: 'ISO 3166-1 alpha-2' },
                phone: { type: 'string' },
                email: { type: 'string', format: 'email' },
              },
            },
            reason: { type: 'string', enum: Object.keys(COUNTER_NOTICE_REASONS) },
            explanation: { type: 'string', maxLength: 5000, description: 'Required with reason "other"' },
            signature: { type: 'string', description: 'Your full name, as in subscriber.name' },
          },
        }),
        responses: { '200': filingResult, '201': filingResult, ...filingErrors },
      },
    },
    '/v1/notices/{id}/court-action': {
      post: {
        summary: 'Notice of court action (§512(g)(2)(C)) by the complainant who filed the notice (or staff): the content stays disabled',
        parameters: [idParam('uuid')],
        requestBody: body({
          type: 'object',
          required: ['court', 'case_number', 'filed_on', 'statement', 'signer_name', 'signature'],
          properties: {
            court: { type: 'string' },
            case_number: { type: 'string' },
            filed_on: { type: 'string', format: 'date' },
            urls: urls('Omitted: every URL with a pending counter notice'),
            document_url: { type: 'string', format: 'uri' },
            statement: sworn(COURT_ACTION_STATEMENT),
            signer_name: { type: 'string' },
            signature: { type: 'string' },
          },
        }),
        responses: { '200': filingResult, '201': filingResult, ...filingErrors },
      },
    },
    '/v1/notices/{id}/retraction': {
      post: {
        summary: 'Retraction by the complainant who filed the notice (or staff): disabled content is restored and the strike removed',
        parameters: [idParam('uuid')],
        requestBody: body({
          type: 'object',
          required: ['signature'],
          properties: {
            urls: urls('Omitted or empty: the whole notice'),
            reason: { type: 'string' },
            signature: { type: 'string', description: "The complainant's name as in the notice" },
          },
        }),
        responses: { '200': filingResult, '201': filingResult, ...filingErrors },
      },
    },
    '/v1/notices/{id}/items/lifecycle': {
      post: {
        summary:
          "Staff act by hand on URLs' takedown lifecycle (staff only): restore once the counter-notice waiting period is over (needed when the policy's automaticRestore is false; restoring and a recorded withdrawal close the case), record the complainant's withdrawal, close a case, notify the customer. The same state machine and messages as the automatic steps: a restore tells the customer and the complainant exactly what the background restore tells them, and takes the URL off the edge blocklist. One transaction, all or nothing; repeating it changes nothing (unchanged).",
        parameters: [idParam('uuid')],
        requestBody: body({
          type: 'object',
          required: ['positions', 'command', 'reason'],
          properties: {
            positions: { type: 'array', items: { type: 'integer', minimum: 0 }, minItems: 1, maxItems: MAX_POSITIONS, description: 'The items, by position' },
            command: {
              type: 'string',
              enum: [...STAFF_LIFECYCLE_COMMANDS],
              description:
                'restore: after the counter notice and its waiting period; retract: the complainant withdrew (e.g. told staff by phone); close: nothing pending; notify_customer: tell the customer of a takedown',
            },
            reason: {
              type: 'string',
              minLength: 1,
              maxLength: STAFF_REASON_MAX,
              description: "Why staff act by hand; kept on the case's timeline (not shown to the complainant)",
            },
          },
        }),
        responses: {
          '200': json(
            {
              type: 'object',
              properties: {
                step_id: { type: 'string', format: 'uuid' },
                command: { type: 'string' },
                changed: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: {
                      position: { type: 'integer' },
                      url: { type: 'string' },
                      from: { type: 'string' },
                      to: { type: 'string' },
                      lifecycle: { type: ['string', 'null'] },
                    },
                  },
                },
                unchanged: {
                  type: 'array',
                  items: { type: 'object', properties: { position: { type: 'integer' }, url: { type: 'string' }, note: { type: 'string' } } },
                  description: 'Already done (a retry): nothing changed, nobody told',
                },
                refused: { type: 'array', maxItems: 0, items: { type: 'object' } },
              },
            },
            'Applied',
          ),
          '401': errors('No token'),
          '403': errors('Not staff'),
          '404': errors('No such notice'),
          '409': json(
            {
              type: 'object',
              properties: {
                errors: {
                  type: 'array',
                  items: { type: 'object', required: ['field', 'message'], properties: { field: { type: 'string' }, message: { type: 'string' } } },
                },
                refused: {
                  type: 'array',
                  items: {
                    type: 'object',
                    properties: {
                      position: { type: 'integer' },
                      url: { type: 'string' },
                      state: { type: 'string' },
                      code: { type: 'string', description: 'too_early, not_allowed, not_in_lifecycle, …' },
                      why: { type: 'string' },
                    },
                  },
                },
              },
            },
            'The state machine refuses the command for these items (e.g. the waiting period has not passed, a court action was filed); nothing was changed',
          ),
          '422': errors('Bad command, positions (also: no such position) or missing reason, by field'),
        },
      },
    },
    '/v1/accounts/review-queue': {
      get: {
        summary: 'Accounts at or over the review threshold of the repeat-infringer policy (staff only)',
        responses: {
          '200': json(
            { type: 'object', properties: { policy: { type: 'object' }, accounts: { type: 'array', items: { type: 'object' } } } },
            'The queue, most strikes first',
          ),
          '403': errors('Not staff'),
        },
      },
    },
    '/v1/accounts/{id}/strikes': {
      get: {
        summary: "An account's standing under the repeat-infringer policy (staff only)",
        parameters: [idParam()],
        responses: { '200': json({ type: 'object' }, 'Counted strikes, level, expiries'), '403': errors('Not staff'), '404': errors('No such account') },
      },
    },
    '/v1/accounts/{id}/terminate': {
      post: {
        summary:
          'Terminate a repeat infringer (staff only): every zone terminated (blocked at the edge), e-mail and zones on the sign-up blocklist, customer told',
        parameters: [idParam()],
        requestBody: body({ type: 'object', required: ['reason'], properties: { reason: { type: 'string', maxLength: 2000 } } }),
        responses: {
          '200': json(
            {
              type: 'object',
              properties: { account_id: { type: 'string' }, changed: { type: 'boolean' }, zones: { type: 'array', items: { type: 'string' } } },
            },
            'Terminated (changed false: already)',
          ),
          '403': errors('Not staff'),
          '404': errors('No such account'),
          '422': errors('No reason'),
        },
      },
    },
    '/v1/accounts/{id}/reinstate': {
      post: {
        summary: 'Reinstate a terminated account (staff only): zones served again, blocklist entries removed, customer told',
        parameters: [idParam()],
        requestBody: body({ type: 'object', required: ['reason'], properties: { reason: { type: 'string', maxLength: 2000 } } }),
        responses: {
          '200': json({ type: 'object' }, 'Reinstated (changed false: was not terminated)'),
          '403': errors('Not staff'),
          '404': errors('No such account'),
          '422': errors('No reason'),
        },
      },
    },
  };
}
