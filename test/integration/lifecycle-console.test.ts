// The staff notice page shows, per URL, where it stands in the takedown lifecycle and its restore
// date, in Chromium, on both stores, with a clock the test moves: disabled and the customer
// notified, a counter notice with the restore date, a court action, a retraction, a restore
// after the waiting period; a proxied URL has no step. On a notice longer than one page, the URL
// on the second page shows its step too (the page reads the lifecycles of its own items only).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { storeKinds } from '../support/stores.ts';
import { startTestServer, dmcaNotice, waitUntil, type TestServer } from '../support/server.ts';
import { launchBrowser, screenshot, seriousAxeViolations } from '../support/browser.ts';
import { createPrincipal } from '../../src/services/principals.ts';
import { localDate } from '../../src/domain/business-days.ts';

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
const courtAction = {
  court: 'U.S. District Court for the Central District of California',
  case_number: '2:26-cv-01234',
  filed_on: '2026-01-05',
  statement: true,
  signer_name: 'Jane Doe',
  signature: 'Jane Doe',
};

for (const kind of storeKinds()) {
  describe(`takedown lifecycle on the staff notice page (Chromium, ${kind} store)`, () => {
    let s: TestServer;
    let browser: Browser;
    let now = new Date();
    let reporter: { token: string; id: string };
    let customer: string;
    let noticeId: string;
    const TZ = 'America/New_York';

    const signIn = async (path: string): Promise<Page> => {
      const page = await (await browser.newContext()).newPage();
      await page.goto(s.url + path);
      await page.getByLabel('API token').fill(s.adminToken);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.waitForURL((u) => u.pathname !== '/login');
      return page;
    };
    const fileNotice = async (urls: string[]) => {
      const r = await s.api('/v1/notices', { token: reporter.token, body: dmcaNotice(urls) });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      await waitUntil(
        () => s.api(`/v1/notices/${r.body.id}`, { token: reporter.token }),
        (x) => x.body.status === 'processed',
        30_000,
        'processed',
      );
      const dis = await s.api(`/v1/notices/${r.body.id}/review`, { token: s.adminToken, body: { action: 'disable', state: 'pending_review' } });
      assert.equal(dis.status, 200, JSON.stringify(dis.body));
      return r.body.id as string;
    };
    const wakeOf = async (id: string, url: string) =>
      new Date(
        (
          await s.store.db
            .selectFrom('item_lifecycles as l')
            .innerJoin('notice_items as i', 'i.id', 'l.item_id')
            .select('l.next_wake_at')
            .where('i.notice_id', '=', id)
            .where('i.url', '=', url)
            .executeTakeFirstOrThrow()
        ).next_wake_at!,
      );

    before(async () => {
      s = await startTestServer(kind, { clock: () => now });
      browser = await launchBrowser();
      await s.loadZones(ZONES);
      reporter = await s.reporter('desk@rights.test');
      customer = (await createPrincipal(s.store.db, { role: 'customer', email: 'one@hosted.test', accountId: 'h1', actor: 'system' })).token;
      noticeId = await fileNotice([U('a'), U('b'), U('c'), U('d'), U('e'), 'https://proxied-one.example/x']);

      // e: countered, and restored once the waiting period has passed.
      assert.equal((await s.api(`/v1/notices/${noticeId}/counter-notice`, { token: customer, body: counterNotice([U('e')]) })).status, 201);
      const due = await wakeOf(noticeId, U('e'));
      now = new Date(due.getTime() + 60_000);
      s.server.daemon.lifecycle.kick();
      await waitUntil(
        () => s.store.db.selectFrom('notice_items').select('state').where('notice_id', '=', noticeId).where('url', '=', U('e')).executeTakeFirstOrThrow(),
        (i) => i.state === 'restored',
        15_000,
        'e restored',
      );
      // a and b: countered now; b then goes to court. c: retracted. d: left as it was.
      assert.equal((await s.api(`/v1/notices/${noticeId}/counter-notice`, { token: customer, body: counterNotice([U('a'), U('b')]) })).status, 201);
      const ca = await s.api(`/v1/notices/${noticeId}/court-action`, { token: reporter.token, body: { ...courtAction, urls: [U('b')] } });
      assert.ok([200, 201].includes(ca.status), JSON.stringify(ca.body));
      const re = await s.api(`/v1/notices/${noticeId}/retraction`, {
        token: reporter.token,
        body: { urls: [U('c')], reason: 'Licensed after all', signature: 'Jane Doe' },
      });
      assert.ok([200, 201].includes(re.status), JSON.stringify(re.body));
    });
    after(async () => {
      await browser?.close();
      await s?.close();
    });

    test('each URL’s step and its restore date', async () => {
      const page = await signIn(`/staff/notices/${noticeId}`);
      const row = (x: string) => page.locator('tbody tr', { hasText: x });
      const step = async (x: string) => (await row(x).locator('.step').innerText()).replace(/\s+/g, ' ');
      const restoreA = localDate(await wakeOf(noticeId, U('a')), TZ);
      assert.match(
        await step(U('a')),
        new RegExp(
          `^Counter notice received; copy sent to the complainant Restore due on ${restoreA} disabled \\d{4}-\\d{2}-\\d{2} · customer notified \\d{4}-\\d{2}-\\d{2} · counter notice received ${localDate(now, TZ)} · copy sent to the complainant ${localDate(now, TZ)}$`,
        ),
      );
      assert.equal(await row(U('a')).locator('.restore time').getAttribute('datetime'), (await wakeOf(noticeId, U('a'))).toISOString());
      assert.match(
        await step(U('b')),
        /^Court action filed; stays disabled Court action: U\.S\. District Court for the Central District of California, 2:26-cv-01234 \(filed 2026-01-05\)/,
      );
      assert.doesNotMatch(await step(U('b')), /Restore due/);
      assert.match(
        await step(U('c')),
        /^Retracted by the complainant \(case closed\) disabled [\d-]+ · customer notified [\d-]+ · retracted [\d-]+ · closed [\d-]+$/,
      );
      assert.match(await step(U('d')), /^Disabled; customer notified disabled [\d-]+ · customer notified [\d-]+$/);
      assert.match(
        await step(U('e')),
        new RegExp(
          `^Restored after the counter notice \\(case closed\\) Restored on ${localDate(now, TZ)}.*restored on schedule ${localDate(now, TZ)} · closed ${localDate(now, TZ)}$`,
        ),
      );
      assert.equal(await row('proxied-one.example/x').locator('.step').count(), 0, 'a forwarded URL is not in the takedown lifecycle');
      // The badges still say what the edge does with each URL.
      assert.match(await row(U('a')).innerText(), /Content disabled/);
      assert.match(await row(U('e')).innerText(), /Restored after a counter notice/);
      assert.deepEqual(await seriousAxeViolations(page), []);
      await screenshot(page, `staff-notice-lifecycle-${kind}`);

      // Phone width: no sideways scrolling with the steps in the cards.
      await page.setViewportSize({ width: 375, height: 800 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `no sideways scrolling (overflow ${overflow}px)`);
    });

    test('a notice longer than one page: the URL on the second page shows its step and restore date', async () => {
      const urls = Array.from({ length: 503 }, (_, i) => U(`bulk/${i}`));
      const id = await fileNotice(urls);
      assert.equal((await s.api(`/v1/notices/${id}/counter-notice`, { token: customer, body: counterNotice([U('bulk/502')]) })).status, 201);
      const page = await signIn(`/staff/notices/${id}`);
      assert.equal(await page.locator('tbody tr').count(), 500);
      assert.match(
        await page
          .locator('tbody tr', { hasText: U('bulk/0') })
          .locator('.step')
          .innerText(),
        /Disabled; customer notified/,
      );
      await page.getByRole('link', { name: 'Next 500 URLs' }).click();
      await page.waitForLoadState('load');
      assert.equal(await page.locator('tbody tr').count(), 3);
      const last = page.locator('tbody tr', { hasText: U('bulk/502') });
      assert.match(await last.locator('.step').innerText(), new RegExp(`Restore due on ${localDate(await wakeOf(id, U('bulk/502')), TZ)}`));
      assert.match(
        await page
          .locator('tbody tr', { hasText: U('bulk/501') })
          .locator('.step')
          .innerText(),
        /^Disabled; customer notified/,
      );
    });
  });
}
