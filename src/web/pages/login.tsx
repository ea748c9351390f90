// Signing in: customers and reporters by a link mailed to their address, staff (and anyone with
// an API token) by pasting the token. No passwords to leak or reset.
import { Layout, ErrorSummary } from '../layout.tsx';

export interface LoginPageProps {
  provider: string;
  csrfToken: string;
  next: string;
  email?: string;
  /** Set once a link was asked for: the page says the same whether or not the address is known. */
  linkSentTo?: string;
  errors?: { field: 'email' | 'token' | 'form'; message: string }[];
}

export function LoginPage(p: LoginPageProps) {
  const err = (f: string) => (p.errors ?? []).filter((e) => e.field === f).map((e) => e.message);
  const labels: Record<string, string> = { email: 'E-mail address', token: 'API token', form: 'Form' };
  return (
    <Layout title="Sign in" provider={p.provider} current="/login">
      <h1>Sign in</h1>
      <ErrorSummary errors={(p.errors ?? []).map((e) => ({ field: e.field, label: labels[e.field]!, messages: [e.message] }))} />
      {p.linkSentTo ? (
        <div class="ok-banner" role="status">
          <h2 class="flush">Check your e-mail</h2>
          <p>
            If <strong>{p.linkSentTo}</strong> belongs to an account, a reporter or our staff, a sign-in link is on its way. It works once, for 30 minutes.
          </p>
        </div>
      ) : null}
      <div class="two-col">
        <form method="post" action="/login/email" novalidate>
          <h2 class="flush">With a link by e-mail</h2>
          <p class="muted">For customers (the address of your account with us) and reporters.</p>
          <input type="hidden" name="_csrf" value={p.csrfToken} />
          <input type="hidden" name="next" value={p.next} />
          <div class={`field${err('email').length ? ' has-error' : ''}`}>
            <label for="email">E-mail address</label>
            {err('email').map((m) => (
              <p class="field-error" id="email-error">
                {m}
              </p>
            ))}
            <input
              type="email"
              id="email"
              name="email"
              autocomplete="email"
              value={p.email ?? ''}
              aria-describedby={err('email').length ? 'email-error' : undefined}
              required
            />
          </div>
          <button type="submit">E-mail me a sign-in link</button>
        </form>
        <form method="post" action="/login/token" novalidate>
          <h2 class="flush">With an API token</h2>
          <p class="muted">For staff: the token printed when the server first started, or one created for you.</p>
          <input type="hidden" name="_csrf" value={p.csrfToken} />
          <input type="hidden" name="next" value={p.next} />
          <div class={`field${err('token').length ? ' has-error' : ''}`}>
            <label for="token">API token</label>
            {err('token').map((m) => (
              <p class="field-error" id="token-error">
                {m}
              </p>
            ))}
            <input type="password" id="token" name="token" autocomplete="off" aria-describedby={err('token').length ? 'token-error' : undefined} required />
          </div>
          <button type="submit">Sign in</button>
        </form>
      </div>
    </Layout>
  );
}
