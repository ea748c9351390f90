// The staff console and the customer portal in a real browser: signing in (API token, e-mailed
// link), roles on every page, the queue, bulk decisions that reach the reporter's status page
// and mailbox, account pages, search, and customers seeing only their own notices.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestServer, dmcaNotice, waitUntil, type TestServer } from '../support/server.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';
import { launchBrowser, screenshot, seriousAxeViolations } from '../support/browser.ts';

const ZONES = `account_id,account_name,account_email,zone,mode,origin
acme,Acme Hosting Customer,owner@acme.test,acme-files.example,hosted,198.51.100.4
acme,Acme Hosting Customer,owner@acme.test,acme-blog.example,proxied,203.0.113.9
beta,Beta Streams,ops@beta.test,beta-streams.example,proxied,1.1.1.1
gamma,Gamma Uploads,legal@gamma.test,gamma-uploads.example,hosted,198.51.100.77
`;

async function signInWithToken(context: BrowserContext, base: string, token: string, path = '/staff'): Promise<Page> {
  const page = await context.newPage();
  await page.goto(base + path);
  assert.match(new URL(page.url()).pathname, /^\/login$/, 'a stranger is sent to the sign-in page');
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((u) => u.pathname === path);
  return page;
}

describe('staff console and customer portal in Chromium', () => {
  let s: TestServer;
  let smtp: TestSmtp;
  let browser: Browser;
  let hostedNotice: string; // acme-files (hosted) ×3, beta (proxied) ×1, gamma (hosted) ×1
  let otherNotice: string; // beta only
  const statusPath = (id: string) => `/status/${s.server.context.links.key(id)}`;

  before(async () => {
    smtp = await startSmtp();
    s = await startTestServer('embedded', { smtpUrl: smtp.url });
    await s.loadZones(ZONES);
    browser = await launchBrowser();
    const reporter = await s.reporter('agency@rights.test');
    const a = await s.api('/v1/notices', {
      token: reporter.token,
      body: dmcaNotice([
        'https://acme-files.example/uploads/sunrise-1.mkv',
        'https://acme-files.example/uploads/sunrise-2.mkv',
        'https://acme-files.example/uploads/sunrise-3.mkv',
        'https://beta-streams.example/watch/sunrise',
        'https://gamma-uploads.example/f/sunrise.zip',
      ]),
    });
    assert.equal(a.status, 201);
    hostedNotice = a.body.id;
    const b = await s.api('/v1/notices', { token: reporter.token, body: dmcaNotice(['https://beta-streams.example/watch/other-film']) });
    assert.equal(b.status, 201);
    otherNotice = b.body.id;
    await waitUntil(
      () => s.api(`/v1/notices/${hostedNotice}`, { token: reporter.token }),
      (r) => r.body.status === 'processed',
      10_000,
      'notice processed',
    );
  });
  after(async () => {
    await browser?.close();
    await s?.close();
    await smtp?.close();
  });

  test('staff sign in with the API token and see the queue, oldest first, with counts', async () => {
    const context = await browser.newContext();
    const page = await signInWithToken(context, s.url, s.adminToken);
    assert.match(await page.locator('h1').innerText(), /Review queue/);
    assert.match(await page.getByRole('list', { name: 'Desk at a glance' }).innerText(), /4\s+URLs waiting for review/);
    const rows = page.locator('tbody tr');
    assert.equal(await rows.count(), 1, 'only the notice with hosted content waits for review');
    assert.match(await rows.first().innerText(), /Jane Doe[\s\S]*agency@rights\.test[\s\S]*4 \/ 5/);
    assert.deepEqual(await seriousAxeViolations(page), []);
    await screenshot(page, 'staff-queue');

    // Filters: forwarded items, by account.
    await page.getByLabel('URLs in state').selectOption('forwarded');
    await page.getByLabel('Account id').fill('beta');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForLoadState('load');
    assert.equal(await rows.count(), 2, 'both notices have forwarded URLs of beta');
    await page.getByLabel('Account id').fill('gamma');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForLoadState('load');
    assert.match(await page.locator('.empty').innerText(), /Nothing is waiting/);
    await context.close();
  });

  test('staff reject one URL with a reason; the reporter sees it on the status page and by e-mail', async () => {
    const context = await browser.newContext();
    const page = await signInWithToken(context, s.url, s.adminToken);
    await page.locator('tbody tr').first().getByRole('link').click();
    await page.waitForURL(/\/staff\/notices\//);
    assert.match(await page.locator('h1').innerText(), new RegExp(hostedNotice));
    // Staff see whose zone it is and the origin recorded when the notice was filed.
    assert.match(await page.locator('tbody tr').first().innerText(), /account acme[\s\S]*198\.51\.100\.4/);
    assert.deepEqual(await seriousAxeViolations(page), []);
    await screenshot(page, 'staff-notice');

    await page.getByLabel(/Select URL 2: /).check();
    await page.getByLabel('Decision', { exact: true }).selectOption('reject');
    await page.getByLabel('Reason for rejecting').selectOption('material_not_found');
    await page.getByLabel(/Note to the reporter/).fill('The file was replaced by a trailer before we looked.');
    await page.getByRole('button', { name: 'Apply decision' }).click();
    await page.waitForLoadState('load');
    assert.match(await page.getByRole('status').innerText(), /1 URL rejected; the reporter has been told/);
    // The queue opened the notice filtered to URLs under review: the rejected one has left that list.
    assert.equal(await page.locator('tbody tr', { hasText: 'sunrise-2.mkv' }).count(), 0);
    await page.getByRole('link', { name: /^All \(5\)/ }).click();
    await page.waitForLoadState('load');
    const row2 = page.locator('tbody tr', { hasText: 'sunrise-2.mkv' });
    assert.match(await row2.innerText(), /Rejected[\s\S]*does not show the material[\s\S]*replaced by a trailer/);
    assert.match(await page.locator('ol.timeline').innerText(), /Staff decision: 1 URL rejected/);

    // The reporter's private status page shows the decision and its reason.
    const reporterPage = await browser.newPage();
    await reporterPage.goto(s.url + statusPath(hostedNotice));
    const second = reporterPage.locator('tbody tr').nth(1);
    assert.match(
      await second.innerText(),
      /sunrise-2\.mkv[\s\S]*Rejected[\s\S]*The reported URL does not show the material described in the notice\. The file was replaced by a trailer/,
    );
    assert.match(await reporterPage.locator('ol.timeline').innerText(), /Staff decision: 1 URL rejected/);
    // The timeline does not name the staff member.
    assert.doesNotMatch(await reporterPage.locator('ol.timeline').innerText(), /principal:/);
    await reporterPage.close();

    const mails = await smtp.waitFor((m) => m.some((x) => x.parsed.subject?.includes(`Decision on your copyright notice ${hostedNotice}`)));
    const decision = mails.find((x) => x.parsed.subject?.includes(`Decision on your copyright notice ${hostedNotice}`))!;
    assert.deepEqual(decision.envelopeTo, ['jane@harborpictures.test']);
    assert.match(decision.parsed.text!, /Rejected \(1\): The reported URL does not show[\s\S]*sunrise-2\.mkv/);

    // Sending the same decision again changes nothing and sends nothing.
    await page.getByLabel(/Select URL 2: /).check();
    await page.getByLabel('Reason for rejecting').selectOption('material_not_found');
    await page.getByRole('button', { name: 'Apply decision' }).click();
    await page.waitForLoadState('load');
    assert.match(await page.getByRole('status').innerText(), /No URL was rejected, and no one was told. 1 selected URL was left as it was/);
    await context.close();
  });

  test('a decision with missing fields shows the errors and keeps the note', async () => {
    const context = await browser.newContext();
    const page = await signInWithToken(context, s.url, s.adminToken, `/staff/notices/${hostedNotice}`);
    await page.getByLabel('Reason for rejecting').selectOption('other');
    await page.getByLabel(/Note to the reporter/).fill('   ');
    await page.getByRole('button', { name: 'Apply decision' }).click();
    await page.waitForLoadState('load');
    const summary = await page.getByRole('alert').innerText();
    assert.match(summary, /URLs: Tick at least one URL/);
    assert.match(summary, /Note: say why in the note when the reason is "other"/);
    assert.equal(await page.getByLabel('Reason for rejecting').inputValue(), 'other');
    await context.close();
  });

  test('staff disable hosted content for a whole state at once and ask the reporter a question', async () => {
    const context = await browser.newContext();
    const page = await signInWithToken(context, s.url, s.adminToken, `/staff/notices/${hostedNotice}`);
    await page.getByRole('link', { name: /Under review \(3\)/ }).click();
    await page.waitForLoadState('load');
    assert.equal(await page.locator('tbody tr').count(), 3);
    await page.getByLabel(/all 3 URLs that are/).check();
    await page.getByLabel('Decision', { exact: true }).selectOption('disable');
    await page.getByRole('button', { name: 'Apply decision' }).click();
    await page.waitForLoadState('load');
    assert.match(await page.getByRole('status').innerText(), /3 URLs disabled; the reporter and the site owner have been told/);

    // Each customer hears about its own content only.
    const mails = await smtp.waitFor(
      (m) => m.filter((x) => x.parsed.subject?.includes(`Content disabled after copyright notice ${hostedNotice}`)).length === 2,
    );
    const takedowns = mails.filter((x) => x.parsed.subject?.includes(`Content disabled after copyright notice ${hostedNotice}`));
    const toAcme = takedowns.find((x) => x.envelopeTo[0] === 'owner@acme.test')!;
    const toGamma = takedowns.find((x) => x.envelopeTo[0] === 'legal@gamma.test')!;
    assert.match(toAcme.parsed.text!, /sunrise-1\.mkv\n.*sunrise-3\.mkv/);
    assert.doesNotMatch(toAcme.parsed.text!, /gamma-uploads/);
    assert.match(toGamma.parsed.text!, /gamma-uploads\.example\/f\/sunrise\.zip/);
    assert.doesNotMatch(toGamma.parsed.text!, /acme-files/);

    await page.getByLabel('Ask the reporter for more information').fill('Please send the registration number of the work.');
    await page.getByRole('button', { name: 'Send the question' }).click();
    await page.waitForLoadState('load');
    assert.match(await page.getByRole('status').innerText(), /Your question was sent/);
    const q = await smtp.waitFor((m) => m.some((x) => x.parsed.subject?.includes('More information needed')));
    assert.match(q.find((x) => x.parsed.subject?.includes('More information needed'))!.parsed.text!, /registration number of the work/);
    const reporterPage = await browser.newPage();
    await reporterPage.goto(s.url + statusPath(hostedNotice));
    assert.match(await reporterPage.locator('ol.timeline').innerText(), /We asked for more information: “Please send the registration number of the work\.”/);
    await reporterPage.close();
    await context.close();
  });

  test('the account page shows zones, origin history, notices and strikes; search finds all of them', async () => {
    // An origin change after filing appears in the history.
    await s.loadZones(
      'account_id,account_name,account_email,zone,mode,origin\nacme,Acme Hosting Customer,owner@acme.test,acme-files.example,hosted,198.51.100.5\n',
    );
    const context = await browser.newContext();
    const page = await signInWithToken(context, s.url, s.adminToken, '/staff/accounts/acme');
    assert.match(await page.locator('h1').innerText(), /Acme Hosting Customer/);
    assert.match(await page.locator('dl.facts').innerText(), /Strikes\s+1/);
    assert.match(await page.locator('table').nth(0).innerText(), /acme-blog\.example[\s\S]*acme-files\.example[\s\S]*198\.51\.100\.5/);
    const history = await page.locator('table').nth(1).innerText();
    assert.match(history, /acme-files\.example\s+198\.51\.100\.5[\s\S]*now/);
    assert.match(history, /acme-files\.example\s+198\.51\.100\.4/);
    assert.match(await page.locator('table').nth(2).innerText(), new RegExp(`${hostedNotice.slice(0, 8)}[\\s\\S]*Content disabled: 2`));
    assert.deepEqual(await seriousAxeViolations(page), []);
    await screenshot(page, 'staff-account');

    const searchFor = async (q: string) => {
      await page.goto(`${s.url}/staff/search`);
      await page.getByLabel(/Notice number, URL, domain/).fill(q);
      await page.getByRole('button', { name: 'Search' }).click();
      await page.waitForLoadState('load');
      return page.locator('main').innerText();
    };
    assert.match(await searchFor(hostedNotice), new RegExp(`${hostedNotice}[\\s\\S]*5 URLs`));
    const byUrl = await searchFor('https://ACME-FILES.example/uploads/');
    for (const f of ['sunrise-1.mkv', 'sunrise-2.mkv', 'sunrise-3.mkv']) assert.ok(byUrl.includes(`https://acme-files.example/uploads/${f}`), f);
    assert.doesNotMatch(byUrl, /beta-streams/);
    const domain = await searchFor('beta-streams.example');
    assert.match(domain, /Zones[\s\S]*beta-streams\.example \(proxied\) — Beta Streams/);
    assert.match(domain, /watch\/other-film/);
    assert.match(await searchFor('agency@rights.test'), /Reporters[\s\S]*agency@rights\.test — 2 notices/);
    assert.match(await searchFor('jane@harborpictures.test'), /Notices[\s\S]*Jane Doe/);
    assert.match(await searchFor('Gamma'), /Accounts[\s\S]*Gamma Uploads \(gamma, legal@gamma\.test\)/);
    assert.match(await searchFor('nothing-like-this'), /Nothing found/);
    await screenshot(page, 'staff-search');
    await context.close();
  });

  test('a customer signs in with a link mailed to the account address and sees only its own notices', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${s.url}/portal`);
    await page.waitForURL(/\/login\?next=%2Fportal/);
    await page.getByLabel('E-mail address').fill('OWNER@acme.test');
    await page.getByRole('button', { name: 'E-mail me a sign-in link' }).click();
    await page.waitForLoadState('load');
    assert.match(await page.getByRole('status').innerText(), /Check your e-mail/);
    const mails = await smtp.waitFor((m) => m.some((x) => x.envelopeTo.includes('OWNER@acme.test') && x.parsed.subject?.includes('sign-in link')));
    const mail = mails.find((x) => x.envelopeTo.includes('OWNER@acme.test') && x.parsed.subject?.includes('sign-in link'))!;
    const link = /https:\/\/safeharbor\.test(\/login\/link\/\S+)/.exec(mail.parsed.text!)![1]!;
    assert.match(mail.parsed.text!, /Sign in as customer of Acme Hosting Customer/);
    await page.goto(s.url + link);
    await page.waitForURL((u) => u.pathname === '/portal');
    assert.match(await page.locator('main').innerText(), /Account: Acme Hosting Customer/);
    const rows = page.locator('tbody tr');
    assert.equal(await rows.count(), 1, 'the notice that named only beta is not shown');
    assert.match(await rows.first().innerText(), /Sunrise Over Harbor[\s\S]*3\s+Disabled by us: 2 · Rejected: no action needed: 1/);
    assert.deepEqual(await seriousAxeViolations(page), []);
    await screenshot(page, 'portal');

    await rows.first().getByRole('link').click();
    await page.waitForURL(/\/portal\/notices\//);
    const body = await page.locator('main').innerText();
    assert.match(body, /acme-files\.example\/uploads\/sunrise-1\.mkv/);
    assert.doesNotMatch(body, /beta-streams|gamma-uploads/, 'other customers’ URLs in the same notice stay hidden');
    assert.match(body, /you may send a counter notice under 17 U\.S\.C\. §512\(g\)\(3\), here/);
    assert.deepEqual(await seriousAxeViolations(page), []);
    await screenshot(page, 'portal-notice');

    // The counter notice by the form: every problem at once, then filed.
    const send = page.getByRole('button', { name: 'Send the counter notice' });
    await send.click();
    await page.waitForLoadState('load');
    assert.match(await page.getByRole('alert').innerText(), /There are \d+ problems/);
    assert.deepEqual(await seriousAxeViolations(page), []);
    await page.getByLabel('Full legal name', { exact: true }).fill('Acme Owner');
    await page.getByLabel('Postal address', { exact: true }).fill('1 Acme Road, Springfield, IL 62701');
    await page.getByLabel('Country (two-letter code, e.g. US)').fill('US');
    await page.getByLabel('Telephone', { exact: true }).fill('+1 217 555 0100');
    await page.getByLabel(/removed or disabled as a result of mistake or misidentification/).check();
    await page.getByLabel(/I consent to the jurisdiction/).check();
    await page.getByLabel(/I will accept service of process/).check();
    await page.getByLabel('Signature: type your full legal name').fill('Acme Owner');
    await send.click();
    await page.waitForURL(/countered=1/);
    assert.match(await page.locator('.flash').innerText(), /counter notice was received/);

    // Another customer's notice, the staff console: not for this customer.
    const other = await page.goto(`${s.url}/portal/notices/${otherNotice}`);
    assert.equal(other!.status(), 404);
    const staffPage = await page.goto(`${s.url}/staff`);
    assert.equal(staffPage!.status(), 403);
    const staffNotice = await page.goto(`${s.url}/staff/notices/${hostedNotice}`);
    assert.equal(staffNotice!.status(), 403);

    // A used link does not sign in again; signing out ends the session.
    const reused = await (await browser.newContext()).newPage();
    assert.equal((await reused.goto(s.url + link))!.status(), 410);
    await page.goto(`${s.url}/portal`);
    await page.getByRole('button', { name: /Sign out/ }).click();
    await page.waitForURL(/\/login$/);
    await page.goto(`${s.url}/portal`);
    await page.waitForURL(/\/login\?next=/);
    await context.close();
  });

  test('roles are enforced on the server: a reporter cannot open the console, forms need the CSRF token', async () => {
    const reporter = await s.reporter('someone@rights.test');
    const context = await browser.newContext();
    const page = await signInWithToken(context, s.url, reporter.token, '/my');
    assert.match(await page.locator('h1').innerText(), /Your notices/);
    assert.equal((await page.goto(`${s.url}/staff`))!.status(), 403);
    assert.equal((await page.goto(`${s.url}/staff/search?q=acme`))!.status(), 403);
    assert.equal((await page.goto(`${s.url}/portal`))!.status(), 403);
    // A cross-site form post (no CSRF token) from a signed-in staff browser is refused.
    const staff = await signInWithToken(await browser.newContext(), s.url, s.adminToken);
    const res = await staff.request.post(`${s.url}/staff/notices/${hostedNotice}/review`, { form: { action: 'reject', reason: 'duplicate', positions: '0' } });
    assert.equal(res.status(), 403);
    const item0 = await s.store.db
      .selectFrom('notice_items')
      .select('state')
      .where('notice_id', '=', hostedNotice)
      .where('position', '=', 0)
      .executeTakeFirstOrThrow();
    assert.equal(item0.state, 'content_disabled');
    // A wrong token is refused with a message, and the page keeps working.
    const anon = await (await browser.newContext()).newPage();
    await anon.goto(`${s.url}/login`);
    await anon.getByLabel('API token').fill('sh_not_a_real_token_at_all');
    await anon.getByRole('button', { name: 'Sign in', exact: true }).click();
    await anon.waitForLoadState('load');
    assert.match(await anon.locator('#token-error').innerText(), /not valid or has been revoked/);
    assert.deepEqual(await seriousAxeViolations(anon), []);
    await screenshot(anon, 'login-error');
    await context.close();
  });

  test('the console works at phone width', async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 800 } });
    const page = await signInWithToken(context, s.url, s.adminToken, `/staff/notices/${hostedNotice}`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `no sideways scrolling (overflow ${overflow}px)`);
    await screenshot(page, 'staff-notice-phone');
    await context.close();
  });
});
