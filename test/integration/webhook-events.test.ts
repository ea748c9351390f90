// Webhooks for reporters and customers over real HTTP on both stores, delivered to a real HTTP
// receiver on loopback: two reporters and two customers register; notices are filed, processed
// and reviewed by staff; each receiver gets exactly the events about its own notices or its own
// account's items, once each, signed (checked here as a receiver would, with its own HMAC); a
// receiver answering 500 for a while is retried with backoff and then served, all of it in the
// delivery log; a redelivery repeats the same body; a second fan-out over the whole log (a
// restart, a second process) queues nothing twice. The clock is injected, so backoff is exact.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { storeKinds } from '../support/stores.ts';
import { startTestServer, dmcaNotice, waitUntil, type TestServer } from '../support/server.ts';
import { createPrincipal } from '../../src/services/principals.ts';
import { webSession } from '../support/web-session.ts';
import { queueWebhookEvents } from '../../src/services/webhooks.ts';
import { REJECTION_REASONS } from '../../src/domain/review.ts';

const ZONES = `account_id,account_name,account_email,zone,mode,origin
acc1,One Ltd,owner@one.test,one.example,hosted,198.51.100.1
acc1,One Ltd,owner@one.test,one-cdn.example,proxied,203.0.113.1
acc2,Two Co,owner@two.test,two.example,hosted,198.51.100.2
`;

