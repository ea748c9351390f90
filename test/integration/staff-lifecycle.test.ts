// Staff act by hand on the takedown lifecycle over HTTP (POST /v1/notices/{id}/items/lifecycle),
// on both stores, with a real SMTP server and a clock the test moves. The policy switches
// automatic restore off: the counter-notice window passes and nothing comes back by itself; staff
// restore by API, both parties are told as on automatic restore, and the edge stops blocking the
// URL. Too early or in the wrong state is a 409 with the reason, all or nothing; a retry changes
// nothing; reporters and customers are refused.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { storeKinds } from '../support/stores.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';
import { startTestServer, dmcaNotice, waitUntil, type TestServer } from '../support/server.ts';
import { createPrincipal, principalForToken } from '../../src/services/principals.ts';
import { DEFAULT_LIFECYCLE_POLICY } from '../../src/domain/takedown-lifecycle.ts';

const ZONES = `account_id,account_name,account_email,zone,mode,origin
h1,Hosted One,one@hosted.test,hosted-one.example,hosted,198.51.100.1
p1,Proxied One,one@proxied.test,proxied-one.example,proxied,203.0.113.1
`;
const U = (x: string) => `https://hosted-one.example/${x}`;
const counterNotice = (urls: string[]) => ({
  material: { urls, description: 'My own holiday video' },
  statements: { good_faith_mistake: true, consent_to_jurisdiction: true, accept_service_of_process: true },
  subscriber: { name: 'Olive Owner', address: '9 Elm Street, Springfield, IL 62701', country: 'US', phone: '+1 217 555 0199', email: 'olive@hosted.test' },
  reason: 'owner',
  signature: 'Olive Owner',
});

