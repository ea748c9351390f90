// Trusted reporters and origin disclosure over real HTTP on both stores: who may learn origin IPs
// (and that nobody else ever sees them, in any response), the trusted flow with a re-import that
// moves the origin, the customer's mail at a real SMTP server, revocation, and a webhook
// delivered to a real HTTP server on loopback, signed, retried after a 500. The clock is injected;
// so is the webhook host's DNS: its name is resolved once per attempt and the delivery goes there.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { storeKinds } from '../support/stores.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';
import { startTestServer, dmcaNotice, waitUntil, type TestServer } from '../support/server.ts';
import { createPrincipal } from '../../src/services/principals.ts';
import { TRUSTED_REPORTER_TERMS, verifyWebhookSignature } from '../../src/domain/trusted-reporter.ts';
import { DEFAULT_ORIGIN_DISCLOSURE_POLICY } from '../../src/domain/origin-disclosure-policy.ts';

const OLD_IP = '203.0.113.7';
const NEW_IP = '203.0.113.99';
const HOSTED_IP = '198.51.100.9';
const IPS = [OLD_IP, NEW_IP, HOSTED_IP];
const zones = (proxiedOrigin: string) => `account_id,account_name,account_email,zone,mode,origin
c1,Pirate Ltd,owner@pirate.test,pirate.example,proxied,${proxiedOrigin}
c2,Hosted Co,owner@hosted.test,hosted.example,hosted,${HOSTED_IP}
`;

const application = (over: Record<string, unknown> = {}) => ({
  organisation: 'Harbor Anti-Piracy',
  purpose: 'Send takedown requests to the hosts of infringing sites',
  contact: 'legal@harbor.test, +1 555 0100',
  accept_terms: true,
  terms_version: TRUSTED_REPORTER_TERMS.version,
  ...over,
});

interface Hook {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function assertNoIp(what: string, body: unknown) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  for (const ip of IPS) assert.ok(!text.includes(ip), `${what} must not contain ${ip}: ${text.slice(0, 300)}`);
}

