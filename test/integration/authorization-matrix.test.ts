// The authorization matrix: every API route in /openapi.json × every kind of caller, with the
// answer each must get. A new route fails this test until its row says who may call it. The
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
  'GET /v1/statements/{id}': 'AFFFFVNV',
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
  'POST /v1/webhooks': 'AFFFFFFF',
  'GET /v1/webhooks': 'AOOOOFFF',
  'DELETE /v1/webhooks/{id}': 'AVNNNFFF',
  'GET /v1/webhooks/{id}/deliveries': 'AVNNNFFV',
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

function matches(code: string, status: number): boolean {
  switch (code) {
    case 'A':
      return status === 401;
    case 'F':
      return status === 403;
    case 'N':
      return status === 404;
    case 'O':
      return status >= 200 && status < 300;
    case 'V':
      return status !== 401 && status !== 403 && status < 500;
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
  });
}
