// A page that only says something: not found, not allowed, link expired.
import { Layout } from '../layout.tsx';
import type { Principal } from '../../services/principals.ts';

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
