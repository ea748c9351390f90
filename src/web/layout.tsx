// The frame of every page: skip link, header, main landmark, footer with data attribution.
import type { Child } from 'hono/jsx';
import type { Principal } from '../services/principals.ts';

export interface LayoutProps {
  title: string;
  provider: string;
  children?: Child;
  /** Scripts are progressive enhancement only: every page works without them. */
  scripts?: string[];
  /** Who is signed in, for the navigation; pages of the public desk pass nothing. */
  user?: Principal | null;
  /** The CSRF token for the sign-out button when someone is signed in. */
  csrfToken?: string;
  /** Which navigation entry is the current page. */
  current?: string;
}

function navFor(user: Principal | null | undefined): [string, string][] {
  if (!user)
    return [
      ['/report', 'Report abuse'],
      ['/transparency', 'Transparency'],
      ['/notices', 'Published notices'],
      ['/login', 'Sign in'],
    ];
  if (user.role === 'staff')
    return [
      ['/staff', 'Queue'],
      ['/staff/search', 'Search'],
      ['/staff/legal', 'Legal requests'],
      ['/staff/network-reports', 'Network reports'],
      ['/staff/trusted-reporters', 'Trusted reporters'],
      ['/staff/complaints', 'Complaints'],
      ['/staff/repeat-infringers', 'Repeat infringers'],
      ['/staff/misuse', 'Misuse'],
      ['/transparency', 'Transparency'],
      ['/staff/publications', 'Publication'],
      ['/report', 'Report form'],
    ];
  if (user.role === 'customer')
    return [
      ['/portal', 'Notices about your sites'],
      ['/portal/webhooks', 'Webhooks'],
      ['/transparency', 'Transparency'],
    ];
  return [
    ['/my', 'Your notices'],
    ['/my/webhooks', 'Webhooks'],
    ['/report', 'Report abuse'],
    ['/transparency', 'Transparency'],
  ];
}

export function Layout(p: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${p.title} · ${p.provider}`}</title>
        <link rel="stylesheet" href="/assets/app.css" />
        {(p.scripts ?? []).map((s) => (
          <script src={s} defer></script>
        ))}
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="site">
          <a class="brand" href="/report">
            {p.provider} <span>abuse &amp; copyright desk</span>
          </a>
          <nav aria-label="Main">
            {navFor(p.user).map(([href, label]) => (
              <a href={href} aria-current={p.current === href ? 'page' : undefined}>
                {label}
              </a>
            ))}
            {p.user ? (
              <form method="post" action="/logout" class="inline">
                <input type="hidden" name="_csrf" value={p.csrfToken ?? ''} />
                <button type="submit" class="link">
                  Sign out <span class="visually-hidden">{p.user.email}</span>
                </button>
              </form>
            ) : null}
          </nav>
        </header>
        <main id="main" tabindex={-1}>
          {p.children}
        </main>
        <footer class="site">
          <p>
            <a href="/api">API reference</a> · <a href="/openapi.json">OpenAPI document</a>
          </p>
          <p>
            Hosting providers are identified with IP-to-ASN data from ip-location-db (RouteViews, NRO and <a href="https://db-ip.com">DB-IP</a>), licensed CC BY
            4.0.
          </p>
        </footer>
      </body>
    </html>
  );
}

/** A page's error summary: every problem, each a link to its field. */
export function ErrorSummary(p: { errors: { field: string; label: string; messages: string[] }[] }) {
  if (!p.errors.length) return null;
  return (
    <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex={-1} id="error-summary">
      <h2 id="error-summary-title">
        {p.errors.reduce((n, e) => n + e.messages.length, 0) === 1
          ? 'There is a problem'
          : `There are ${p.errors.reduce((n, e) => n + e.messages.length, 0)} problems`}
      </h2>
      <ul>
        {p.errors.flatMap((e) =>
          e.messages.map((m) => (
            <li>
              <a href={`#${e.field}`}>
                {e.label}: {m}
              </a>
            </li>
          )),
        )}
      </ul>
    </div>
  );
}
