// The authorization matrix: every API route in /openapi.json and every web page × every kind of
// caller, with the answer each must get. A new route or page fails this test until its row says
// who may call it. The
// callers: anonymous, the reporter of a notice, another reporter, an active and a revoked trusted
// reporter, the customer the notice is about, another customer, staff (test/support/authorization-world.ts).
// Denials come before validation (requireRole runs in preValidation), so an empty body is enough
// to tell "refused" from "let through"; what each route then does is its own tests' business.
// Besides the status, no answer to a caller who is not entitled carries the reporter's personal
// data or the customer's origin address.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { storeKinds } from '../support/stores.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { routeTable } from '../support/route-table.ts';
import { webSession, type WebSession } from '../support/web-session.ts';
import { homeFor } from '../../src/web/session.ts';
import { buildAuthorizationWorld, CALLERS, type AuthorizationWorld, type Caller } from '../support/authorization-world.ts';

/**
 * One letter per caller, in CALLERS order (anonymous, reporter, other_reporter, trusted,
 * revoked_trusted, customer, other_customer, staff): A 401, F 403, N 404 (someone else's subject
 * does not exist for you), O 2xx, V let through (anything but 401/403: validation, not found
 * for a made-up id, or done).
 */
const MATRIX: Record<string, string> = {
  'GET /healthz': 'OOOOOOOO',
  'POST /v1/notices': 'AVVVVFFV',
  'GET /v1/notices': 'AOOOOFFO',
  'GET /v1/notices/{id}': 'AONNNFFO',
  'GET /v1/notices/{id}/events': 'AONNNFFO',
  'POST /v1/notices/{id}/review': 'AFFFFFFV',
  'POST /v1/notices/{id}/questions': 'AFFFFFFV',
  'GET /v1/notices/{id}/hotline-report': 'AFFFFFFV',
  'GET /v1/statements': 'AFFFFOOO',
  'GET /v1/statements/export': 'AFFFFFFO',
  'GET /v1/statements/submissions': 'AFFFFFFO',
  'GET /v1/statements/{id}': 'AFFFFVNV',
  'GET /v1/notices/{id}/lumen': 'AFFFFFFO',
  'GET /v1/exports/lumen': 'AFFFFFFO',
  'GET /v1/edge/blocklist': 'AFFFFFFO',
  'GET /v1/trusted-reporter/terms': 'OOOOOOOO',
  'POST /v1/trusted-reporter/terms': 'AVVVVFFF',
  'GET /v1/trusted-reporter': 'AOOOOFFF',
  'POST /v1/trusted-reporter/application': 'AVVVVFFF',
  'POST /v1/trusted-reporter/tokens': 'AVVVVFFF',
  'GET /v1/trusted-reporters': 'AFFFFFFO',
  'POST /v1/trusted-reporters/{id}/approve': 'AFFFFFFV',
  'POST /v1/trusted-reporters/{id}/reject': 'AFFFFFFV',
  'POST /v1/trusted-reporters/{id}/revoke': 'AFFFFFFV',
  'GET /v1/notices/{id}/items/{position}/origin': 'AFNNNFFO',
  'GET /v1/disclosures': 'AFFFFFFO',
  'POST /v1/webhooks': 'AVVVVVVF',
  'GET /v1/webhooks': 'AOOOOOOF',
  'DELETE /v1/webhooks/{id}': 'AVNNNVNF',
  'GET /v1/webhooks/{id}/deliveries': 'AVNNNVNV',
  'POST /v1/webhooks/{id}/deliveries/{delivery_id}/redeliver': 'AVNNNVNF',
  'POST /v1/trusted-flaggers': 'AFFFFFFV',
  'GET /v1/trusted-flaggers': 'AFFFFFFO',
  'POST /v1/trusted-flaggers/{id}/revoke': 'AFFFFFFV',
  'GET /v1/trusted-flaggers/stats': 'AFFFFFFO',
  'GET /v1/trusted-flagger': 'AOOOOFFF',
  'POST /v1/legal-requests': 'AFFFFFFV',
  'GET /v1/legal-requests': 'AFFFFFFO',
  'GET /v1/legal-requests/{id}': 'AFFFFFFV',
  'POST /v1/legal-requests/{id}/productions': 'AFFFFFFV',
  'POST /v1/legal-requests/{id}/state': 'AFFFFFFV',
  'POST /v1/legal-requests/{id}/block-rules/{ruleId}/lift': 'AFFFFFFV',
  'POST /v1/notices/{id}/counter-notice': 'AFFFFVNF',
  'POST /v1/notices/{id}/court-action': 'AVNNNFFV',
  'POST /v1/notices/{id}/retraction': 'AVNNNFFV',
  'POST /v1/notices/{id}/items/lifecycle': 'AFFFFFFV',
  'GET /v1/accounts/review-queue': 'AFFFFFFO',
  'GET /v1/accounts/{id}/strikes': 'AFFFFFFO',
  'POST /v1/accounts/{id}/terminate': 'AFFFFFFV',
  'POST /v1/accounts/{id}/reinstate': 'AFFFFFFV',
  'GET /v1/misuse/queue': 'AFFFFFFO',
  'GET /v1/notifiers/{id}/misuse': 'AFFFFFFO',
  'POST /v1/notifiers/{id}/warn': 'AFFFFFFV',
  'POST /v1/notifiers/{id}/suspend': 'AFFFFFFV',
  'POST /v1/notifiers/{id}/lift': 'AFFFFFFV',
  'GET /v1/accounts/{id}/misuse': 'AFFFFFFO',
  'POST /v1/accounts/{id}/warn': 'AFFFFFFV',
  'POST /v1/accounts/{id}/suspend': 'AFFFFFFV',
  'POST /v1/accounts/{id}/lift': 'AFFFFFFV',
  'POST /v1/notices/{id}/complaints': 'AVVVVVVF',
  'GET /v1/complaints': 'AFFFFFFO',
  'GET /v1/complaints/{id}': 'AVNNNVNV',
  'POST /v1/complaints/{id}/decision': 'AFFFFFFV',
  'GET /v1/transparency': 'OOOOOOOO',
  'GET /v1/transparency/top': 'AFFFFFFO',
  'POST /v1/notices/{id}/publication': 'AONNNFFO',
  'GET /v1/publications': 'AFFFFFFO',
  'GET /v1/publications/{id}': 'AFFFFFFV',
  'POST /v1/publications/{id}/publish': 'AFFFFFFV',
  'POST /v1/publications/{id}/withhold': 'AFFFFFFV',
  'GET /v1/public/notices': 'OOOOOOOO',
  'GET /v1/public/notices/{id}': 'VVNNNVNV',
  'POST /v1/principals': 'AFFFFFFV',
  'GET /v1/me': 'AOOOOOOO',
  'POST /v1/zones/import': 'AFFFFFFV',
  'POST /v1/networks/import': 'AFFFFFFV',
  'POST /v1/netblocks/import': 'AFFFFFFV',
  'GET /v1/network-reports': 'AFFFFFFO',
  'GET /v1/outbox': 'AFFFFFFO',
  'POST /client/v4/accounts/{account_id}/abuse-reports/{report_type}': 'AVFFFFFV',
  'GET /client/v4/accounts/{account_id}/abuse-reports': 'AOFFFFFO',
  'GET /client/v4/accounts/{account_id}/abuse-reports/submitted': 'AOFFFFFO',
  'GET /client/v4/accounts/{account_id}/abuse-reports/submitted/{report_id}': 'AVFFFFFV',
  'GET /client/v4/accounts/{account_id}/abuse-reports/{report_id}': 'AVFFFFFV',
};

