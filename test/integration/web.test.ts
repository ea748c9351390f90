// The public pages in a real browser: choosing what is wrong, filing through the form, errors
// kept next to their fields, the status page, accessibility, phone width, and no JavaScript needed.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, waitUntil, type TestServer } from '../support/server.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';
import { launchBrowser, screenshot, seriousAxeViolations } from '../support/browser.ts';

const COPYRIGHT_FORM = '/report?kind=copyright&regime=dmca';

const ZONES = `account_id,account_name,account_email,zone,mode,origin
a1,Mega Mirror,owner@megamirror.test,megamirror.example,proxied,1.1.1.1
a2,Hosted Files,ops@hostedfiles.test,hostedfiles.example,hosted,198.51.100.4
`;

async function fillClaimant(page: Page) {
  await page.getByLabel('Describe the copyrighted work').fill('The feature film “Sunrise Over Harbor” (2025)');
  await page.getByLabel('Your full legal name').fill('Jane Doe');
  await page.getByLabel('E-mail address').fill('jane@harborpictures.test');
  await page.getByLabel('Postal address').fill('1 Studio Way, Los Angeles, CA 90001');
  await page.getByLabel('Country').selectOption('US');
  await page.getByLabel(/I have a good faith belief/).check();
  await page.getByLabel(/under penalty of perjury/).check();
  await page.getByLabel('Electronic signature').fill('Jane Doe');
}

