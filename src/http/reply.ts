// The one mapping of service results (services/result.ts) to HTTP: status codes and the
// documented error bodies of the JSON API ({"errors":[{field,message}]}) and of the
// Cloudflare-compatible envelope ({success,errors:[{code,message}],messages,result}).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RequestValidationError } from './schemas.ts';
import { failureErrors, type Failure, type FailureKind, type Result } from '../services/result.ts';

export const FAILURE_STATUS: Record<FailureKind, 404 | 422 | 409 | 403> = {
  not_found: 404,
  invalid: 422,
  conflict: 409,
  forbidden: 403,
};

/** The JSON API's error body for a failure. */
export function failureBody(f: Failure): Record<string, unknown> {
  const body: Record<string, unknown> = { errors: failureErrors(f) };
  if (f.error === 'forbidden') body.reason = f.reason;
  if (f.error === 'conflict' && f.details) Object.assign(body, f.details);
  return body;
}

/** A failure as the JSON API answers it. */
export function sendFailure(reply: FastifyReply, f: Failure) {
  return reply.code(FAILURE_STATUS[f.error]).send(failureBody(f));
}

/**
 * A result as the JSON API answers it: the value (shaped by `body`) with 201 when created, else
 * 200; a failure with its status and error body.
 */
export function sendResult<T>(reply: FastifyReply, r: Result<T>, body: (value: T) => unknown = (v) => v) {
  if (!r.ok) return sendFailure(reply, r);
  return reply.code(r.created ? 201 : 200).send(body(r.value));
}

/** A failure in the Cloudflare v4 envelope: Cloudflare puts the HTTP status in each error's code. */
export function cloudflareFailureBody(f: Failure) {
  const code = FAILURE_STATUS[f.error];
  return {
    success: false,
    errors: failureErrors(f).map((e) => ({ code, message: e.field.startsWith('(') ? e.message : `${e.field}: ${e.message}` })),
    messages: [],
    result: null,
  };
}

export function sendCloudflareResult<T>(reply: FastifyReply, r: Result<T>, result: (value: T) => unknown = (v) => v) {
  if (!r.ok) return reply.code(FAILURE_STATUS[r.error]).send(cloudflareFailureBody(r));
  return reply.code(200).send({ success: true, errors: [], messages: [], result: result(r.value) });
}

/**
 * A request that failed its route's schema, answered in the shape of the API it called: a path
 * param that is not an id of the right form names nothing (404), anything else is 422 with every
 * problem by field; under /client/v4, Cloudflare's envelope (1004: not found, 1001: bad input).
 */
export function validationFailure(req: FastifyRequest, reply: FastifyReply, err: RequestValidationError) {
  const notFound = err.part === 'params';
  const status = notFound ? 404 : 422;
  if (req.url.startsWith('/client/v4/')) {
    const code = notFound ? 1004 : 1001;
    return reply.code(notFound ? 404 : 400).send({ success: false, errors: err.errors.map((e) => ({ code, message: e.message })), messages: [], result: null });
  }
  return reply.code(status).send({ errors: err.errors });
}