/**
 * The web pages, GET and POST (a form post with the caller's own CSRF token and no fields), for
 * a signed-in session of each caller (anonymous: none). L: sent to sign in (303 to /login);
 * F 403; N 404; O 2xx; V let through. Sign-out is left out: it would end the sessions.
 */
const PAGES: Record<string, string> = {
  'GET /': 'VVVVVVVV',
  'GET /court-orders/:id/public': 'VVVVVVVV',
  'GET /login': 'OVVVVVVV',
  'POST /login/token': 'FVVVVVVV',
  'POST /login/email': 'FVVVVVVV',
  'GET /login/link/:token': 'VVVVVVVV',
  'GET /staff': 'LFFFFFFO',
  'GET /staff/trusted-reporters': 'LFFFFFFO',
  'POST /staff/trusted-reporters/:id/approve': 'LFFFFFFV',
  'POST /staff/trusted-reporters/:id/reject': 'LFFFFFFV',
  'POST /staff/trusted-reporters/:id/revoke': 'LFFFFFFV',
  'GET /staff/trusted-flaggers': 'LFFFFFFO',
  'POST /staff/trusted-flaggers': 'LFFFFFFV',
  'POST /staff/trusted-flaggers/:id/revoke': 'LFFFFFFV',
  'GET /staff/disclosures': 'LFFFFFFO',
  'GET /staff/notices/:id': 'LFFFFFFO',
  'POST /staff/notices/:id/review': 'LFFFFFFV',
  'POST /staff/notices/:id/lifecycle': 'LFFFFFFV',
  'POST /staff/notices/:id/ask': 'LFFFFFFV',
  'GET /staff/network-reports': 'LFFFFFFO',
  'GET /staff/network-reports/:id': 'LFFFFFFV',
  'GET /staff/network-reports/:id/message.eml': 'LFFFFFFV',
  'GET /staff/accounts/:id': 'LFFFFFFO',
  'GET /staff/accounts/:id/strikes': 'LFFFFFFO',
  'POST /staff/accounts/:id/terminate': 'LFFFFFFV',
  'POST /staff/accounts/:id/reinstate': 'LFFFFFFV',
  'GET /staff/search': 'LFFFFFFO',
  'GET /staff/publications': 'LFFFFFFO',
  'POST /staff/publications/:id/publish': 'LFFFFFFV',
  'POST /staff/publications/:id/withhold': 'LFFFFFFV',
  'GET /staff/repeat-infringers': 'LFFFFFFO',
  'GET /staff/misuse': 'LFFFFFFO',
  'GET /staff/misuse/:type/:id': 'LFFFFFFO',
  'POST /staff/misuse/:type/:id/warn': 'LFFFFFFV',
  'POST /staff/misuse/:type/:id/suspend': 'LFFFFFFV',
  'POST /staff/misuse/:type/:id/lift': 'LFFFFFFV',
  'GET /staff/legal': 'LFFFFFFO',
  'POST /staff/legal': 'LFFFFFFV',
  'GET /staff/legal/new': 'LFFFFFFO',
  'POST /staff/legal/matches/:matchId/acknowledge': 'LFFFFFFV',
  'GET /staff/legal/:id': 'LFFFFFFV',
  'POST /staff/legal/:id/state': 'LFFFFFFV',
  'POST /staff/legal/:id/productions': 'LFFFFFFV',
  'POST /staff/legal/:id/rules/:ruleId/lift': 'LFFFFFFV',
  'GET /staff/complaints': 'LFFFFFFO',
  'POST /staff/complaints/:id/decision': 'LFFFFFFV',
  'GET /status/:key': 'VVVVVVVV',
  'POST /status/:key/complaint': 'FVVVVVVV',
  'GET /portal': 'LFFFFOOF',
  'GET /portal/webhooks': 'LFFFFOOF',
  'GET /portal/notices/:id': 'LFFFFONF',
  'POST /portal/notices/:id/counter-notice': 'LFFFFVNF',
  'POST /portal/notices/:id/complaint': 'LFFFFVVF',
  'GET /portal/statements/:id': 'LFFFFVNF',
  'GET /policy/repeat-infringers': 'OOOOOOOO',
  'GET /policy/misuse': 'OOOOOOOO',
  'GET /my': 'LOOOOFFF',
  'GET /my/webhooks': 'LOOOOFFF',
  'GET /notices': 'OOOOOOOO',
  'GET /notices/:id/public': 'VVVVVVVV',
  'GET /api': 'OOOOOOOO',
  'GET /transparency': 'OOOOOOOO',
  'GET /transparency/top': 'LFFFFFFO',
  'GET /report': 'OOOOOOOO',
  'POST /report': 'VVVVVVVV',
  'GET /report/:kind': 'VVVVVVVV',
};
const NOT_PAGES = ['/healthz', '/openapi.json', '/assets/:name', '/logout'];