for (const kind of storeKinds()) {
  describe(`staff act on the takedown lifecycle by API (${kind} store)`, () => {
    let smtp: TestSmtp;
    let s: TestServer;
    let now = new Date();
    let reporter: { token: string; id: string };
    let customer: string;
    let staffId: string;
    let noticeId: string;
    const lifecycle = (position: number) =>
      s.store.db
        .selectFrom('item_lifecycles as l')
        .innerJoin('notice_items as i', 'i.id', 'l.item_id')
        .select(['l.kind', 'l.strike_status', 'l.next_wake_at', 'i.state'])
        .where('i.notice_id', '=', noticeId)
        .where('i.position', '=', position)
        .executeTakeFirstOrThrow();
    const command = (body: unknown, token = s.adminToken, id = noticeId) => s.api(`/v1/notices/${id}/items/lifecycle`, { token, body });
    const restoredMails = () => smtp.mails.filter((m) => /Content restored/.test(m.parsed.subject ?? ''));
    const blocklist = async () => JSON.stringify((await s.api('/v1/edge/blocklist', { token: s.adminToken })).body);

    before(async () => {
      smtp = await startSmtp();
      s = await startTestServer(kind, {
        smtpUrl: smtp.url,
        clock: () => now,
        config: { lifecyclePolicy: { ...DEFAULT_LIFECYCLE_POLICY, automaticRestore: false } },
      });
      await s.loadZones(ZONES);
      staffId = (await principalForToken(s.store.db, s.adminToken))!.id;
      reporter = await s.reporter('desk@rights.test');
      customer = (await createPrincipal(s.store.db, { role: 'customer', email: 'one@hosted.test', accountId: 'h1', actor: 'system' })).token;
      const r = await s.api('/v1/notices', { token: reporter.token, body: dmcaNotice([U('a'), U('b'), U('c'), 'https://proxied-one.example/x']) });
      assert.equal(r.status, 201);
      noticeId = r.body.id;
      await waitUntil(
        () => s.api(`/v1/notices/${noticeId}`, { token: reporter.token }),
        (x) => x.body.status === 'processed',
        10_000,
        'processed',
      );
      assert.equal((await s.api(`/v1/notices/${noticeId}/review`, { token: s.adminToken, body: { action: 'disable', state: 'pending_review' } })).status, 200);
      const cn = await s.api(`/v1/notices/${noticeId}/counter-notice`, { token: customer, body: counterNotice([U('a'), U('b')]) });
      assert.equal(cn.status, 201, JSON.stringify(cn.body));
    });
    after(async () => {
      await s?.close();
      await smtp?.close();
    });

    test('reporters and customers are refused; another notice is 404; bad requests are 422 by field', async () => {
      const body = { positions: [0], command: 'restore', reason: 'Waiting period over' };
      assert.equal((await command(body, reporter.token)).status, 403);
      assert.equal((await command(body, customer)).status, 403);
      assert.equal((await s.api(`/v1/notices/${noticeId}/items/lifecycle`, { body })).status, 401);
      assert.equal((await command(body, s.adminToken, '00000000-0000-4000-8000-000000000000')).status, 404);
      const empty = await command({});
      assert.equal(empty.status, 422);
      assert.deepEqual(
        empty.body.errors.map((e: { field: string }) => e.field),
        ['positions', 'command', 'reason'],
      );
      const bad = await command({ positions: [0], command: 'disable', reason: ' ' });
      assert.equal(bad.status, 422);
      assert.deepEqual(
        bad.body.errors.map((e: { field: string }) => e.field),
        ['command', 'reason'],
      );
      const nowhere = await command({ positions: [0, 99], command: 'restore', reason: 'x' });
      assert.equal(nowhere.status, 422);
      assert.match(nowhere.body.errors[0].message, /no URL at position 99/);
      assert.equal((await lifecycle(0)).kind, 'counter_notice_forwarded', 'nothing changed');
    });

    test('restoring before the waiting period is over: 409 with the reason, nothing changed', async () => {
      const r = await command({ positions: [0], command: 'restore', reason: 'The complainant called' });
      assert.equal(r.status, 409, JSON.stringify(r.body));
      assert.equal(r.body.refused.length, 1);
      assert.equal(r.body.refused[0].position, 0);
      assert.equal(r.body.refused[0].code, 'too_early');
      assert.match(r.body.refused[0].why, /may be restored from \d{4}-\d{2}-\d{2}/);
      assert.match(r.body.errors[0].message, /position 0 \(https:\/\/hosted-one\.example\/a\): the content may be restored from/);
      assert.equal((await lifecycle(0)).state, 'content_disabled');
    });

    test('automatic restore off: the window passes and nothing is restored; staff restore by API; both told; off the edge; retry changes nothing', async () => {
      const l0 = await lifecycle(0);
      assert.equal(l0.kind, 'counter_notice_forwarded');
      assert.equal(l0.next_wake_at, null, 'no wake-up: staff restore by hand');
      await smtp.waitFor((m) =>
        m.some((x) => x.envelopeTo.includes('jane@harborpictures.test') && /Counter notice to your copyright notice/.test(x.parsed.subject ?? '')),
      );
      // Thirty days on: past the 14th business day.
      now = new Date(now.getTime() + 30 * 86_400_000);
      s.server.daemon.lifecycle.kick();
      await new Promise((r) => setTimeout(r, 400));
      assert.equal((await lifecycle(0)).state, 'content_disabled', 'not restored automatically');
      assert.equal(restoredMails().length, 0);
      assert.ok((await blocklist()).includes('hosted-one.example/a'), 'still blocked at the edge');

      // All or nothing: c has no counter notice, so restoring a and c together restores neither.
      const mixed = await command({ positions: [2, 0], command: 'restore', reason: 'Waiting period over' });
      assert.equal(mixed.status, 409, JSON.stringify(mixed.body));
      assert.deepEqual(
        mixed.body.refused.map((r: { position: number; code: string }) => [r.position, r.code]),
        [[2, 'not_allowed']],
      );
      assert.match(mixed.body.refused[0].why, /counter notice/);
      assert.equal((await lifecycle(0)).state, 'content_disabled', 'a was not restored either');

      const r = await command({ positions: [0], command: 'restore', reason: 'Waiting period over, no court action' });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(
        r.body.changed.map((c: { position: number; from: string; to: string; lifecycle: string }) => [c.position, c.from, c.to, c.lifecycle]),
        [[0, 'content_disabled', 'restored', 'closed']],
      );
      const after = await lifecycle(0);
      assert.equal(after.state, 'restored');
      assert.equal(after.kind, 'closed');
      assert.equal(after.strike_status, 'countered');

      // Both parties, in the automatic restore's words.
      await smtp.waitFor((m) =>
        ['one@hosted.test', 'jane@harborpictures.test'].every((to) =>
          m.some((x) => x.envelopeTo.includes(to) && /Content restored/.test(x.parsed.subject ?? '')),
        ),
      );
      const toCustomer = restoredMails().find((m) => m.envelopeTo.includes('one@hosted.test'))!;
      assert.match(toCustomer.parsed.subject!, new RegExp(`Content restored \\(notice ${noticeId}\\)`));
      assert.match(
        toCustomer.parsed.text!,
        /The waiting period after your counter notice has passed without the complainant telling us of a court action\. We have restored access to this URL/,
      );
      assert.ok(toCustomer.parsed.text!.includes(U('a')));
      assert.ok(!toCustomer.parsed.text!.includes(U('b')), 'only the restored URL');
      const toComplainant = restoredMails().find((m) => m.envelopeTo.includes('jane@harborpictures.test'))!;
      assert.match(toComplainant.parsed.subject!, /Content restored after counter notice/);
      assert.ok(toComplainant.parsed.text!.includes(U('a')));
      assert.ok(!/Waiting period over/.test(toCustomer.parsed.text! + toComplainant.parsed.text!), "staff's reason is not mailed");

      // The edge serves it again; b is still blocked.
      const feed = await blocklist();
      assert.ok(!feed.includes('hosted-one.example/a'), 'restored URL no longer blocked');
      assert.ok(feed.includes('hosted-one.example/b'));

      // A retry: 200, nothing changed, nobody told again.
      const again = await command({ positions: [0], command: 'restore', reason: 'Waiting period over, no court action' });
      assert.equal(again.status, 200, JSON.stringify(again.body));
      assert.deepEqual(again.body.changed, []);
      assert.deepEqual(
        again.body.unchanged.map((u: { position: number }) => u.position),
        [0],
      );
      assert.match(again.body.unchanged[0].note, /already restored/);
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(restoredMails().length, 2, 'one mail to each party, no more');

      // The timeline: an event per change with the staff member as actor; the reason for staff only.
      const events = (await s.api(`/v1/notices/${noticeId}/events?scope=all&limit=5000`, { token: s.adminToken })).body.events as {
        type: string;
        actor: string;
        data: Record<string, unknown>;
        after: Record<string, unknown>;
      }[];
      const itemEvents = events.filter((e) => e.type === 'item.lifecycle' && e.data.step === 'lifecycle_command');
      assert.equal(itemEvents.length, 1);
      assert.equal(itemEvents[0]!.actor, `principal:${staffId}`);
      assert.equal(itemEvents[0]!.data.position, 0);
      assert.equal(itemEvents[0]!.after.state, 'restored');
      const step = events.filter((e) => e.type === 'notice.lifecycle_command');
      assert.equal(step.length, 1, 'the refused and repeated commands left no event');
      assert.equal(step[0]!.data.reason, 'Waiting period over, no court action');
      assert.equal(step[0]!.data.command, 'restore');
      const seen = (await s.api(`/v1/notices/${noticeId}/events?scope=notice`, { token: reporter.token })).body.events as {
        type: string;
        data: Record<string, unknown>;
      }[];
      const theirs = seen.find((e) => e.type === 'notice.lifecycle_command')!;
      assert.equal(theirs.data.command, 'restore');
      assert.equal(theirs.data.reason, undefined, "the desk's reason is not the complainant's to read");
    });

    test('close a case; a proxied URL is not in the lifecycle; a closed case refuses a restore', async () => {
      const closed = await command({ positions: [2], command: 'close', reason: 'No counter notice after 30 days' });
      assert.equal(closed.status, 200, JSON.stringify(closed.body));
      const c = await lifecycle(2);
      assert.equal(c.kind, 'closed');
      assert.equal(c.state, 'content_disabled', 'closing does not bring the content back');
      assert.ok((await blocklist()).includes('hosted-one.example/c'));
      const proxied = await command({ positions: [3], command: 'close', reason: 'x' });
      assert.equal(proxied.status, 409);
      assert.equal(proxied.body.refused[0].code, 'not_in_lifecycle');
      const late = await command({ positions: [2], command: 'restore', reason: 'x' });
      assert.equal(late.status, 409);
      assert.equal(late.body.refused[0].code, 'not_allowed');
    });

    test('the OpenAPI document describes the route', async () => {
      const doc = (await s.api('/openapi.json')).body;
      const op = doc.paths['/v1/notices/{id}/items/lifecycle']?.post;
      assert.ok(op);
      assert.deepEqual(op.requestBody.content['application/json'].schema.required, ['positions', 'command', 'reason']);
      assert.ok(op.requestBody.content['application/json'].schema.properties.command.enum.includes('restore'));
      for (const code of ['200', '403', '404', '409', '422']) assert.ok(op.responses[code], code);
    });
  });
}
