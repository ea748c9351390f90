// What a service answers, whatever carries the request (JSON API, Cloudflare-compatible API, web
// page, mail intake, CLI). Services never speak HTTP: they say what happened in these words, and
// each transport maps them once (http/reply.ts for the JSON and Cloudflare envelopes, the web
// pages for forms).
import type { FieldError } from '../domain/notice.ts';

export type { FieldError };

/** Why a command was not carried out. */
export type Failure =
  /** The subject does not exist, or the caller may not know it exists (another reporter's notice). */
  | { ok: false; error: 'not_found'; field: string; message: string }
  /** The input is wrong: every problem, by field. Nothing was changed. */
  | { ok: false; error: 'invalid'; errors: FieldError[] }
  /** The input is well formed, but the subject's state does not allow it now. Nothing was changed. */
  | { ok: false; error: 'conflict'; errors: FieldError[]; details?: Record<string, unknown> }
  /** The caller is known but not entitled (a policy's reason, e.g. `not_trusted`); `field` names what was refused. */
  | { ok: false; error: 'forbidden'; reason: string; message: string; field: string };

export type FailureKind = Failure['error'];

/** Done. `created` when this call made something new (a retry of the same call is not `created`). */
export type Success<T> = { ok: true; value: T; created?: boolean };

export type Result<T> = Success<T> | Failure;

export const ok = <T>(value: T, created = false): Success<T> => ({ ok: true, value, created });
export const notFound = (field: string, message: string): Failure => ({ ok: false, error: 'not_found', field, message });
export const invalid = (errors: FieldError[]): Failure => ({ ok: false, error: 'invalid', errors });
export const invalidField = (field: string, message: string): Failure => invalid([{ field, message }]);
export const conflict = (errors: FieldError[], details?: Record<string, unknown>): Failure => ({ ok: false, error: 'conflict', errors, details });
export const forbidden = (reason: string, message: string, field = '(principal)'): Failure => ({
  ok: false,
  error: 'forbidden',
  reason,
  message,
  field,
});

/** The field errors of any failure, as a form or an envelope lists them. */
export function failureErrors(f: Failure): FieldError[] {
  switch (f.error) {
    case 'not_found':
      return [{ field: f.field, message: f.message }];
    case 'invalid':
    case 'conflict':
      return f.errors;
    case 'forbidden':
      return [{ field: f.field, message: f.message }];
  }
}