/** Who may see reporter A's notice in full: everyone else must never read its secrets. */
const NOT_ENTITLED: Caller[] = ['anonymous', 'other_reporter', 'trusted', 'revoked_trusted', 'other_customer'];
const MADE_UP = '00000000-0000-4000-8000-000000000000';

function urlFor(path: string, w: AuthorizationWorld, me: { id: string; account_id: string }): string {
  // The subject is reporter A's (or customer A's) where the path names one: that is where crossing would show.
  const id = path.startsWith('/v1/notices/')
    ? w.noticeId
    : path.startsWith('/v1/accounts/')
      ? w.customerAccount
      : path.startsWith('/v1/notifiers/')
        ? me.id
        : MADE_UP;
  return path
    .replace('{id}', id)
    .replace('{position}', '0')
    .replace('{account_id}', me.account_id)
    .replace('{report_type}', 'abuse_dmca')
    .replace(/\{\w+\}/g, MADE_UP);
}

function matches(code: string, status: number, location = ''): boolean {
  switch (code) {
    case 'L':
      return status === 303 && location.startsWith('/login');
    case 'A':
      return status === 401;
    case 'F':
      return status === 403;
    case 'N':
      return status === 404;
    case 'O':
      return status >= 200 && status < 300;
    case 'V':
      return status !== 401 && status !== 403 && status < 500 && !(status === 303 && location.startsWith('/login'));
    default:
      throw new Error(`unknown matrix code ${code}`);
  }
}

