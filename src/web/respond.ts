// How every page leaves the server: HTML with the headers that keep its URL and content private.
import type { FastifyReply } from 'fastify';
import type { JSX } from 'hono/jsx/jsx-runtime';

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
