// Staff decisions by API and the console's and portal's queries, on both stores: the SQL behind
// the pages must hold on PostgreSQL as on the embedded store.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { storeKinds } from '../support/stores.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';
import { startTestServer, dmcaNotice, waitUntil, type TestServer } from '../support/server.ts';
import { accountPage, deskCounts, reviewQueue, search } from '../../src/services/staff-views.ts';
import { customerNotice, customerNotices } from '../../src/services/portal-views.ts';
import { createLoginLinks, principalForSession, redeemLoginLink, startSession, endSession } from '../../src/services/sessions.ts';

const ZONES = `account_id,account_name,account_email,zone,mode,origin
h1,Hosted One,one@hosted.test,hosted-one.example,hosted,198.51.100.1
h2,Hosted Two,two@hosted.test,hosted-two.example,hosted,198.51.100.2
p1,Proxied One,one@proxied.test,proxied-one.example,proxied,1.1.1.1
`;

for (const kind of storeKinds()) {
  describe(`staff decisions and console queries (${kind} store)`, () => {
    let smtp: TestSmtp;
    let s: TestServer;
    let reporter: { token: string; id: string };
    let noticeId: string;

    before(async () => {
      smtp = await startSmtp();
      s = await startTestServer(kind, { smtpUrl: smtp.url });
      await s.loadZones(ZONES);
      reporter = await s.reporter('desk@rights.test');
      const r = await s.api('/v1/notices', {
        token: reporter.token,
        body: dmcaNotice([
          'https://hosted-one.example/a',
          'https://hosted-one.example/b',
          'https://hosted-two.example/c',
          'https://proxied-one.example/d',
          'https://elsewhere.example/e',
        ]),
      });
      assert.equal(r.status, 201);
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

    test('the queue lists the notice with its items under review; counts add up', async () => {
      const q = await reviewQueue(s.store.db, { state: 'pending_review' });
      assert.equal(q.rows.length, 1);
      assert.equal(q.rows[0]!.id, noticeId);
      assert.equal(q.rows[0]!.items_in_state, 3);
      assert.equal(q.rows[0]!.items_total, 5);
      assert.deepEqual([...q.rows[0]!.domains].sort(), ['hosted-one.example', 'hosted-two.example']);
      assert.equal((await reviewQueue(s.store.db, { state: 'pending_review', account: 'h2' })).rows[0]!.items_in_state, 1);
      assert.equal((await reviewQueue(s.store.db, { state: 'pending_review', reporter: 'DESK@rights.test' })).rows.length, 1);
      assert.equal(
        (await reviewQueue(s.store.db, { state: 'pending_review', reporter: 'jane@harborpictures.test' })).rows.length,
        1,
        'claimant e-mail works too',
      );
      assert.equal((await reviewQueue(s.store.db, { state: 'pending_review', kind: 'trademark' })).rows.length, 0);
      const c = await deskCounts(s.store.db);
      assert.equal(c.items_pending_review, 3);
      assert.equal(c.notices_pending_review, 1);
    });

    test('only staff may decide; bad decisions get every error by field', async () => {
      const asReporter = await s.api(`/v1/notices/${noticeId}/review`, {
        token: reporter.token,
        body: { action: 'reject', reason: 'duplicate', positions: [0] },
      });
      assert.equal(asReporter.status, 403);
      const bad = await s.api(`/v1/notices/${noticeId}/review`, { token: s.adminToken, body: { action: 'reject', reason: 'because', note: 'x'.repeat(2001) } });
      assert.equal(bad.status, 422);
      assert.deepEqual(bad.body.errors.map((e: { field: string }) => e.field).sort(), ['note', 'positions', 'reason']);
      const missing = await s.api(`/v1/notices/00000000-0000-4000-8000-000000000000/review`, {
        token: s.adminToken,
        body: { action: 'disable', state: 'pending_review' },
      });
      assert.equal(missing.status, 404);
    });

    test('reject by position, then disable the rest by state: states, reasons, events, mail', async () => {
      const rej = await s.api(`/v1/notices/${noticeId}/review`, {
        token: s.adminToken,
        body: { action: 'reject', reason: 'other', note: 'Licensed to the site in 2024.', positions: [1, 3, 4] },
      });
      assert.equal(rej.status, 200);
      // b (pending review) is rejected; d was forwarded and may be rejected too; e is not on our network.
      assert.deepEqual(
        rej.body.changed.map((c: { position: number; from: string }) => [c.position, c.from]),
        [
          [1, 'pending_review'],
          [3, 'forwarded'],
        ],
      );
      assert.deepEqual(
        rej.body.skipped.map((c: { position: number }) => c.position),
        [4],
      );
      const dis = await s.api(`/v1/notices/${noticeId}/review`, { token: s.adminToken, body: { action: 'disable', state: 'pending_review' } });
      assert.deepEqual(
        dis.body.changed.map((c: { position: number }) => c.position),
        [0, 2],
      );

      const view = await s.api(`/v1/notices/${noticeId}`, { token: reporter.token });
      const states = view.body.items.map((i: { state: string }) => i.state);
      assert.deepEqual(states, ['content_disabled', 'rejected', 'content_disabled', 'rejected', 'not_on_network']);
      assert.equal(view.body.items[1].reason, 'Other reason (see the note). Licensed to the site in 2024.');
      assert.equal(view.body.items[0].internal, undefined, 'reporters do not see account or origin');
      const staffView = await s.api(`/v1/notices/${noticeId}`, { token: s.adminToken });
      assert.equal(staffView.body.items[0].internal.account_id, 'h1');
      assert.equal(staffView.body.items[0].internal.origin, '198.51.100.1');

      const events = await s.api(`/v1/notices/${noticeId}/events?scope=all&limit=5000`, { token: s.adminToken });
      const reviewed = events.body.events.filter((e: { type: string }) => e.type === 'item.reviewed');
      assert.equal(reviewed.length, 4);
      assert.deepEqual(reviewed[0].before, { state: 'pending_review', lifecycle: 'reported', strike: null });
      assert.equal(reviewed[0].actor.startsWith('principal:'), true);

      const mails = await smtp.waitFor(
        (m) =>
          m.filter((x) => x.parsed.subject?.includes(`copyright notice ${noticeId}`) && /Decision|Content disabled/.test(x.parsed.subject ?? '')).length === 4,
      );
      const takedowns = mails.filter((x) => x.parsed.subject?.startsWith('[Safeharbor] Content disabled'));
      assert.deepEqual(takedowns.map((x) => x.envelopeTo[0]).sort(), ['one@hosted.test', 'two@hosted.test']);
      const decisions = mails.filter((x) => x.parsed.subject?.includes('Decision on your copyright notice'));
      assert.equal(decisions.length, 2);
      assert.ok(decisions.some((d) => /Rejected \(2\): Other reason \(see the note\)\. Licensed to the site in 2024\./.test(d.parsed.text!)));
    });

    test('questions to the reporter are mailed and on the timeline', async () => {
      const empty = await s.api(`/v1/notices/${noticeId}/questions`, { token: s.adminToken, body: { question: '  ' } });
      assert.equal(empty.status, 422);
      const r = await s.api(`/v1/notices/${noticeId}/questions`, { token: s.adminToken, body: { question: 'Which season of the series?' } });
      assert.equal(r.status, 201);
      const ev = await s.api(`/v1/notices/${noticeId}/events?scope=notice`, { token: reporter.token });
      assert.ok(
        ev.body.events.some(
          (e: { type: string; data: { question?: string } }) => e.type === 'notice.info_requested' && e.data.question === 'Which season of the series?',
        ),
      );
      await smtp.waitFor((m) => m.some((x) => x.parsed.text?.includes('Which season of the series?')));
    });

    test('account page, search and portal queries', async () => {
      const a = await accountPage(s.store.db, 'h1');
      assert.equal(a!.zone_count, 1);
      assert.equal(a!.strikes, 1);
      assert.deepEqual(
        a!.notices.map((n) => [n.id, n.items, n.states]),
        [[noticeId, 2, { content_disabled: 1, rejected: 1 }]],
      );
      assert.equal(a!.origin_history[0]!.origin, '198.51.100.1');
      assert.equal(await accountPage(s.store.db, 'nope'), null);

      assert.deepEqual(
        (await search(s.store.db, noticeId)).notices.map((n) => n.id),
        [noticeId],
      );
      assert.equal((await search(s.store.db, 'https://hosted-one.example/')).items.length, 2);
      assert.equal((await search(s.store.db, 'HOSTED-TWO.example')).zones[0]!.account_id, 'h2');
      assert.equal((await search(s.store.db, 'desk@rights.test')).reporters[0]!.notices, 1);
      assert.equal((await search(s.store.db, 'hosted')).accounts.length, 2);
      assert.equal((await search(s.store.db, 'Jane')).notices.length, 1);
      assert.deepEqual(
        await search(s.store.db, '100%_'),
        { query: '100%_', notices: [], items: [], zones: [], accounts: [], reporters: [] },
        'LIKE wildcards are literal',
      );

      const mine = await customerNotices(s.store.db, 'h2');
      assert.deepEqual(
        mine.rows.map((r) => [r.id, r.items]),
        [[noticeId, 1]],
      );
      const n = await customerNotice(s.store.db, 'h2', noticeId);
      assert.deepEqual(
        n!.items.map((i) => i.url),
        ['https://hosted-two.example/c'],
      );
      assert.equal(await customerNotice(s.store.db, 'no-such-account', noticeId), null);
    });

    test('sign-in links: one per principal, customers created from the account address, one use, expiry', async () => {
      assert.deepEqual(await createLoginLinks(s.store.db, 'nobody@nowhere.test'), []);
      const grants = await createLoginLinks(s.store.db, 'ONE@hosted.test');
      assert.equal(grants.length, 1);
      assert.equal(grants[0]!.principal.role, 'customer');
      assert.equal(grants[0]!.principal.accountId, 'h1');
      const again = await createLoginLinks(s.store.db, 'one@hosted.test');
      assert.equal(again[0]!.principal.id, grants[0]!.principal.id, 'the same customer principal, not a second one');
      const p = await redeemLoginLink(s.store.db, grants[0]!.token);
      assert.equal(p!.id, grants[0]!.principal.id);
      assert.equal(await redeemLoginLink(s.store.db, grants[0]!.token), null, 'used once');
      const late = await createLoginLinks(s.store.db, 'one@hosted.test');
      assert.equal(await redeemLoginLink(s.store.db, late[0]!.token, new Date(Date.now() + 31 * 60_000)), null, 'expired');
      const session = await startSession(s.store.db, p!.id, 'email_link');
      assert.equal((await principalForSession(s.store.db, session.cookie))!.accountId, 'h1');
      assert.equal(await principalForSession(s.store.db, session.cookie, new Date(Date.now() + 13 * 3600_000)), null, 'sessions expire');
      await endSession(s.store.db, session.cookie);
      assert.equal(await principalForSession(s.store.db, session.cookie), null);
      const staffLinks = await createLoginLinks(s.store.db, 'admin@localhost');
      assert.deepEqual(
        staffLinks.map((g) => g.principal.role),
        ['staff'],
      );
    });
  });
}