for (const kind of storeKinds()) {
  describe(`trusted reporters and origin disclosure (${kind} store)`, () => {
    let smtp: TestSmtp;
    let s: TestServer;
    let hookServer: Server;
    let hookUrl: string;
    const hooks: Hook[] = [];
    let hookStatus = 500;
    const hookResolves: string[] = [];
    let t = Date.parse('2026-11-23T10:00:00Z');
    const clock = () => new Date(t);
    let trusted: { token: string; id: string; accountId: string };
    let other: { token: string; id: string; accountId: string };
    let trustedNotice: string;
    let otherNotice: string;
    let scoped: string;
    let applicationId: string;
    let secret: string;

    const file = async (token: string, urls: string[]) => {
      const r = await s.api('/v1/notices', { token, body: dmcaNotice(urls) });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      await waitUntil(
        () => s.api(`/v1/notices/${r.body.id}`, { token }),
        (x) => x.body.status === 'processed',
        10_000,
        'processed',
      );
      return r.body.id as string;
    };
    const origin = (token: string, notice: string, position = 0) => s.api(`/v1/notices/${notice}/items/${position}/origin`, { token });

    before(async () => {
      smtp = await startSmtp();
      hookServer = createServer((req, res) => {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          hooks.push({ headers: req.headers, body });
          res.statusCode = hookStatus;
          res.end();
        });
      });
      await new Promise<void>((r) => hookServer.listen(0, '127.0.0.1', r));
      // A name, not an address: the server asks the injected resolver, which pins it to the listener.
      hookUrl = `http://localhost:${(hookServer.address() as AddressInfo).port}/hook`;
      const webhookResolve = async (host: string) => {
        hookResolves.push(host);
        return ['127.0.0.1'];
      };
      s = await startTestServer(kind, { smtpUrl: smtp.url, clock, config: { webhookAllowLoopback: true }, webhookResolve });
      await s.loadZones(zones(OLD_IP));
      trusted = await s.reporter('trusted@harbor.test');
      other = await s.reporter('other@rights.test');
      trustedNotice = await file(trusted.token, ['https://pirate.example/film', 'https://hosted.example/film']);
      otherNotice = await file(other.token, ['https://pirate.example/other']);
    });
    after(async () => {
      await s?.close();
      await smtp?.close();
      await new Promise((r) => hookServer?.close(r));
    });

    test('applying: every problem at once, terms version recorded, one live application', async () => {
      const terms = await s.api('/v1/trusted-reporter/terms');
      assert.equal(terms.status, 200);
      assert.equal(terms.body.version, TRUSTED_REPORTER_TERMS.version);
      const bad = await s.api('/v1/trusted-reporter/application', {
        token: trusted.token,
        body: { organisation: '', accept_terms: false, terms_version: '1999' },
      });
      assert.equal(bad.status, 422);
      const fields = bad.body.errors.map((e: { field: string }) => e.field).sort();
      assert.deepEqual(fields, ['accept_terms', 'contact', 'organisation', 'purpose', 'terms_version']);
      const ok = await s.api('/v1/trusted-reporter/application', { token: trusted.token, body: application() });
      assert.equal(ok.status, 201, JSON.stringify(ok.body));
      assert.equal(ok.body.application.status, 'applied');
      assert.equal(ok.body.application.terms_version, TRUSTED_REPORTER_TERMS.version);
      assert.equal(ok.body.application.terms_accepted_at, clock().toISOString());
      applicationId = ok.body.application.id;
      assert.equal((await s.api('/v1/trusted-reporter/application', { token: trusted.token, body: application() })).status, 409);
      // Not yet vetted: nothing disclosed, and the reason says so.
      const pending = await origin(trusted.token, trustedNotice);
      assert.equal(pending.status, 403);
      assert.equal(pending.body.reason, 'application_pending');
      assertNoIp('pending refusal', pending.body);
      // Only staff vet.
      assert.equal((await s.api('/v1/trusted-reporters', { token: trusted.token })).status, 403);
      assert.equal((await s.api(`/v1/trusted-reporters/${applicationId}/approve`, { token: trusted.token, body: {} })).status, 403);
      const list = await s.api('/v1/trusted-reporters?status=applied', { token: s.adminToken });
      assert.equal(list.status, 200);
      assert.deepEqual(
        list.body.trusted_reporters.map((a: { id: string }) => a.id),
        [applicationId],
      );
      const badApprove = await s.api(`/v1/trusted-reporters/${applicationId}/approve`, {
        token: s.adminToken,
        body: { scopes: ['everything'], expires_at: '2020-01-01T00:00:00Z' },
      });
      assert.equal(badApprove.status, 422);
      assert.equal((await s.api(`/v1/trusted-reporters/${applicationId}/reject`, { token: s.adminToken, body: {} })).status, 422, 'a rejection needs a reason');
    });

    test('approved: scoped token, both origins after a re-import, logged for staff, customer told by mail, webhook signed and retried', async () => {
      const approve = await s.api(`/v1/trusted-reporters/${applicationId}/approve`, { token: s.adminToken, body: { scopes: ['origin:read'] } });
      assert.equal(approve.status, 200, JSON.stringify(approve.body));
      assert.equal(approve.body.application.status, 'active');
      // The ordinary token lacks the scope.
      const noScope = await origin(trusted.token, trustedNotice);
      assert.equal(noScope.status, 403);
      assert.equal(noScope.body.reason, 'missing_scope');
      assertNoIp('missing scope refusal', noScope.body);
      const tok = await s.api('/v1/trusted-reporter/tokens', { token: trusted.token, body: { scopes: ['origin:read'], label: 'disclosure' } });
      assert.equal(tok.status, 201, JSON.stringify(tok.body));
      scoped = tok.body.token;

      const hook = await s.api('/v1/webhooks', { token: scoped, body: { url: hookUrl } });
      assert.equal(hook.status, 201, JSON.stringify(hook.body));
      secret = hook.body.secret;
      assert.match(secret, /^whsec_/);
      assert.ok(!JSON.stringify((await s.api('/v1/webhooks', { token: scoped })).body).includes(secret), 'the secret is shown once');
      assert.equal((await s.api('/v1/webhooks', { token: scoped, body: { url: 'ftp://example.com/x' } })).status, 422);

      const first = await origin(scoped, trustedNotice);
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.equal(first.body.at_report.origin, OLD_IP);
      assert.equal(first.body.current.origin, OLD_IP);
      assert.equal(first.body.disclosure_ids.length, 2);
      // Hosted content has no third-party origin to disclose.
      const hosted = await origin(scoped, trustedNotice, 1);
      assert.equal(hosted.status, 403);
      assert.equal(hosted.body.reason, 'not_proxied');
      assertNoIp('hosted refusal', hosted.body);

      // The site moves; the re-import records the origin change.
      t += 3_600_000;
      await s.loadZones(zones(NEW_IP));
      const moved = await origin(scoped, trustedNotice);
      assert.equal(moved.status, 200);
      assert.equal(moved.body.at_report.origin, OLD_IP, 'the origin at the time of the report');
      assert.equal(moved.body.current.origin, NEW_IP, 'and the one in force now');

      // The webhook: first attempt answered 500, retried after the backoff, then accepted.
      await waitUntil(
        async () => hooks.length,
        (n) => n >= 1,
        10_000,
        'first webhook attempt',
      );
      const deliveries1 = await waitUntil(
        () => s.api(`/v1/webhooks/${hook.body.id}/deliveries`, { token: scoped }),
        (r) => r.body.deliveries?.[0]?.attempt_log?.length === 1,
        10_000,
        'first attempt recorded',
      );
      assert.equal(deliveries1.body.deliveries[0].status, 'pending');
      assert.equal(deliveries1.body.deliveries[0].attempt_log[0].status_code, 500);
      hookStatus = 200;
      t += 31_000;
      s.server.daemon.webhooks.kick();
      const deliveries2 = await waitUntil(
        () => s.api(`/v1/webhooks/${hook.body.id}/deliveries`, { token: scoped }),
        (r) => r.body.deliveries?.[0]?.status === 'delivered',
        10_000,
        'delivered',
      );
      assert.equal(deliveries2.body.deliveries[0].attempts, 2);
      assert.deepEqual(
        deliveries2.body.deliveries[0].attempt_log.map((a: { status_code: number }) => a.status_code),
        [500, 200],
      );
      assert.equal(hooks.length, 2);
      assert.deepEqual(hookResolves, ['localhost', 'localhost'], 'one lookup per attempt, through the injected resolver');
      const h = hooks[1]!;
      assert.match(String(h.headers.host), /^localhost:\d+$/);
      assert.ok(
        verifyWebhookSignature(secret, String(h.headers['safeharbor-timestamp']), h.body, String(h.headers['safeharbor-signature']), clock()),
        'valid signature',
      );
      assert.ok(!verifyWebhookSignature('whsec_wrong', String(h.headers['safeharbor-timestamp']), h.body, String(h.headers['safeharbor-signature']), clock()));
      const payload = JSON.parse(h.body);
      assert.equal(payload.type, 'origin.changed');
      assert.equal(payload.zone, 'pirate.example');
      assert.equal(payload.origin.origin, NEW_IP);
      assert.deepEqual(payload.notices, [{ notice_id: trustedNotice, positions: [0] }]);

      // Logged for staff: API answers and the webhook.
      const log = await s.api(`/v1/disclosures?principal_id=${trusted.id}`, { token: s.adminToken });
      assert.equal(log.status, 200);
      const rows = log.body.disclosures as {
        which: string;
        origin: string;
        channel: string;
        zone: string;
        notice_id: string;
        organisation: string;
        purpose: string;
      }[];
      assert.equal(rows.length, 5);
      assert.deepEqual(
        rows.map((r) => `${r.channel}:${r.which}:${r.origin}`).sort(),
        [`api:at_report:${OLD_IP}`, `api:at_report:${OLD_IP}`, `api:current:${NEW_IP}`, `api:current:${OLD_IP}`, `webhook:current:${NEW_IP}`].sort(),
      );
      assert.ok(
        rows.every(
          (r) =>
            r.zone === 'pirate.example' && r.notice_id === trustedNotice && r.organisation === 'Harbor Anti-Piracy' && r.purpose.startsWith('Send takedown'),
        ),
      );
      assert.equal((await s.api('/v1/disclosures', { token: trusted.token })).status, 403);
      const events = await s.api(`/v1/notices/${trustedNotice}/events`, { token: s.adminToken });
      assert.equal(events.body.events.filter((e: { type: string }) => e.type === 'origin.disclosed').length, 5);

      // The customer hears of it (default policy: immediately) at the real SMTP server.
      const mails = await smtp.waitFor((m) =>
        m.some((x) => x.envelopeTo.includes('owner@pirate.test') && /origin address of pirate\.example/.test(x.parsed.subject ?? '')),
      );
      const mail = mails.find((x) => x.envelopeTo.includes('owner@pirate.test') && /origin address/.test(x.parsed.subject ?? ''))!;
      assert.match(mail.parsed.text ?? '', /Harbor Anti-Piracy/);
      assertNoIp('customer mail', mail.parsed.text);
      await waitUntil(
        () => s.api(`/v1/disclosures?principal_id=${trusted.id}`, { token: s.adminToken }),
        (r) => r.body.disclosures.every((d: { customer_notified_at: string | null }) => d.customer_notified_at !== null),
        10_000,
        'all told',
      );
    });

    test('origin IPs never reach anyone else: untrusted, other notices, customers, expired, no scope — in any response', async () => {
      // An untrusted reporter's own notice on the same zone.
      const untrusted = await origin(other.token, otherNotice);
      assert.equal(untrusted.status, 403);
      assert.equal(untrusted.body.reason, 'not_trusted');
      assertNoIp('untrusted refusal', untrusted.body);
      assert.equal((await s.api('/v1/webhooks', { token: other.token, body: { url: hookUrl } })).status, 403);
      // Another reporter's notice does not exist for the asker, trusted or not.
      const foreign = await origin(other.token, trustedNotice);
      assert.equal(foreign.status, 404);
      assertNoIp('foreign 404', foreign.body);
      const foreignTrusted = await origin(scoped, otherNotice);
      assert.equal(foreignTrusted.status, 404);
      assertNoIp('foreign 404 for a trusted reporter', foreignTrusted.body);
      // A customer.
      const { token: customer } = await createPrincipal(s.store.db, { role: 'customer', email: 'owner@pirate.test', accountId: 'c1', actor: 'system' });
      const asCustomer = await origin(customer, trustedNotice);
      assert.equal(asCustomer.status, 403);
      assertNoIp('customer refusal', asCustomer.body);
      assertNoIp('customer notice view', (await s.api(`/v1/notices/${trustedNotice}`, { token: customer })).body);

      // Every view of the untrusted reporter's notice, and the trusted one's ordinary views.
      for (const [who, token, notice, accountId] of [
        ['untrusted', other.token, otherNotice, other.accountId],
        ['trusted, ordinary views', trusted.token, trustedNotice, trusted.accountId],
      ] as const) {
        assertNoIp(`${who}: notice`, (await s.api(`/v1/notices/${notice}`, { token })).body);
        assertNoIp(`${who}: items`, (await s.api(`/v1/notices/${notice}?items_state=forwarded`, { token })).body);
        assertNoIp(`${who}: list`, (await s.api('/v1/notices', { token })).body);
        assertNoIp(`${who}: events`, (await s.api(`/v1/notices/${notice}/events`, { token })).body);
        const cfList = await s.api(`/client/v4/accounts/${accountId}/abuse-reports`, { token });
        assert.equal(cfList.status, 200);
        assertNoIp(`${who}: Cloudflare list`, cfList.body);
        const cfOne = await s.api(`/client/v4/accounts/${accountId}/abuse-reports/${notice}`, { token });
        assertNoIp(`${who}: Cloudflare report`, cfOne.body);
        const page = await fetch(s.server.context.links.url(notice).replace('https://safeharbor.test', s.url));
        assert.equal(page.status, 200);
        assertNoIp(`${who}: status page`, await page.text());
      }

      // Trust with an end: disclosed before it, refused after.
      const late = await s.reporter('late@rights.test');
      const lateNotice = await file(late.token, ['https://pirate.example/late']);
      const app = await s.api('/v1/trusted-reporter/application', { token: late.token, body: application({ organisation: 'Late Rights' }) });
      await s.api(`/v1/trusted-reporters/${app.body.application.id}/approve`, {
        token: s.adminToken,
        body: { expires_at: new Date(t + 86_400_000).toISOString() },
      });
      const lateScoped = (await s.api('/v1/trusted-reporter/tokens', { token: late.token, body: { scopes: ['origin:read'] } })).body.token;
      assert.equal((await origin(lateScoped, lateNotice)).status, 200);
      t += 2 * 86_400_000;
      const expired = await origin(lateScoped, lateNotice);
      assert.equal(expired.status, 403);
      assert.equal(expired.body.reason, 'expired');
      assertNoIp('expired refusal', expired.body);
    });

    test('revocation stops disclosure at the very next request, and webhooks with it', async () => {
      assert.equal((await origin(scoped, trustedNotice)).status, 200);
      const revoke = await s.api(`/v1/trusted-reporters/${applicationId}/revoke`, { token: s.adminToken, body: { reason: 'Published disclosed addresses' } });
      assert.equal(revoke.status, 200);
      assert.equal(revoke.body.application.status, 'revoked');
      const next = await origin(scoped, trustedNotice);
      assert.equal(next.status, 401, 'the scoped token is gone');
      assertNoIp('after revocation', next.body);
      const plain = await origin(trusted.token, trustedNotice);
      assert.equal(plain.status, 403);
      assert.equal(plain.body.reason, 'revoked');
      assertNoIp('revoked refusal', plain.body);
      const refusals = await s.store.db
        .selectFrom('events')
        .select(['data', 'notice_id'])
        .where('type', '=', 'origin.disclosure_refused')
        .where('subject_id', '=', trusted.id)
        .execute();
      assert.ok(
        refusals.some((e) => (e.data as { reason: string }).reason === 'revoked' && e.notice_id === null),
        'the refused attempt is on record for staff',
      );
      assertNoIp('revoked: notice', (await s.api(`/v1/notices/${trustedNotice}`, { token: trusted.token })).body);
      assertNoIp('revoked: events', (await s.api(`/v1/notices/${trustedNotice}/events`, { token: trusted.token })).body);
      assert.equal((await s.api('/v1/trusted-reporter/tokens', { token: trusted.token, body: { scopes: ['origin:read'] } })).status, 403);
      // Another origin change: the webhook gets nothing.
      const before = hooks.length;
      await s.loadZones(zones('203.0.113.123'));
      const staffView = await waitUntil(
        () => s.store.db.selectFrom('webhook_deliveries').select(['status', 'last_error']).orderBy('id', 'desc').execute(),
        (rows) => rows.length === 2 && rows[0]!.status === 'cancelled',
        10_000,
        'cancelled delivery',
      );
      assert.match(staffView[0]!.last_error ?? '', /revoked/);
      assert.equal(hooks.length, before);
      const log = await s.api('/v1/trusted-reporters?status=revoked', { token: s.adminToken });
      assert.equal(log.body.trusted_reporters[0].decision_reason, 'Published disclosed addresses');
    });
  });

  describe(`customer told after a delay (${kind} store)`, () => {
    let smtp: TestSmtp;
    let s: TestServer;
    let t = Date.parse('2026-11-23T10:00:00Z');
    const clock = () => new Date(t);
    const originMails = () => s.store.db.selectFrom('outbox').select(['to_address', 'status']).where('subject', 'like', '%origin address%').execute();

    before(async () => {
      smtp = await startSmtp();
      s = await startTestServer(kind, {
        smtpUrl: smtp.url,
        clock,
        config: { originDisclosure: { ...DEFAULT_ORIGIN_DISCLOSURE_POLICY, customerNotice: { when: 'delayed', delayHours: 24 } } },
      });
      await s.loadZones(zones(OLD_IP));
    });
    after(async () => {
      await s?.close();
      await smtp?.close();
    });

    test('nothing before the delay has passed; one message for the zone once it has', async () => {
      const r = await s.reporter('delayed@rights.test');
      const app = await s.api('/v1/trusted-reporter/application', { token: r.token, body: application() });
      await s.api(`/v1/trusted-reporters/${app.body.application.id}/approve`, { token: s.adminToken, body: {} });
      const scopedToken = (await s.api('/v1/trusted-reporter/tokens', { token: r.token, body: { scopes: ['origin:read'] } })).body.token;
      const n = await s.api('/v1/notices', { token: r.token, body: dmcaNotice(['https://pirate.example/a', 'https://pirate.example/b']) });
      await waitUntil(
        () => s.api(`/v1/notices/${n.body.id}`, { token: r.token }),
        (x) => x.body.status === 'processed',
        10_000,
        'processed',
      );
      assert.equal((await s.api(`/v1/notices/${n.body.id}/items/0/origin`, { token: scopedToken })).status, 200);
      t += 3_600_000;
      assert.equal((await s.api(`/v1/notices/${n.body.id}/items/1/origin`, { token: scopedToken })).status, 200);
      t += 22 * 3_600_000; // 23 h after the first disclosure
      s.server.daemon.webhooks.kick();
      await new Promise((res) => setTimeout(res, 500)); // several runs of the 100 ms loop
      assert.deepEqual(await originMails(), []);
      t += 2 * 3_600_000; // 25 h after the first, 24 h after the second
      s.server.daemon.webhooks.kick();
      const mails = await smtp.waitFor((m) => m.some((x) => /origin address of pirate\.example/.test(x.parsed.subject ?? '')));
      const mine = mails.filter((x) => /origin address/.test(x.parsed.subject ?? ''));
      assert.equal(mine.length, 1, 'one message for the zone lists all four disclosures');
      assert.deepEqual(mine[0]!.envelopeTo, ['owner@pirate.test']);
      assert.equal((mine[0]!.parsed.text ?? '').match(/^- /gm)?.length, 4);
      const log = await s.api('/v1/disclosures', { token: s.adminToken });
      assert.ok(log.body.disclosures.every((d: { customer_notified_at: string }) => d.customer_notified_at === clock().toISOString()));
    });
  });

  describe(`a higher rate limit for trusted reporters (${kind} store)`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(kind, { config: { rateLimitPerMinute: 3, trustedRateLimitPerMinute: 12 } });
    });
    after(async () => {
      await s?.close();
    });

    test("an ordinary token is limited at 3 a minute, a trusted reporter's tokens at 12", async () => {
      const plain = await s.reporter('plain@rights.test');
      const statuses = async (token: string, n: number) => {
        const out: number[] = [];
        for (let i = 0; i < n; i++) out.push((await s.api('/v1/me', { token })).status);
        return out;
      };
      assert.deepEqual(await statuses(plain.token, 4), [200, 200, 200, 429]);
      const staffToken = s.adminToken;
      const r = await s.reporter('vetted@rights.test');
      const app = await s.api('/v1/trusted-reporter/application', { token: r.token, body: application() });
      assert.equal(app.status, 201);
      assert.equal((await s.api(`/v1/trusted-reporters/${app.body.application.id}/approve`, { token: staffToken, body: {} })).status, 200);
      // Its application counts; approved, the same token may make 12 in the minute (3 would stop an ordinary one).
      assert.deepEqual(await statuses(r.token, 12), [...Array(11).fill(200), 429]);
    });
  });
}
