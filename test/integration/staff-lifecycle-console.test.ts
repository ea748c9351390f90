// The staff notice page's takedown commands in Chromium, on both stores, with automatic restore
// switched off and a clock the test moves: after the counter-notice window, staff restore a URL
// with the keyboard alone (open its actions, give a reason, press the button), see the result,
// and the edge stops blocking it. Without a reason, without the CSRF token, as a reporter, or for
// a command the state machine refuses, the form is refused with the reason beside the URL.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { storeKinds } from '../support/stores.ts';
import { startTestServer, dmcaNotice, waitUntil, type TestServer } from '../support/server.ts';
import { launchBrowser, screenshot, seriousAxeViolations } from '../support/browser.ts';
import { webSession } from '../support/web-session.ts';
import { createPrincipal, principalForToken } from '../../src/services/principals.ts';
import { DEFAULT_LIFECYCLE_POLICY } from '../../src/domain/takedown-lifecycle.ts';

const ZONES = `account_id,account_name,account_email,zone,mode,origin
h1,Hosted One,one@hosted.test,hosted-one.example,hosted,198.51.100.1
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
  describe(`staff takedown commands on the notice page (Chromium, ${kind} store)`, () => {
    let s: TestServer;
    let browser: Browser;
    let now = new Date();
    let reporter: { token: string; id: string };
    let staffId: string;
    let noticeId: string;
    const state = async (url: string) =>
      (await s.store.db.selectFrom('notice_items').select('state').where('notice_id', '=', noticeId).where('url', '=', url).executeTakeFirstOrThrow()).state;
    const signIn = async (path: string): Promise<Page> => {
      const page = await (await browser.newContext()).newPage();
      await page.goto(s.url + path);
      await page.getByLabel('API token').fill(s.adminToken);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.waitForURL((u) => u.pathname !== '/login');
      return page;
    };

    before(async () => {
      s = await startTestServer(kind, { clock: () => now, config: { lifecyclePolicy: { ...DEFAULT_LIFECYCLE_POLICY, automaticRestore: false } } });
      browser = await launchBrowser();
      await s.loadZones(ZONES);
      staffId = (await principalForToken(s.store.db, s.adminToken))!.id;
      reporter = await s.reporter('desk@rights.test');
      const customer = (await createPrincipal(s.store.db, { role: 'customer', email: 'one@hosted.test', accountId: 'h1', actor: 'system' })).token;
      const r = await s.api('/v1/notices', { token: reporter.token, body: dmcaNotice([U('a'), U('b')]) });
      assert.equal(r.status, 201);
      noticeId = r.body.id;
      await waitUntil(
        () => s.api(`/v1/notices/${noticeId}`, { token: reporter.token }),
        (x) => x.body.status === 'processed',
        30_000,
        'processed',
      );
      assert.equal((await s.api(`/v1/notices/${noticeId}/review`, { token: s.adminToken, body: { action: 'disable', state: 'pending_review' } })).status, 200);
      assert.equal((await s.api(`/v1/notices/${noticeId}/counter-notice`, { token: customer, body: counterNotice([U('a')]) })).status, 201);
    });
    after(async () => {
      await browser?.close();
      await s?.close();
    });

    test('before the window: no restore button; refused commands and bad forms are answered beside the URL', async () => {
      const page = await signIn(`/staff/notices/${noticeId}`);
      const rowA = page.locator('tbody tr', { hasText: U('a') });
      await rowA.locator('summary').click();
      assert.equal(await rowA.getByRole('button', { name: /Restore the content/ }).count(), 0, 'the window is not open yet');
      assert.equal(await rowA.getByRole('button', { name: /Record the complainant’s withdrawal: URL 1/ }).count(), 1);
      await page.close();

      const staff = await webSession(s, staffId, `/staff/notices/${noticeId}`);
      const form = { position: '0', command: 'restore', reason: 'The complainant called' };
      assert.equal((await staff.post(`/staff/notices/${noticeId}/lifecycle`, form, { csrf: false })).status, 403, 'no CSRF token, no post');
      const early = await staff.post(`/staff/notices/${noticeId}/lifecycle`, form);
      assert.equal(early.status, 409);
      const earlyHtml = await early.text();
      assert.match(earlyHtml, /Restore the content is not possible: the content may be restored from \d{4}-\d{2}-\d{2}/);
      assert.ok(earlyHtml.includes('The complainant called'), 'the reason typed is kept');
      const noReason = await staff.post(`/staff/notices/${noticeId}/lifecycle`, { position: '1', command: 'close', reason: '' });
      assert.equal(noReason.status, 422);
      assert.match(await noReason.text(), /URL 2, reason: say why you act by hand/);
      assert.equal(await state(U('a')), 'content_disabled');

      const reporterSession = await webSession(s, reporter.id, '/my');
      const refused = await reporterSession.post(`/staff/notices/${noticeId}/lifecycle`, form);
      assert.ok([403, 404].includes(refused.status), `reporter refused (${refused.status})`);
    });

    test('after the window: restore with the keyboard alone, the result shown, off the edge', async () => {
      now = new Date(now.getTime() + 30 * 86_400_000);
      s.server.daemon.lifecycle.kick();
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(await state(U('a')), 'content_disabled', 'automatic restore is off');

      const page = await signIn(`/staff/notices/${noticeId}`);
      const rowA = page.locator('tbody tr', { hasText: U('a') });
      assert.match((await rowA.locator('.step').innerText()).replace(/\s+/g, ' '), /Restore due on \d{4}-\d{2}-\d{2} Overdue/);
      // Keyboard only: open the URL's actions, type the reason, press the button.
      await rowA.locator('summary').focus();
      await page.keyboard.press('Enter');
      const reason = rowA.getByLabel('Why (required; kept on the timeline for staff)');
      assert.ok(await reason.isVisible());
      await page.keyboard.press('Tab');
      assert.equal(await reason.evaluate((el) => el === document.activeElement), true, 'the reason field follows the summary');
      await page.keyboard.type('Waiting period over, no court action');
      await page.keyboard.press('Tab');
      const restore = rowA.getByRole('button', { name: 'Restore the content: URL 1' });
      assert.equal(await restore.evaluate((el) => el === document.activeElement), true, 'the restore button is next');
      assert.deepEqual(await seriousAxeViolations(page), []);
      await screenshot(page, `staff-lifecycle-commands-open-${kind}`);
      await Promise.all([page.waitForURL((u) => u.searchParams.get('lc') === 'restore'), page.keyboard.press('Enter')]);

      assert.equal(await page.getByRole('status').innerText(), 'URL 1: restored and the case closed; the customer and the complainant have been told.');
      const after = page.locator('tbody tr', { hasText: U('a') });
      assert.match(
        (await after.locator('.step').innerText()).replace(/\s+/g, ' '),
        /^Restored after the counter notice \(case closed\) Restored on .* restored by staff \d{4}-\d{2}-\d{2} · closed \d{4}-\d{2}-\d{2}$/,
      );
      assert.equal(await after.locator('summary').count(), 0, 'nothing left to do for it');
      assert.match(await after.innerText(), /Restored after a counter notice/);
      assert.match(
        await page.locator('.timeline').innerText(),
        /Staff acted on the takedown: 1 URL restored and the case closed \(“Waiting period over, no court action”\)/,
      );
      assert.deepEqual(await seriousAxeViolations(page), []);
      await screenshot(page, `staff-lifecycle-commands-restored-${kind}`);
      await page.setViewportSize({ width: 375, height: 800 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `no sideways scrolling (overflow ${overflow}px)`);

      assert.equal(await state(U('a')), 'restored');
      const feed = JSON.stringify((await s.api('/v1/edge/blocklist', { token: s.adminToken })).body);
      assert.ok(!feed.includes('hosted-one.example/a'));
      assert.ok(feed.includes('hosted-one.example/b'));
      const ev = (await s.api(`/v1/notices/${noticeId}/events?scope=all&limit=5000`, { token: s.adminToken })).body.events.find(
        (e: { type: string; data: { step?: string } }) => e.type === 'item.lifecycle' && e.data.step === 'lifecycle_command',
      );
      assert.equal(ev.actor, `principal:${staffId}`);
    });
  });
}
