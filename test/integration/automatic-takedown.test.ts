// Automatic takedown (SAFEHARBOR_LIFECYCLE_POLICY {"automaticTakedown": true}) end to end over
// HTTP, on both stores, with a real SMTP server and a clock the test moves: on receipt of a valid
// notice its hosted content is disabled by policy, the customer gets the takedown mail with the
// counter-notice instructions, the reporter's acknowledgement says it was disabled, the URL is on
// the edge feed, and the lifecycle runs on (counter notice, restore). Proxied URLs of the same
// notice are forwarded as ever. Default off: review.test.ts and takedown-lifecycle.test.ts file
// the same kind of notice and find it waiting for staff.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { storeKinds } from '../support/stores.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';
import { startTestServer, dmcaNotice, waitUntil, type TestServer } from '../support/server.ts';
import { createPrincipal } from '../../src/services/principals.ts';
import { DEFAULT_LIFECYCLE_POLICY } from '../../src/domain/takedown-lifecycle.ts';

const ZONES = `account_id,account_name,account_email,zone,mode,origin
h1,Hosted One,one@hosted.test,hosted-one.example,hosted,198.51.100.1
p1,Proxied One,ops@proxied.test,proxied-one.example,proxied,198.51.100.7
`;

const counterNotice = (urls: string[]) => ({
  material: { urls, description: 'My own holiday video' },
  statements: { good_faith_mistake: true, consent_to_jurisdiction: true, accept_service_of_process: true },
  subscriber: { name: 'Olive Owner', address: '9 Elm Street, Springfield, IL 62701', country: 'US', phone: '+1 217 555 0199', email: 'olive@hosted.test' },
  reason: 'owner',
  signature: 'Olive Owner',
});

