// The pieces every route declaration is made of: Fastify validates params, query and body with
// these zod schemas (validatorCompiler), and /openapi.json is generated from the same
// declarations (openapi.ts). A failed validation becomes one RequestValidationError, which the
// app's error handler answers in the shape of the API that was called (app.ts, validationReply).
import type { FastifySchemaCompiler, FastifyTypeProvider } from 'fastify';
import type { FastifyRouteSchemaDef } from 'fastify/types/schema.js';
import { z } from 'zod';
import { zodErrors, type FieldError } from '../domain/notice.ts';

/** A request that did not match its route's schema: every problem, by field, at once. */
export class RequestValidationError extends Error {
  readonly statusCode = 400;
  readonly code = 'FST_ERR_VALIDATION';
  constructor(
    readonly part: 'params' | 'querystring' | 'body' | 'headers',
    readonly errors: FieldError[],
  ) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join('; '));
  }
}

export type BodyCheck = (body: unknown) => { ok: true } | { ok: false; errors: FieldError[] };

/**
 * Handlers see params, query, body and headers as their schemas parse them. Responses are typed
 * by the services that build them: the response schemas document those shapes for the
 * document and do not filter what is sent.
 */
export interface ZodRequests extends FastifyTypeProvider {
  validator: this['schema'] extends z.ZodType ? z.output<this['schema']> : unknown;
  serializer: unknown;
}

/** Bodies whose validation also needs something beside the schema: see checkedBy and validatedInService. */
const ACCEPTED_AS_IS = new WeakSet<z.ZodType>();

/**
 * A body whose rules need what only its service knows (the notice the path names and its URLs,
 * the claimant's name): the route declares the domain's schema for the document, and the domain
 * function the service calls validates it there, in one place. Unknown to the handler.
 */
export function validatedInService(schema: z.ZodType): z.ZodType<unknown> {
  const own = schema.meta({}); // its own copy: the schema itself still validates elsewhere
  ACCEPTED_AS_IS.add(own);
  return own;
}

/** The body schema of a route validated by checkedBy: shown in the document; unknown to the handler. */
export const checkedBody = (schema: z.ZodType): z.ZodType<unknown> => schema;

export const validatorCompiler: FastifySchemaCompiler<z.ZodType> = ({ schema, httpPart }) => {
  const part = (httpPart ?? 'body') as RequestValidationError['part'];
  if (ACCEPTED_AS_IS.has(schema)) return (data) => ({ value: data });
  return (data) => {
    const r = schema.safeParse(data);
    if (r.success) return { value: r.data };
    const errors = zodErrors(r.error);
    // Headers arrive in lower case; errors name them as the documentation spells them.
    if (part === 'headers') for (const e of errors) e.field = e.field.replace(/(^|-)[a-z]/g, (c) => c.toUpperCase());
    return { error: new RequestValidationError(part, errors) };
  };
};

/**
 * A route's validator when its body is checked by the service's own validation, which runs its
 * zod schema and more (a notice's URL limit, checked before the schema runs on 100,000 entries,
 * and every unusable URL listed beside the schema's own problems; the time a legal request is
 * received): the route declares the schema (checkedBody; the document shows it), Fastify
 * validates the body with `check`, so a 422 lists every problem at once, with the service's
 * messages. Params, query and headers are validated by their schemas as everywhere.
 */
export function checkedBy<S>(check: BodyCheck): FastifySchemaCompiler<S> {
  // Fastify types a route's own compiler over the route's whole schema; each part is a zod schema.
  return (route) =>
    route.httpPart === 'body'
      ? (data) => {
          const r = check(data);
          return r.ok ? { value: data } : { error: new RequestValidationError('body', r.errors) };
        }
      : validatorCompiler(route as unknown as FastifyRouteSchemaDef<z.ZodType>);
}

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export const isUuid = (s: string) => UUID.test(s);

/** A UUID in any letter case, read in lower case (ids are stored so). */
export const Uuid = (field = 'id', message: string | ((input: string) => string) = `${field} must be a UUID such as 0b6e3c2a-4f1d-4a8e-9c3b-2d7e5f6a1b2c`) =>
  z
    .string()
    .regex(UUID, { error: (iss) => (typeof message === 'string' ? message : message(String(iss.input))) })
    .transform((s) => s.toLowerCase())
    .meta({ type: 'string', format: 'uuid' });

/** Path params of a route that names one thing by its UUID. */
export const IdParams = z.object({ id: Uuid() });

const blankIsAbsent = (v: unknown) => (v === '' ? undefined : v);

/** A query number ≥ `min` (and ≤ `max`), absent when blank; messages name the parameter. */
export const wholeNumber = (field: string, opts: { min?: number; max?: number; message?: string } = {}) => {
  const min = opts.min ?? 0;
  const message =
    opts.message ?? (opts.max === undefined ? `${field} must be a whole number ≥ ${min}` : `${field} must be a whole number from ${min} to ${opts.max}`);
  const n = z.coerce.number({ error: message }).int(message).min(min, message);
  return z.preprocess(blankIsAbsent, (opts.max === undefined ? n : n.max(opts.max, message)).optional());
};

/** A query date or date-time, absent when blank. */
export const dateQuery = (field: string) =>
  z.preprocess(
    blankIsAbsent,
    z.coerce
      .date({ error: `${field} must be a date or time such as 2026-11-01 or 2026-11-01T12:00:00Z` })
      .optional()
      .meta({ type: 'string', format: 'date-time' }),
  );

/** One of `values`, with the message the API has always given. */
export const oneOf = <const T extends readonly [string, ...string[]]>(values: T, message: string) => z.enum(values, { error: message });

/** The JSON API's error body. */
export const Errors = z
  .object({ errors: z.array(z.object({ field: z.string(), message: z.string() })) })
  .meta({ id: 'Errors', description: 'Every problem at once, by field' });

/** The Cloudflare v4 envelope of a failure. */
export const CloudflareErrors = z
  .object({
    success: z.literal(false),
    errors: z.array(z.object({ code: z.number().int(), message: z.string() })),
    messages: z.array(z.unknown()),
    result: z.null(),
  })
  .meta({ id: 'CloudflareErrors' });

/** An error response: the JSON API's body with what this status means here. */
export const errors = (description: string) => Errors.describe(description);

/** A JSON object response described in words (the shape is the services' view). */
export const described = (description: string) => z.looseObject({}).describe(description);

/** An empty response (204, 304). */
export const empty = (description: string) => z.null().describe(description);

/** A text/csv body read as a stream by its handler (a million-line file is never held whole). */
export const csvStream = (description: string): z.ZodType<unknown> => validatedInService(z.string().describe(description));

// Web pages read their address with these. A page never answers a validation error: what it
// cannot use is absent, and the page answers as it always has (its own 404 page, the default
// filter, its form with errors beside the fields). Unknown query keys are kept.
const pageText = z.string().optional().catch(undefined);

/** A web page's query: the named keys as text when given once, else absent. */
export const pageQuery = <const K extends string>(...keys: K[]) =>
  z.looseObject(Object.fromEntries(keys.map((k) => [k, pageText])) as Record<K, typeof pageText>);

/** A web page's path params, as text. */
export const pageParams = <const K extends string>(...keys: K[]) => z.object(Object.fromEntries(keys.map((k) => [k, z.string()])) as Record<K, z.ZodString>);

/** A web page's UUID param: the id in lower case, or absent (the page answers 404). */
export const pageUuid = Uuid().optional().catch(undefined);
