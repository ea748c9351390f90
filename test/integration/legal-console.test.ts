// Legal process in the staff console, in Chromium: the queue lists open legal requests by
// deadline with the overdue one marked and a court-ordered domain that came back under another
// account; a request's page moves it on and records a production through CSRF-protected forms
// with labelled fields; no serious accessibility problems; reporters are kept out.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server.ts';
import { launchBrowser, screenshot, seriousAxeViolations } from '../support/browser.ts';

const ZONES = `account_id,account_name,account_email,zone,mode,origin
c1,Pirate Owner,owner@pirate.test,pirate-site.example,proxied,192.0.2.10
`;

describe('legal requests in the staff console (Chromium)', () => {
  let s: TestServer;
  let browser: Browser;
  let overdueId = '';
  let laterId = '';

  const signIn = async (token: string, path: string): Promise<Page> => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(s.url + path);
    await page.getByLabel('API token').fill(token);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL((u) => u.pathname !== '/login');
    return page;
  };

  before(async () => {
    s = await startTestServer('embedded');
    browser = await launchBrowser();
    await s.loadZones(ZONES);
    const base = { type: 'subpoena', authority: 'U.S. District Court, N.D. Cal.', requesting_party: 'Harbor Pictures LLC', targets: { domains: ['pirate-site.example'] } };
    const overdue = await s.api('/v1/legal-requests', { token: s.adminToken, body: { ...base, case_number: 'OVERDUE-1', received_at: '2026-01-02', deadline: '2026-01-15' } });
    const later = await s.api('/v1/legal-requests', { token: s.adminToken, body: { ...base, case_number: 'LATER-2', deadline: '2099-01-15' } });
    assert.equal(overdue.status, 201);
    assert.equal(later.status, 201);
    overdueId = overdue.body.id;
    laterId = later.body.id;
    const order = await s.api('/v1/legal-requests', { token: s.adminToken, body: { type: 'court_order', authority: 'High Court', case_number: 'HC-9', requesting_party: 'Studios', block_rules: ['examplepirate.*'] } });
    assert.equal(order.status, 201);
    await s.loadZones(`account_id,account_name,account_email,zone,mode,origin
c9,New Face,new@face.test,examplepirate.test,proxied,192.0.2.99
`);
  });
  after(async () => {
    await browser?.close();
    await s?.close();
  });

  test('the queue: deadlines first, the overdue one marked, the returned court-ordered domain named with its account', async () => {
    const page = await signIn(s.adminToken, '/staff');
    const section = page.getByRole('region', { name: 'Legal requests by deadline' });
    await section.waitFor();
    const rows = section.getByRole('row');
    const texts = await rows.allInnerTexts();
    const order = texts.map((t) => (t.includes('OVERDUE-1') ? 'OVERDUE-1' : t.includes('LATER-2') ? 'LATER-2' : null)).filter(Boolean);
    assert.deepEqual(order, ['OVERDUE-1', 'LATER-2']);
    assert.match(await section.getByRole('row', { name: /OVERDUE-1/ }).innerText(), /Overdue/);
    assert.doesNotMatch(await section.getByRole('row', { name: /LATER-2/ }).innerText(), /Overdue/);
    await section.getByText('Court-ordered domain examplepirate.test returned under account New Face (c9)').waitFor();
    assert.deepEqual(await seriousAxeViolations(page), []);
    await screenshot(page, 'staff-queue-legal');

    await section.getByRole('button', { name: 'Mark examplepirate.test under c9 as seen' }).click();
    await page.getByRole('region', { name: 'Legal requests by deadline' }).waitFor();
    assert.equal(await page.getByText('returned under account').count(), 0, 'acknowledged: no longer in the queue');
  });

  test('a request’s page: move it on, record a production with labelled fields, see it in the timeline', async () => {
    const page = await signIn(s.adminToken, `/staff/legal/${laterId}`);
    await page.getByRole('heading', { name: /LATER-2/ }).waitFor();
    assert.match(await page.getByRole('table').first().innerText(), /pirate-site\.example/);
    await page.getByLabel('Move the request to').selectOption('in_progress');
    await page.getByLabel('Note (optional)').fill('Valid on its face');
    await page.getByRole('button', { name: 'Change state' }).click();
    await page.getByRole('status').filter({ hasText: 'The state was changed.' }).waitFor();

    // Every problem at once, what was typed kept.
    await page.getByLabel('Payment details (reference to the billing record)').check();
    await page.getByLabel('IP addresses produced (one per line)').fill('999.1.1.1');
    await page.getByRole('button', { name: 'Record the production' }).click();
    await page.getByRole('alert').waitFor();
    assert.match(await page.getByRole('alert').innerText(), /billing system/);
    assert.equal(await page.getByLabel('IP addresses produced (one per line)').inputValue(), '999.1.1.1');
    assert.equal(await page.getByLabel('Payment details (reference to the billing record)').isChecked(), true);

    await page.getByLabel('Account holder’s name').check();
    await page.getByLabel('IP addresses (origin or sign-in)').check();
    await page.getByLabel('IP addresses produced (one per line)').fill('192.0.2.10');
    await page.getByLabel('Reference to the billing record (with payment details; never a card number)').fill('billing://c1/2026');
    await page.getByRole('button', { name: 'Record the production' }).click();
    await page.getByRole('status').filter({ hasText: 'The production was recorded' }).waitFor();
    assert.deepEqual(await seriousAxeViolations(page), []);
    await screenshot(page, 'staff-legal-request');

    const view = await s.api(`/v1/legal-requests/${laterId}`, { token: s.adminToken });
    assert.equal(view.body.state, 'produced');
    assert.deepEqual(view.body.productions[0].fields, ['account_name', 'payment_details', 'ip_addresses']);
    assert.deepEqual(view.body.productions[0].ip_addresses, ['192.0.2.10']);
    assert.match(await page.locator('ol.timeline').innerText(), /legal_request\.produced/);

    // A form post without the CSRF token changes nothing.
    const forged = await fetch(`${s.url}/staff/legal/${overdueId}/state`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ') },
      body: 'state=withdrawn',
    });
    assert.equal(forged.status, 403);
    assert.equal((await s.api(`/v1/legal-requests/${overdueId}`, { token: s.adminToken })).body.state, 'received');
  });

  test('reporters are kept out of the pages', async () => {
    const reporter = await s.reporter('agent@rights.test');
    const page = await signIn(reporter.token, `/staff/legal/${laterId}`);
    await page.goto(`${s.url}/staff/legal/${laterId}`);
    await page.getByRole('heading', { name: 'Not for your account' }).waitFor();
    assert.equal(await page.getByText('LATER-2').count(), 0);
  });
});
