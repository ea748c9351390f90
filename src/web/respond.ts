// How every page leaves the server: HTML with the headers that keep its URL and content private.
import type { FastifyReply } from 'fastify';
import type { JSX } from 'hono/jsx/jsx-runtime';
import { failureErrors, type Failure, type FieldError } from '../services/result.ts';
import { FAILURE_STATUS } from '../http/reply.ts';

export function html(reply: FastifyReply, status: number, page: JSX.Element) {
  return (
    reply
      .code(status)
      .type('text/html; charset=utf-8')
      // Status pages' URLs are secrets and console pages name parties: never send them on as a Referer.
      .header('Referrer-Policy', 'no-referrer')
      .header(
        'Content-Security-Policy',
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
      )
      .header('X-Content-Type-Options', 'nosniff')
      .header('Cache-Control', 'no-store')
      .send(`<!doctype html>${String(page)}`)
  );
}

/**
 * The one mapping of a service failure to a page (the JSON API's is http/reply.ts): a subject
 * that does not exist is the page's 404; any other failure shows the form again with its field
 * errors, at the failure's status.
 */
export function pageForFailure<T>(f: Failure, pages: { notFound: () => T; form: (status: number, errors: FieldError[]) => T }): T {
  if (f.error === 'not_found') return pages.notFound();
  return pages.form(FAILURE_STATUS[f.error], failureErrors(f));
}