for (const kind of storeKinds()) {
  describe(`the authorization matrix (${kind} store)`, () => {
    let s: TestServer;
    let w: AuthorizationWorld;
    let doc: { paths: Record<string, Record<string, { requestBody?: { content?: Record<string, unknown> } }>> };
    let reporterA: { id: string; account_id: string };
    before(async () => {
      s = await startTestServer(kind);
      w = await buildAuthorizationWorld(s);
      doc = (await s.api('/openapi.json')).body;
      reporterA = (await s.api('/v1/me', { token: w.tokens.reporter! })).body;
    });
    after(async () => s?.close());

    test('every API route has its row, and every row is a route', () => {
      const routes = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
      assert.deepEqual(
        routes.filter((r) => !MATRIX[r]),
        [],
        'routes without a row in the matrix',
      );
      assert.deepEqual(
        Object.keys(MATRIX).filter((r) => !routes.includes(r)),
        [],
        'rows for routes that do not exist',
      );
      for (const [r, codes] of Object.entries(MATRIX)) assert.equal(codes.length, CALLERS.length, r);
    });

    test('every route × every caller gets its answer, and nobody reads what is not theirs', async () => {
      const wrong: string[] = [];
      const leaks: string[] = [];
      for (const [path, ops] of Object.entries(doc.paths)) {
        for (const [method, op] of Object.entries(ops)) {
          const codes = MATRIX[`${method.toUpperCase()} ${path}`];
          if (!codes) continue; // reported by the test above
          const csv = Boolean(op.requestBody?.content?.['text/csv']);
          const url = urlFor(path, w, reporterA);
          for (const [i, caller] of CALLERS.entries()) {
            const token = w.tokens[caller];
            const res = await fetch(s.url + url, {
              method: method.toUpperCase(),
              headers: {
                ...(token ? { authorization: `Bearer ${token}` } : {}),
                ...(op.requestBody ? { 'content-type': csv ? 'text/csv' : 'application/json' } : {}),
              },
              body: op.requestBody ? (csv ? 'header\n' : '{}') : undefined,
            });
            const text = await res.text();
            if (!matches(codes[i]!, res.status))
              wrong.push(`${method.toUpperCase()} ${path} as ${caller}: ${res.status}, expected ${codes[i]} — ${text.slice(0, 160)}`);
            if (NOT_ENTITLED.includes(caller))
              for (const secret of w.secrets) if (text.includes(secret)) leaks.push(`${method.toUpperCase()} ${path} as ${caller} shows "${secret}"`);
          }
        }
      }
      assert.deepEqual(wrong, []);
      assert.deepEqual(leaks, []);
    });

    test('the matrix means something: the reporter and staff see the notice, and its secrets, where others see nothing', async () => {
      const own = await s.api(`/v1/notices/${w.noticeId}`, { token: w.tokens.reporter! });
      assert.equal(own.status, 200);
      assert.ok(JSON.stringify(own.body).includes(w.noticeId));
      const staff = await s.api(`/v1/notices/${w.noticeId}`, { token: w.tokens.staff! });
      assert.ok(JSON.stringify(staff.body).includes('203.0.113.10'), 'staff see the origin, so the leak check can find one');
      const list = await s.api('/v1/notices', { token: w.tokens.other_reporter! });
      assert.equal(list.status, 200);
      assert.ok(!JSON.stringify(list.body).includes(w.noticeId), "another reporter's list does not hold A's notice");
    });

    test('every page has its row, and every row is a page', () => {
      const pages = routeTable(s.server.app)
        .filter((r) => !r.path.startsWith('/v1/') && !r.path.startsWith('/client/v4/') && !NOT_PAGES.includes(r.path))
        .map((r) => `${r.method} ${r.path}`);
      assert.deepEqual(
        pages.filter((r) => !PAGES[r]),
        [],
        'pages without a row in the matrix',
      );
      assert.deepEqual(
        Object.keys(PAGES).filter((r) => !pages.includes(r)),
        [],
        'rows for pages that do not exist',
      );
    });

    test('every page × every signed-in caller gets its answer, and nobody reads what is not theirs', async () => {
      const sessions = new Map<Caller, WebSession>();
      for (const caller of CALLERS) {
        const token = w.tokens[caller];
        if (!token) continue;
        const me = (await s.api('/v1/me', { token })).body;
        sessions.set(caller, await webSession(s, me.id, homeFor(me)));
      }
      const wrong: string[] = [];
      const leaks: string[] = [];
      for (const [route, codes] of Object.entries(PAGES)) {
        const [method, path] = route.split(' ') as [string, string];
        const url = path
          .replace(/^\/(staff|portal)\/notices\/:id/, (_m, area: string) => `/${area}/notices/${w.noticeId}`)
          .replace('/staff/accounts/:id', `/staff/accounts/${w.customerAccount}`)
          .replace('/staff/misuse/:type/:id', `/staff/misuse/customer/${w.customerAccount}`)
          .replace(/:\w+/g, MADE_UP);
        for (const [i, caller] of CALLERS.entries()) {
          const session = sessions.get(caller);
          const res = session
            ? method === 'GET'
              ? await session.get(url)
              : await session.post(url, {})
            : await fetch(s.url + url, {
                method,
                redirect: 'manual',
                ...(method === 'POST' ? { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' } : {}),
              });
          const text = await res.text();
          if (!matches(codes[i]!, res.status, res.headers.get('location') ?? ''))
            wrong.push(`${route} as ${caller}: ${res.status} ${res.headers.get('location') ?? ''}, expected ${codes[i]}`);
          if (NOT_ENTITLED.includes(caller)) for (const secret of w.secrets) if (text.includes(secret)) leaks.push(`${route} as ${caller} shows "${secret}"`);
        }
      }
      assert.deepEqual(wrong, []);
      assert.deepEqual(leaks, []);
    });
  });
}
