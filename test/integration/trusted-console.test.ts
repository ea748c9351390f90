// The staff console's trusted reporter pages in Chromium: applications listed with their terms,
// approve and revoke through CSRF-protected forms with labelled fields, a reason required to
// revoke, the disclosure log page, reporters kept out, and no serious accessibility problems.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server.ts';
import { launchBrowser, screenshot, seriousAxeViolations } from '../support/browser.ts';
import { TRUSTED_REPORTER_TERMS } from '../../src/domain/trusted-reporter.ts';

describe('trusted reporters in the staff console (Chromium)', () => {
  let s: TestServer;
  let browser: Browser;
  let reporter: { token: string; id: string };

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
    reporter = await s.reporter('agency@rights.test');
    const r = await s.api('/v1/trusted-reporter/application', {
      token: reporter.token,
      body: {
        organisation: 'Rights Agency',
        purpose: 'Pursue hosts of pirate sites',
        contact: 'legal@agency.test',
        accept_terms: true,
        terms_version: TRUSTED_REPORTER_TERMS.version,
      },
    });
    assert.equal(r.status, 201);
  });
  after(async () => {
    await browser?.close();
    await s?.close();
  });

  test('staff approve an application and revoke it with a reason; reporters are kept out', async () => {
    const page = await signIn(s.adminToken, '/staff/trusted-reporters');
    assert.equal(new URL(page.url()).pathname, '/staff/trusted-reporters');
    await page.getByRole('link', { name: 'Trusted reporters' }).first().waitFor();
    const row = page.getByRole('row', { name: /Rights Agency/ });
    assert.match(await row.innerText(), new RegExp(TRUSTED_REPORTER_TERMS.version));
    assert.deepEqual(await seriousAxeViolations(page), []);
    await row.getByLabel('Trusted until (optional)').fill('2099-12-31');
    await row.getByRole('button', { name: 'Approve this application' }).click();
    await page.getByRole('status').filter({ hasText: 'The application was approved.' }).waitFor();
    const list = await s.api('/v1/trusted-reporters', { token: s.adminToken });
    assert.equal(list.body.trusted_reporters[0].status, 'active');
    assert.equal(list.body.trusted_reporters[0].expires_at, '2099-12-31T23:59:59.000Z');

    // Revoking without a reason: the browser's own check is bypassed to see the server's answer.
    const active = page.getByRole('row', { name: /Rights Agency/ });
    await active.getByLabel('Reason (required)').evaluate((el) => el.removeAttribute('required'));
    await active.getByRole('button', { name: 'Revoke this application' }).click();
    await page
      .getByText(/reason must not be empty/)
      .first()
      .waitFor();
    assert.equal((await s.api('/v1/trusted-reporters', { token: s.adminToken })).body.trusted_reporters[0].status, 'active');
    await page
      .getByRole('row', { name: /Rights Agency/ })
      .getByLabel('Reason (required)')
      .fill('Published disclosed addresses');
    await page
      .getByRole('row', { name: /Rights Agency/ })
      .getByRole('button', { name: 'Revoke this application' })
      .click();
    await page.getByRole('status').filter({ hasText: 'The application was revoked.' }).waitFor();
    const after = (await s.api('/v1/trusted-reporters', { token: s.adminToken })).body.trusted_reporters[0];
    assert.equal(after.status, 'revoked');
    assert.equal(after.decision_reason, 'Published disclosed addresses');
    await screenshot(page, 'staff-trusted-reporters');

    await page.goto(s.url + '/staff/disclosures');
    await page.getByRole('heading', { name: 'Origin disclosures' }).waitFor();
    assert.deepEqual(await seriousAxeViolations(page), []);

    // A form post without the CSRF token changes nothing.
    const forged = await fetch(`${s.url}/staff/trusted-reporters/${after.id}/approve`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ') },
      body: 'reason=x',
    });
    assert.equal(forged.status, 403);

    const asReporter = await signIn(reporter.token, '/staff/trusted-reporters');
    assert.match(await asReporter.locator('h1').innerText(), /Not for your account/);
  });
});