interface Received {
  path: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** What a receiver does: recompute the HMAC over "<timestamp>.<body>" and compare in constant time; refuse stale timestamps. */
function receiverAccepts(secret: string, r: Received, now: Date): boolean {
  const ts = String(r.headers['safeharbor-timestamp']);
  const sig = String(r.headers['safeharbor-signature']);
  if (!/^\d+$/.test(ts) || Math.abs(now.getTime() / 1000 - Number(ts)) > 300) return false;
  const want = Buffer.from(`v1=${createHmac('sha256', secret).update(`${ts}.${r.body}`).digest('hex')}`);
  const got = Buffer.from(sig);
  return want.length === got.length && timingSafeEqual(want, got);
}

for (const kind of storeKinds()) {
  describe(`webhooks for reporters and customers (${kind} store)`, () => {
    let s: TestServer;
    let receiver: Server;
    let base: string;
    const received: Received[] = [];
    const statusFor = new Map<string, number>();
    let t = Date.parse('2026-12-01T09:00:00Z');
    const clock = () => new Date(t);
    const hooks: Record<'r1' | 'r2' | 'c1' | 'c2', { token: string; principalId: string; id: string; secret: string }> = {} as never;
    let n1: string;
    let n2: string;
    const accepted = (path: string) => received.filter((r) => r.path === path && r.status === 200);
    const payloads = (path: string) => accepted(path).map((r) => JSON.parse(r.body));
    const deliveries = (who: keyof typeof hooks, token = hooks[who].token) => s.api(`/v1/webhooks/${hooks[who].id}/deliveries`, { token });
    const kick = () => s.server.daemon.webhooks.kick();

    before(async () => {
      receiver = createServer((req, res) => {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          const path = req.url ?? '';
          const status = statusFor.get(path) ?? 200;
          received.push({ path, status, headers: req.headers, body });
          res.statusCode = status;
          res.end();
        });
      });
      await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
      base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
      s = await startTestServer(kind, { clock, config: { webhookAllowLoopback: true } });
      await s.loadZones(ZONES);
    });
    after(async () => {
      await s?.close();
      await new Promise((r) => receiver?.close(r));
    });

    test('registering: bad URL, unknown or unavailable events are refused naming the field; origin.changed stays for trusted reporters', async () => {
      const r1 = await s.reporter('r1@rights.test');
      const r2 = await s.reporter('r2@rights.test');
      const customer1 = await createPrincipal(s.store.db, { role: 'customer', email: 'owner@one.test', accountId: 'acc1', actor: 'system' });
      const customer2 = await createPrincipal(s.store.db, { role: 'customer', email: 'owner@two.test', accountId: 'acc2', actor: 'system' });
      const c1 = customer1.token;
      const c2 = customer2.token;
      const reg = (token: string, body: unknown) => s.api('/v1/webhooks', { token, body });
      const fieldsOf = (r: { body: { errors: { field: string; message: string }[] } }) => r.body.errors.map((e) => e.field);

      const badUrl = await reg(r1.token, { url: 'ftp://hooks.example/x', events: ['notice.received'] });
      assert.equal(badUrl.status, 422);
      assert.deepEqual(badUrl.body.errors, [{ field: 'url', message: 'url must use https' }]);
      const notUrl = await reg(r1.token, { url: 'not a url', events: ['notice.received'] });
      assert.equal(notUrl.status, 422);
      assert.deepEqual(notUrl.body.errors, [{ field: 'url', message: 'url must be an absolute https:// URL' }]);
      const unknown = await reg(r1.token, { url: `${base}/r1`, events: ['notice.recieved'] });
      assert.equal(unknown.status, 422);
      assert.deepEqual(fieldsOf(unknown), ['events']);
      assert.match(unknown.body.errors[0].message, /"notice\.recieved" is not a webhook event/);
      const both = await reg(r1.token, { url: 'http://hooks.example/x', events: 'everything' });
      assert.equal(both.status, 422);
      assert.deepEqual(fieldsOf(both).sort(), ['events', 'url'], 'every problem at once');
      const customerOrigin = await reg(c1, { url: `${base}/c1`, events: ['origin.changed'] });
      assert.equal(customerOrigin.status, 422);
      assert.match(customerOrigin.body.errors[0].message, /origin\.changed is not available to the customer role/);
      const customerReceived = await reg(c1, { url: `${base}/c1`, events: ['notice.received'] });
      assert.equal(customerReceived.status, 422);
      assert.equal(customerReceived.body.errors[0].field, 'events');
      const customerNone = await reg(c1, { url: `${base}/c1` });
      assert.equal(customerNone.status, 422);
      assert.match(customerNone.body.errors[0].message, /^events is required/);
      const untrustedOrigin = await reg(r1.token, { url: `${base}/r1`, events: ['notice.received', 'origin.changed'] });
      assert.equal(untrustedOrigin.status, 403);
      assert.equal(untrustedOrigin.body.reason, 'not_trusted');
      assert.equal(untrustedOrigin.body.errors[0].field, 'origin');
      assert.equal((await reg(s.adminToken, { url: `${base}/x`, events: ['notice.processed'] })).status, 403, 'staff have no webhooks');
      assert.equal((await s.api('/v1/webhooks', { token: c1 })).body.webhooks.length, 0, 'nothing was registered by the refusals');

      const mine = ['notice.received', 'notice.processed', 'item.state_changed'];
      const theirs = ['notice.processed', 'item.state_changed'];
      for (const [who, token, principalId, events] of [
        ['r1', r1.token, r1.id, mine],
        ['r2', r2.token, r2.id, mine],
        ['c1', c1, customer1.principal.id, theirs],
        ['c2', c2, customer2.principal.id, theirs],
      ] as const) {
        const r = await reg(token, { url: `${base}/${who}`, events });
        assert.equal(r.status, 201, JSON.stringify(r.body));
        assert.deepEqual(r.body.events, events);
        assert.match(r.body.secret, /^whsec_/);
        hooks[who] = { token, principalId, id: r.body.id, secret: r.body.secret };
      }
      const listed = await s.api('/v1/webhooks', { token: r1.token });
      assert.deepEqual(
        listed.body.webhooks.map((w: { id: string }) => w.id),
        [hooks.r1.id],
        'one’s own only',
      );
      assert.ok(!JSON.stringify(listed.body).includes(hooks.r1.secret), 'the secret is shown once');
    });

    test('filed, processed, reviewed: each receiver gets its own events once, signed; a failing receiver is retried, then served', async () => {
      statusFor.set('/c1', 500);
      const file = async (token: string, urls: string[]) => {
        const r = await s.api('/v1/notices', { token, body: dmcaNotice(urls) });
        assert.equal(r.status, 201, JSON.stringify(r.body));
        await waitUntil(
          () => s.api(`/v1/notices/${r.body.id}`, { token }),
          (x) => x.body.status === 'processed',
          20_000,
          'processed',
        );
        return r.body.id as string;
      };
      // acc1's hosted and proxied URLs, and one of acc2's, in the first reporter's notice.
      n1 = await file(hooks.r1.token, ['https://one.example/a', 'https://one-cdn.example/b', 'https://two.example/c']);
      n2 = await file(hooks.r2.token, ['https://two.example/d']);
      const review = async (body: Record<string, unknown>) => {
        const r = await s.api(`/v1/notices/${n1}/review`, { token: s.adminToken, body });
        assert.equal(r.status, 200, JSON.stringify(r.body));
        assert.equal(r.body.changed.length, 1);
      };
      await review({ action: 'disable', positions: [0] });
      await review({ action: 'reject', reason: 'not_infringing', positions: [2] });

      await waitUntil(
        async () => ({
          r1: accepted('/r1').length,
          r2: accepted('/r2').length,
          c2: accepted('/c2').length,
          c1: received.filter((r) => r.path === '/c1').length,
        }),
        (n) => n.r1 >= 4 && n.r2 >= 2 && n.c2 >= 3 && n.c1 >= 2,
        20_000,
        'first round of deliveries',
      );
      // The failing customer: each delivery tried once, answered 500, due again after 30 s.
      const failing = await waitUntil(
        () => deliveries('c1'),
        // An attempt counts when claimed; it is over once it is in the attempt log.
        (r) => r.body.deliveries.length === 2 && r.body.deliveries.every((d: { attempt_log: unknown[] }) => d.attempt_log.length === 1),
        10_000,
        'c1 first attempts',
      );
      for (const d of failing.body.deliveries) {
        assert.equal(d.status, 'pending');
        assert.equal(d.attempts, 1);
        assert.equal(d.last_status_code, 500);
        assert.equal(d.last_error, 'HTTP 500');
        assert.equal(d.next_attempt_at, new Date(t + 30_000).toISOString());
      }
      const pendingId = failing.body.deliveries[0].id;
      const stillPending = await s.api(`/v1/webhooks/${hooks.c1.id}/deliveries/${pendingId}/redeliver`, { method: 'POST', token: hooks.c1.token });
      assert.equal(stillPending.status, 409);
      assert.equal(stillPending.body.errors[0].field, 'delivery_id');

      t += 31_000;
      kick();
      const second = await waitUntil(
        () => deliveries('c1'),
        (r) => r.body.deliveries.every((d: { attempts: number; attempt_log: unknown[] }) => d.attempts === 2 && d.attempt_log.length === 2),
        10_000,
        'c1 second attempts',
      );
      for (const d of second.body.deliveries) assert.equal(d.next_attempt_at, new Date(t + 60_000).toISOString(), 'the backoff doubles');
      statusFor.set('/c1', 200);
      t += 61_000;
      kick();
      const done = await waitUntil(
        () => deliveries('c1'),
        (r) => r.body.deliveries.every((d: { status: string }) => d.status === 'delivered'),
        10_000,
        'c1 delivered',
      );
      for (const d of done.body.deliveries) {
        assert.equal(d.attempts, 3);
        assert.deepEqual(
          d.attempt_log.map((a: { status_code: number }) => a.status_code),
          [500, 500, 200],
        );
        assert.equal(d.last_status_code, 200);
        assert.equal(d.next_attempt_at, null);
        assert.equal(d.delivered_at, clock().toISOString());
      }

      // Every request was signed with its webhook's secret, and carries its type and delivery.
      for (const [who, h] of Object.entries(hooks)) {
        for (const r of received.filter((x) => x.path === `/${who}`)) {
          assert.ok(receiverAccepts(h.secret, r, clock()), `${who}: signature`);
          const other = Object.values(hooks).find((x) => x !== h)!;
          assert.ok(!receiverAccepts(other.secret, r, clock()), `${who}: another webhook's secret does not verify it`);
          assert.equal(r.headers['safeharbor-event'], JSON.parse(r.body).type);
          assert.match(String(r.headers['safeharbor-delivery']), /^\d+$/);
          assert.equal(r.headers['content-type'], 'application/json');
        }
      }

      // Exactly these, once each (by what they say and by their id).
      const summary = (path: string) =>
        payloads(path)
          .map((p) => (p.type === 'item.state_changed' ? `${p.type} ${p.notice_id}#${p.item.position} ${p.from}->${p.to}` : `${p.type} ${p.notice.id}`))
          .sort();
      assert.deepEqual(
        summary('/r1'),
        [
          `item.state_changed ${n1}#0 pending_review->content_disabled`,
          `item.state_changed ${n1}#2 pending_review->rejected`,
          `notice.processed ${n1}`,
          `notice.received ${n1}`,
        ].sort(),
      );
      assert.deepEqual(summary('/r2'), [`notice.processed ${n2}`, `notice.received ${n2}`].sort());
      assert.deepEqual(summary('/c1'), [`item.state_changed ${n1}#0 pending_review->content_disabled`, `notice.processed ${n1}`].sort());
      assert.deepEqual(summary('/c2'), [`item.state_changed ${n1}#2 pending_review->rejected`, `notice.processed ${n1}`, `notice.processed ${n2}`].sort());
      for (const who of Object.keys(hooks)) {
        const ids = payloads(`/${who}`).map((p) => p.id);
        assert.equal(new Set(ids).size, ids.length, `${who}: no event twice`);
      }

      // What each says: counts by state as resolution left them, the reporter's all, a customer's its own.
      const of = (path: string, type: string, notice: string) => payloads(path).find((p) => p.type === type && (p.notice?.id ?? p.notice_id) === notice);
      const received1 = of('/r1', 'notice.received', n1);
      assert.equal(received1.items, 3);
      assert.equal(received1.invalid, 0);
      assert.equal(received1.notice.kind, 'copyright');
      assert.equal(received1.notice.channel, 'api');
      assert.deepEqual(of('/r1', 'notice.processed', n1).counts, { forwarded: 1, pending_review: 2 });
      assert.equal(of('/r1', 'notice.processed', n1).items, 3);
      assert.deepEqual(of('/c1', 'notice.processed', n1).counts, { forwarded: 1, pending_review: 1 });
      assert.equal(of('/c1', 'notice.processed', n1).items, 2);
      assert.deepEqual(of('/c2', 'notice.processed', n1).counts, { pending_review: 1 });
      assert.deepEqual(of('/c2', 'notice.processed', n2).counts, { pending_review: 1 });
      const rejected = of('/c2', 'item.state_changed', n1);
      assert.deepEqual(rejected.item, { position: 2, url: 'https://two.example/c', zone: 'two.example' });
      assert.equal(rejected.reason, REJECTION_REASONS.not_infringing, 'the reason the item now carries, as its views show it');
      const disabled = of('/r1', 'item.state_changed', n1);
      assert.ok(disabled);

      // Nothing of one reaches another: no other account's URLs, no other reporter's notice, no reporter data at a customer.
      const bodies = (path: string) => received.filter((r) => r.path === path).map((r) => r.body);
      for (const b of bodies('/c1')) assert.ok(!b.includes('two.example'), `c1 got acc2's URL: ${b}`);
      for (const b of bodies('/c2')) assert.ok(!/one(-cdn)?\.example/.test(b), `c2 got acc1's URL: ${b}`);
      for (const b of bodies('/r2')) assert.ok(!b.includes(n1), `r2 got r1's notice: ${b}`);
      for (const b of bodies('/r1')) assert.ok(!b.includes(n2), `r1 got r2's notice: ${b}`);
      for (const b of [...bodies('/c1'), ...bodies('/c2')]) {
        for (const personal of ['Jane Doe', 'jane@harborpictures.test', 'Harbor Pictures', 'r1@rights.test', 'r2@rights.test', '"channel"']) {
          assert.ok(!b.includes(personal), `a customer got ${personal}: ${b}`);
        }
      }
      assert.ok(
        received.every((r) => ['/r1', '/r2', '/c1', '/c2'].includes(r.path)),
        'nothing to anywhere else',
      );
    });

    test('delivery log and redelivery are the owner’s; a second fan-out over the whole log queues nothing twice; deleting stops it', async () => {
      // Another's webhook does not exist for the caller.
      assert.equal((await deliveries('r1', hooks.c1.token)).status, 404);
      assert.equal((await deliveries('r1', hooks.r2.token)).status, 404);
      assert.equal((await deliveries('r1', s.adminToken)).status, 200, 'staff may read any delivery log');
      const log = await deliveries('r1');
      assert.equal(log.status, 200);
      assert.equal(log.body.deliveries.length, 4);
      assert.ok(log.body.deliveries.every((d: { status: string; attempts: number }) => d.status === 'delivered' && d.attempts === 1));
      const filtered = await s.api(`/v1/webhooks/${hooks.r1.id}/deliveries?status=failed`, { token: hooks.r1.token });
      assert.deepEqual(filtered.body.deliveries, []);
      const badFilter = await s.api(`/v1/webhooks/${hooks.r1.id}/deliveries?status=lost`, { token: hooks.r1.token });
      assert.equal(badFilter.status, 422);
      assert.equal(badFilter.body.errors[0].field, 'status');

      // Redelivery: the same body again (the receiver can drop it by its id), newly signed.
      const target = log.body.deliveries.find((d: { event_type: string }) => d.event_type === 'item.state_changed');
      const firstBody = accepted('/r1').find((r) => JSON.parse(r.body).id === target.event_id)!.body;
      const redeliverPath = `/v1/webhooks/${hooks.r1.id}/deliveries/${target.id}/redeliver`;
      assert.equal((await s.api(redeliverPath, { method: 'POST', token: hooks.r2.token })).status, 404, 'not another reporter’s');
      assert.equal((await s.api(redeliverPath, { method: 'POST', token: hooks.c1.token })).status, 404, 'not a customer’s');
      assert.equal((await s.api(`/v1/webhooks/${hooks.r1.id}/deliveries/999999/redeliver`, { method: 'POST', token: hooks.r1.token })).status, 404);
      const before = accepted('/r1').length;
      t += 5_000;
      const again = await s.api(redeliverPath, { method: 'POST', token: hooks.r1.token });
      assert.equal(again.status, 200, JSON.stringify(again.body));
      assert.deepEqual(again.body, { id: target.id, status: 'pending' });
      kick();
      await waitUntil(
        async () => accepted('/r1').length,
        (n) => n === before + 1,
        10_000,
        'redelivered',
      );
      const repeat = accepted('/r1').at(-1)!;
      assert.equal(repeat.body, firstBody);
      assert.ok(receiverAccepts(hooks.r1.secret, repeat, clock()));
      const after = await waitUntil(
        () => deliveries('r1'),
        (r) => r.body.deliveries.find((d: { id: number }) => d.id === target.id).status === 'delivered',
        10_000,
        'redelivery recorded',
      );
      const d = after.body.deliveries.find((x: { id: number }) => x.id === target.id);
      assert.equal(d.attempts, 1, 'a fresh round');
      assert.equal(d.attempt_log.length, 2, 'every attempt kept');
      assert.equal(d.redelivered_at, clock().toISOString());

      // The pages: one's own webhooks and their deliveries, nobody else's.
      const customerPage = await (await (await webSession(s, hooks.c1.principalId, '/portal')).get('/portal/webhooks')).text();
      assert.ok(customerPage.includes(`${base}/c1`));
      assert.ok(!customerPage.includes(`${base}/r1`) && !customerPage.includes(`${base}/c2`));
      assert.match(customerPage, /notice\.processed[\s\S]*delivered[\s\S]*HTTP 200/);
      const reporterPage = await (await (await webSession(s, hooks.r1.principalId, '/my')).get('/my/webhooks')).text();
      assert.ok(reporterPage.includes(`${base}/r1`) && !reporterPage.includes(`${base}/c1`));
      assert.equal((reporterPage.match(/>delivered</g) ?? []).length, 4);
      assert.equal((await (await webSession(s, hooks.r1.principalId, '/my')).get('/portal/webhooks')).status, 403, 'the customer page is for customers');

      // A restart that read the log again, and two processes at once: the unique key holds.
      const count = async () => Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM webhook_deliveries`.execute(s.store.db)).rows[0]!.n);
      const n = await count();
      assert.equal(n, 4 + 2 + 2 + 3);
      await sql`UPDATE event_cursors SET last_event_id = 0, last_xact = '0' WHERE name = 'webhooks'`.execute(s.store.db);
      for (;;) {
        const [a, b] = await Promise.all([queueWebhookEvents(s.server.context.origins), queueWebhookEvents(s.server.context.origins)]);
        if (a + b === 0) break;
      }
      assert.equal(await count(), n, 'no delivery queued twice');
      const requests = received.length;
      t += 60_000;
      kick();
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(received.length, requests, 'nothing sent again');

      // Deleting: one's own only; then it hears nothing more.
      assert.equal((await s.api(`/v1/webhooks/${hooks.r2.id}`, { method: 'DELETE', token: hooks.r1.token })).status, 404);
      assert.equal((await s.api(`/v1/webhooks/${hooks.r2.id}`, { method: 'DELETE', token: hooks.c2.token })).status, 404);
      assert.equal((await s.api(`/v1/webhooks/${hooks.r2.id}`, { method: 'DELETE', token: hooks.r2.token })).status, 204);
      assert.deepEqual((await s.api('/v1/webhooks', { token: hooks.r2.token })).body.webhooks, []);
      const r = await s.api('/v1/notices', { token: hooks.r2.token, body: dmcaNotice(['https://two.example/e']) });
      assert.equal(r.status, 201);
      // The customer still hears of it; the deleted webhook does not.
      await waitUntil(
        async () => payloads('/c2').filter((p) => p.notice?.id === r.body.id).length,
        (k) => k === 1,
        20_000,
        'c2 told of the new notice',
      );
      assert.ok(!received.some((x) => x.path === '/r2' && x.body.includes(r.body.id)));
    });
  });
}