for (const kind of storeKinds()) {
  describe(`automatic takedown (${kind} store)`, () => {
    let smtp: TestSmtp;
    let s: TestServer;
    let now = new Date();
    let reporter: { token: string };
    let h1: string;
    let noticeId: string;
    const items = async () =>
      (await s.api(`/v1/notices/${noticeId}`, { token: reporter.token })).body.items as { position: number; state: string; reason: string | null }[];
    const lifecycle = async (position: number) =>
      s.store.db
        .selectFrom('item_lifecycles as l')
        .innerJoin('notice_items as i', 'i.id', 'l.item_id')
        .select(['l.kind', 'l.state as machine', 'l.strike_status', 'l.next_wake_at', 'i.state'])
        .where('i.notice_id', '=', noticeId)
        .where('i.position', '=', position)
        .executeTakeFirstOrThrow();
    const blocked = async () => ((await s.api('/v1/edge/blocklist', { token: s.adminToken })).body.urls as { url: string }[]).map((u) => u.url);

    before(async () => {
      smtp = await startSmtp();
      s = await startTestServer(kind, {
        smtpUrl: smtp.url,
        clock: () => now,
        config: { lifecyclePolicy: { ...DEFAULT_LIFECYCLE_POLICY, automaticTakedown: true } },
      });
      await s.loadZones(ZONES);
      reporter = await s.reporter('desk@rights.test');
      h1 = (await createPrincipal(s.store.db, { role: 'customer', email: 'one@hosted.test', accountId: 'h1', actor: 'system' })).token;
      const r = await s.api('/v1/notices', {
        token: reporter.token,
        body: dmcaNotice(['https://hosted-one.example/a', 'https://proxied-one.example/b', 'https://elsewhere.example/c']),
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      noticeId = r.body.id;
      await waitUntil(
        () => s.api(`/v1/notices/${noticeId}`, { token: reporter.token }),
        (x) => x.body.status === 'processed',
        10_000,
        'processed',
      );
    });
    after(async () => {
      await s?.close();
      await smtp?.close();
    });

    test('on receipt hosted content is disabled by policy; proxied and foreign URLs go their usual ways', async () => {
      assert.deepEqual(
        (await items()).map((i) => i.state),
        ['content_disabled', 'forwarded', 'not_on_network'],
      );
      const l = await lifecycle(0);
      assert.equal(l.kind, 'customer_notified');
      assert.equal((l.machine as { takedown: { disabledBy: string } }).takedown.disabledBy, 'policy');
      assert.equal(l.strike_status, 'active');
      // The forwarded URL has no takedown: nothing is stored beside its row (item-steps.ts, IMPLIED_BY_ROW).
      await assert.rejects(lifecycle(1));
      const counts = (await s.api(`/v1/notices/${noticeId}`, { token: reporter.token })).body;
      assert.equal(JSON.stringify(counts).includes('pending_review'), false, 'nothing waits for staff');
      const events = await s.api(`/v1/notices/${noticeId}/events?scope=all&limit=5000`, { token: s.adminToken });
      const resolved = events.body.events.find(
        (e: { type: string; after: { state: string } }) => e.type === 'item.resolved' && e.after.state === 'content_disabled',
      );
      assert.ok(resolved, 'the takedown is on the timeline');
      assert.deepEqual(resolved.data.events, ['resolve', 'disable', 'notify_customer']);
      assert.ok(events.body.events.some((e: { type: string; data: { by?: string } }) => e.type === 'notice.takedown_started' && e.data.by === 'policy'));
    });

    test('the customer gets the takedown mail with counter-notice instructions; the reporter is told it was disabled', async () => {
      await smtp.waitFor((m) => m.some((x) => x.envelopeTo.includes('one@hosted.test') && /Content disabled/.test(x.parsed.subject ?? '')));
      const takedowns = smtp.mails.filter((x) => x.envelopeTo.includes('one@hosted.test') && /Content disabled/.test(x.parsed.subject ?? ''));
      assert.equal(takedowns.length, 1);
      const text = takedowns[0]!.parsed.text!;
      assert.match(text, /https:\/\/hosted-one\.example\/a/);
      assert.ok(!text.includes('proxied-one.example'), 'only the disabled URL');
      assert.match(text, /counter notice/i);
      assert.ok(text.includes(`https://safeharbor.test/portal/notices/${noticeId}`), 'the portal link');
      const ack = await smtp.waitFor((m) => m.some((x) => x.envelopeTo.includes('jane@harborpictures.test') && /processed/.test(x.parsed.subject ?? '')));
      const ackText = ack.find((x) => x.envelopeTo.includes('jane@harborpictures.test') && /processed/.test(x.parsed.subject ?? ''))!.parsed.text!;
      assert.match(ackText, /https:\/\/hosted-one\.example\/a\n\s+→ content disabled/);
      assert.match(ackText, /content disabled: 1/);
      assert.ok(!/under review/.test(ackText), 'nothing is under review');
      // The proxied site's owner is told as ever.
      await smtp.waitFor((m) => m.some((x) => x.envelopeTo.includes('ops@proxied.test')));
    });

    test('the hosted URL is on the edge feed, the proxied one is not', async () => {
      const urls = await blocked();
      assert.ok(urls.includes('https://hosted-one.example/a'));
      assert.ok(!urls.some((u) => u.includes('proxied-one.example')));
      const nginx = await s.api('/v1/edge/blocklist?format=nginx', { token: s.adminToken });
      assert.match(nginx.body as string, /hosted-one\.example/);
    });

    test('the lifecycle runs on: counter notice, the complainant told, restored after the waiting period', async () => {
      const r = await s.api(`/v1/notices/${noticeId}/counter-notice`, { token: h1, body: counterNotice(['https://hosted-one.example/a']) });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const l = await lifecycle(0);
      assert.equal(l.kind, 'counter_notice_forwarded');
      assert.equal(l.strike_status, 'disputed');
      await smtp.waitFor((m) =>
        m.some((x) => x.envelopeTo.includes('jane@harborpictures.test') && /Counter notice to your copyright notice/.test(x.parsed.subject ?? '')),
      );
      now = new Date(new Date(l.next_wake_at!).getTime() + 60_000);
      s.server.daemon.lifecycle.kick();
      await waitUntil(
        () => items(),
        (i) => i[0]!.state === 'restored',
        10_000,
        'restored',
      );
      assert.equal((await lifecycle(0)).strike_status, 'countered');
      assert.ok(!(await blocked()).includes('https://hosted-one.example/a'), 'off the edge feed');
    });
  });
}
