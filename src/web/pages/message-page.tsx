// A page that only says something: not found, not allowed, link expired.
import { Layout } from '../layout.tsx';
import type { FastifyReply } from 'fastify';
import type { Principal } from '../../services/principals.ts';
import { html } from '../respond.ts';

export function MessagePage(p: { provider: string; title: string; text: string; user?: Principal | null; csrfToken?: string; link?: [string, string] }) {
  return (
    <Layout title={p.title} provider={p.provider} user={p.user} csrfToken={p.csrfToken}>
      <h1>{p.title}</h1>
      <p>{p.text}</p>
      {p.link ? (
        <p>
          <a href={p.link[0]}>{p.link[1]}</a>
        </p>
      ) : null}
    </Layout>
  );
}

/** Answers with a message page (not found, not allowed, refused); a signed-in user's carries the CSRF token its sign-out form needs. */
export function sendMessage(
  reply: FastifyReply,
  status: number,
  p: { provider: string; title: string; text: string; user?: Principal | null; link?: [string, string] },
) {
  return html(reply, status, <MessagePage {...p} csrfToken={p.user ? reply.generateCsrf() : undefined} />);
}
