// A signed-in web session without a browser, for checking what the server refuses: a session
// cookie for a principal (as signing in would set), the CSRF cookie and a valid form token from
// one of its pages, and GET/POST helpers that do not follow redirects.
import type { TestServer } from './server.ts';
import { startSession } from '../../src/services/sessions.ts';

export interface WebSession {
  get(path: string): Promise<Response>;
  /** A form post; with `csrf: false` the form carries no token (as a cross-site form would). */
  post(path: string, form: Record<string, string>, opts?: { csrf?: boolean }): Promise<Response>;
}

export async function webSession(s: TestServer, principalId: string, home: string): Promise<WebSession> {
  const session = await startSession(s.store.db, principalId, 'token');
  let cookies = `sh_session=${session.cookie}`;
  const page = await fetch(s.url + home, { headers: { cookie: cookies }, redirect: 'manual' });
  if (page.status !== 200) throw new Error(`${home} answered ${page.status} for the session`);
  cookies = [cookies, ...page.headers.getSetCookie().map((c) => c.split(';')[0])].join('; ');
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
  if (!token) throw new Error(`${home} has no form with a CSRF token`);
  return {
    get: (path) => fetch(s.url + path, { headers: { cookie: cookies }, redirect: 'manual' }),
    post: (path, form, opts = {}) =>
      fetch(s.url + path, {
        method: 'POST',
        headers: { cookie: cookies, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(opts.csrf === false ? form : { ...form, _csrf: token }).toString(),
        redirect: 'manual',
      }),
  };
}