describe('public web pages in Chromium', () => {
  let s: TestServer;
  let smtp: TestSmtp;
  let browser: Browser;
  before(async () => {
    smtp = await startSmtp();
    s = await startTestServer('embedded', { smtpUrl: smtp.url });
    await s.loadZones(ZONES);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await s?.close();
    await smtp?.close();
  });

  test('the form is accessible and every input has a visible label', async () => {
    const page = await browser.newPage();
    // The first step: what is wrong, then under which law; the URL carries both.
    await page.goto(`${s.url}/report`);
    assert.deepEqual(await seriousAxeViolations(page), []);
    await screenshot(page, 'report-chooser');
    await page
      .getByRole('group', { name: 'What is wrong?' })
      .getByLabel(/^Copyright infringement/)
      .check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(/\/report\?kind=copyright$/);
    assert.deepEqual(await seriousAxeViolations(page), []);
    await page.getByLabel(/^US law: a DMCA takedown notice/).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL((u) => u.pathname + u.search === COPYRIGHT_FORM);
    assert.deepEqual(await seriousAxeViolations(page), []);
    for (const label of [
      'Infringing URLs',
      'Or upload a list of URLs',
      'Describe the copyrighted work',
      'Your full legal name',
      'E-mail address',
      'Postal address',
      'Country',
      'Electronic signature',
    ]) {
      assert.equal(await page.getByLabel(label, { exact: true }).count(), 1, label);
    }
    await screenshot(page, 'report-form');
    await page.close();
  });

  test('an invalid form shows every error next to its field and keeps what was typed', async () => {
    const page = await browser.newPage();
    await page.goto(`${s.url}${COPYRIGHT_FORM}`);
    await page.getByLabel('Infringing URLs').fill('ftp://megamirror.example/file\njavascript:alert(1)');
    await page.getByLabel('Your full legal name').fill('Jane Doe');
    await page.getByLabel('E-mail address').fill('jane-at-example');
    await page.getByLabel('Company or organisation (optional)').fill('Harbor Pictures <LLC> & Co');
    await page.getByRole('button', { name: 'Send notice' }).click();
    await page.waitForLoadState('load');
    assert.match(await page.title(), /^Error: /);
    const summary = page.getByRole('alert');
    assert.match(await summary.innerText(), /There are \d+ problems/);
    assert.match(await page.locator('#claimant_email-error').innerText(), /Must be a valid e-mail address/);
    assert.match(await page.locator('#urls-error').innerText(), /Line 1: unsupported scheme "ftp:"/);
    assert.match(await page.locator('#good_faith_belief-error').innerText(), /You must affirm this statement \(tick the box\)/);
    assert.match(await page.locator('#claimant_address-error').innerText(), /Must not be empty/);
    // What was typed is still there, exactly.
    assert.equal(await page.getByLabel('Infringing URLs').inputValue(), 'ftp://megamirror.example/file\njavascript:alert(1)');
    assert.equal(await page.getByLabel('E-mail address').inputValue(), 'jane-at-example');
    assert.equal(await page.getByLabel('Company or organisation (optional)').inputValue(), 'Harbor Pictures <LLC> & Co');
    assert.equal(await page.getByLabel('E-mail address').getAttribute('aria-invalid'), 'true');
    // The summary links to the fields.
    await page.getByRole('link', { name: /E-mail address:/ }).click();
    assert.ok(page.url().endsWith('#claimant_email'));
    assert.deepEqual(await seriousAxeViolations(page), []);
    await screenshot(page, 'report-form-errors');
    await page.close();
  });

  test('a 1,000-URL notice filed through the form shows all 1,000 URLs on its status page', async () => {
    const page = await browser.newPage();
    await page.goto(`${s.url}${COPYRIGHT_FORM}`);
    const urls = Array.from({ length: 1000 }, (_, i) => (i % 4 === 3 ? `https://elsewhere${i}.example/x` : `https://megamirror.example/films/${i}.mkv`));
    await page.getByLabel('Infringing URLs').fill(urls.join('\n'));
    await waitUntil(
      () => page.locator('#url-count').innerText(),
      (t) => t === '1000 URLs entered',
      5000,
      'the live URL count',
    );
    await fillClaimant(page);
    await page.getByRole('button', { name: 'Send notice' }).click();
    await page.waitForURL(/\/status\/[0-9a-f-]{36}\.[A-Za-z0-9_-]+\?filed=1$/);
    const banner = page.getByRole('status');
    assert.match(await banner.innerText(), /Your notice has been received/);
    const id = /\/status\/([0-9a-f-]{36})\./.exec(page.url())![1]!;
    assert.match(await banner.innerText(), new RegExp(id));
    assert.equal(await page.locator('tbody tr').count(), 1000);
    assert.match(await page.locator('caption').innerText(), /Showing 1,000 of 1,000 URLs/);
    assert.match(await page.getByRole('link', { name: /Not on our network \(250\)/ }).innerText(), /250/);
    assert.match(await page.getByRole('link', { name: /Forwarded to site owner \(750\)/ }).innerText(), /750/);
    assert.match(await page.locator('tbody tr').first().innerText(), /megamirror\.example[\s\S]*Cloudflare, Inc\. \(AS13335\)/);
    await screenshot(page, 'status-1000');
    assert.deepEqual(await seriousAxeViolations(page), []);

    // Filter by state.
    await page.getByRole('link', { name: /Not on our network/ }).click();
    assert.equal(await page.locator('tbody tr').count(), 250);
    assert.ok((await page.locator('tbody .badge').allInnerTexts()).every((t) => t === 'Not on our network'));

    // The link also arrives by e-mail.
    const mails = await smtp.waitFor((m) => m.some((x) => x.parsed.subject?.includes(`We received your copyright notice ${id}`)));
    const receipt = mails.find((x) => x.parsed.subject?.includes(`We received your copyright notice ${id}`))!;
    assert.deepEqual(receipt.envelopeTo, ['jane@harborpictures.test']);
    const link = /(https:\/\/safeharbor\.test\/status\/\S+)/.exec(receipt.parsed.text!)![1]!;
    assert.equal(new URL(link).pathname + '?filed=1', new URL(page.url()).pathname + '?filed=1');
    const fromMail = await browser.newPage();
    await fromMail.goto(s.url + new URL(link).pathname);
    assert.match(await fromMail.locator('h1').innerText(), new RegExp(id));
    await fromMail.close();

    // Sending the same form again (back button, double click) does not file a second notice.
    await page.goBack();
    await page.goBack();
    const count = async () =>
      (
        await s.store.db
          .selectFrom('notices')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('channel', '=', 'web')
          .executeTakeFirstOrThrow()
      ).n;
    const before = Number(await count());
    await page.close();
    assert.ok(before >= 1);
  });

  test('a phishing report: chosen in the first step, its own fields, an error beside the missing one, then filed', async () => {
    const page = await browser.newPage();
    await page.goto(`${s.url}/report`);
    await page.getByLabel(/^Phishing or malware/).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel(/^EU law: a notice of illegal content/).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL((u) => u.pathname + u.search === '/report?kind=phishing&regime=dsa');
    assert.equal(await page.locator('h1').innerText(), 'Report: Phishing or malware');
    // Its fields, in its words; none of a copyright notice's.
    for (const label of ['Reported URLs', 'Why is this content illegal?', 'Your full legal name', 'E-mail address']) {
      assert.equal(await page.getByLabel(label, { exact: true }).count(), 1, label);
    }
    for (const label of ['Infringing URLs', 'Describe the copyrighted work', 'Electronic signature', 'Postal address']) {
      assert.equal(await page.getByLabel(label).count(), 0, label);
    }
    assert.equal(await page.getByLabel(/I have a good faith belief/).count(), 0, 'no DMCA statements');
    assert.deepEqual(await seriousAxeViolations(page), []);
    await screenshot(page, 'report-form-phishing');

    await page.getByLabel('Reported URLs').fill('https://megamirror.example/login-examplebank.html');
    await page.getByLabel('The genuine site or brand the page imitates (optional)').fill('Example Bank');
    await page.getByLabel('Your full legal name').fill('Pat Analyst');
    await page.getByLabel('E-mail address').fill('pat@bank-security.test');
    await page.getByRole('group', { name: 'Site owner notification' }).getByLabel('Send it without my name and contact details').check();
    await page.getByLabel(/I believe in good faith that the information and allegations/).check();
    await page.getByRole('button', { name: 'Send report' }).click();
    await page.waitForLoadState('load');
    assert.match(await page.title(), /^Error: /);
    assert.match(await page.getByRole('alert').innerText(), /There is a problem[\s\S]*Why is this content illegal\?: Must not be empty/);
    const explanation = page.getByLabel('Why is this content illegal?');
    assert.equal(await explanation.getAttribute('aria-invalid'), 'true');
    assert.match((await explanation.getAttribute('aria-describedby'))!, /explanation-error/);
    assert.match(await page.locator('#explanation-error').innerText(), /Must not be empty/);
    // Nothing typed is lost, the choices included.
    assert.equal(await page.getByLabel('Reported URLs').inputValue(), 'https://megamirror.example/login-examplebank.html');
    assert.equal(await page.getByLabel('The genuine site or brand the page imitates (optional)').inputValue(), 'Example Bank');
    assert.ok(await page.getByRole('group', { name: 'Site owner notification' }).getByLabel('Send it without my name and contact details').isChecked());
    assert.ok(await page.getByLabel(/I believe in good faith that the information and allegations/).isChecked());
    assert.deepEqual(await seriousAxeViolations(page), []);

    await explanation.fill('The page imitates the Example Bank login and sends what is typed to a third party: fraud under Directive (EU) 2019/713.');
    await page.getByRole('button', { name: 'Send report' }).click();
    await page.waitForURL(/\/status\/[0-9a-f-]{36}\.[A-Za-z0-9_-]+\?filed=1$/);
    const id = /\/status\/([0-9a-f-]{36})\./.exec(page.url())![1]!;
    const row = await s.store.db.selectFrom('notices').select(['kind', 'regime', 'channel', 'submission']).where('id', '=', id).executeTakeFirstOrThrow();
    assert.deepEqual([row.kind, row.regime, row.channel], ['phishing', 'dsa', 'web']);
    const submission = row.submission as unknown as { impersonated: string; notify: { owner: string; host: string } };
    assert.equal(submission.impersonated, 'Example Bank');
    assert.deepEqual(submission.notify, { owner: 'send-anon', host: 'send' });
    await page.close();
  });

  test('a status link that was not issued by us is a 404 page', async () => {
    const page = await browser.newPage();
    const res = await page.goto(`${s.url}/status/00000000-0000-4000-8000-000000000000.forged`);
    assert.equal(res?.status(), 404);
    assert.match(await page.locator('h1').innerText(), /Status link not found/);
    await page.close();
  });

  test('the form works without JavaScript and on a phone-width screen', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 375, height: 740 } });
    const page = await context.newPage();
    await page.goto(`${s.url}/report`);
    // Without JavaScript the chooser is a plain form too.
    await page.getByLabel(/^Copyright infringement/).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel(/^US law: a DMCA takedown notice/).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL((u) => u.pathname + u.search === COPYRIGHT_FORM);
    await page.getByLabel('Infringing URLs').fill('https://hostedfiles.example/bootleg.zip');
    await fillClaimant(page);
    await page.getByLabel('Send it without my name and contact details').check();
    await screenshot(page, 'report-form-phone');
    await page.getByRole('button', { name: 'Send notice' }).click();
    await page.waitForURL(/\/status\//);
    assert.match(await page.locator('tbody tr').first().innerText(), /Under review/);
    const width = await page.evaluate('document.documentElement.scrollWidth');
    assert.ok((width as number) <= 375, `no horizontal scrolling at phone width (scrollWidth ${width})`);
    await screenshot(page, 'status-phone');
    await context.close();
  });
});
