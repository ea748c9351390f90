// Legal process in the staff console, in Chromium: the queue lists open legal requests by
// deadline with the overdue one marked and a court-ordered domain that came back under another
// account; a request's page moves it on and records a production through CSRF-protected forms
// with labelled fields; a new request is recorded through the console's form (every problem
// beside its field, what was typed kept, validated like the API, one request per form however
// often it is sent) and listed by state; no serious accessibility problems; reporters and
// customers are kept out of every page and form, and no form works without its CSRF token.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../support/server.ts';
import { launchBrowser, screenshot, seriousAxeViolations } from '../support/browser.ts';
import { webSession } from '../support/web-session.ts';
import { createPrincipal } from '../../src/services/principals.ts';

const ZONES = `account_id,account_name,account_email,zone,mode,origin
c1,Pirate Owner,owner@pirate.test,pirate-site.example,proxied,192.0.2.10
c2,Mirror Owner,owner@mirror.test,mirror-site.example,proxied,192.0.2.11
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
    const base = {
      type: 'subpoena',
      authority: 'U.S. District Court, N.D. Cal.',
      requesting_party: 'Harbor Pictures LLC',
      targets: { domains: ['pirate-site.example'] },
    };
    const overdue = await s.api('/v1/legal-requests', {
      token: s.adminToken,
      body: { ...base, case_number: 'OVERDUE-1', received_at: '2026-01-02', deadline: '2026-01-15' },
    });
    const later = await s.api('/v1/legal-requests', { token: s.adminToken, body: { ...base, case_number: 'LATER-2', deadline: '2099-01-15' } });
    assert.equal(overdue.status, 201);
    assert.equal(later.status, 201);
    overdueId = overdue.body.id;
    laterId = later.body.id;
    const order = await s.api('/v1/legal-requests', {
      token: s.adminToken,
      body: { type: 'court_order', authority: 'High Court', case_number: 'HC-9', requesting_party: 'Studios', block_rules: ['examplepirate.*'] },
    });
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
  test('a new legal request through the form: every problem beside its field with what was typed kept, then recorded, listed, and produced for one of its accounts', async () => {
    const page = await signIn(s.adminToken, '/staff/legal');
    await page.getByRole('heading', { name: 'Legal requests', level: 1 }).waitFor();
    assert.equal(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Legal requests' }).getAttribute('aria-current'), 'page');
    await page.getByRole('link', { name: 'New legal request' }).click();
    await page.waitForURL((u) => u.pathname === '/staff/legal/new');
    assert.deepEqual(await seriousAxeViolations(page), []);

    // Nothing chosen or typed: what is missing, in the form's words.
    await page.getByRole('button', { name: 'Record the legal request' }).click();
    await page.getByRole('alert').waitFor();
    assert.match(await page.locator('#lr-type-error').innerText(), /choose the kind of request/);
    assert.match(await page.locator('#lr-authority-error').innerText(), /name the issuing court or authority/);

    // Wrong in four ways at once: no case number, a date that does not exist, a line that is not a
    // domain, and block rules on a subpoena.
    await page.getByRole('radio', { name: /^Subpoena/ }).check();
    await page.getByLabel('Issued by', { exact: true }).fill('U.S. District Court, S.D.N.Y.');
    await page.getByLabel('Requested by', { exact: true }).fill('Harbor Pictures LLC');
    await page.getByLabel('Deadline', { exact: true }).fill('2026-02-30');
    await page.getByLabel('Domains named (one per line)').fill('pirate-site.example\nnot a domain');
    await page.getByLabel('Account ids named (one per line)').fill('c2');
    await page.getByLabel(/^Domain block rules/).fill('pirate-site.example');
    await page.getByLabel('Notes (optional)').fill('Served by hand at reception.');
    await page.getByRole('button', { name: 'Record the legal request' }).click();
    const summary = page.getByRole('alert');
    await summary.waitFor();
    assert.match(await summary.innerText(), /There are 4 problems/);
    assert.match(await page.locator('#lr-case_number-error').innerText(), /give the case or reference number/);
    assert.match(await page.locator('#lr-deadline-error').innerText(), /must be a date/);
    assert.match(await page.locator('#lr-target_domains-error').innerText(), /line 2: "not a domain" is not a domain name/);
    assert.match(await page.locator('#lr-block_rules-error').innerText(), /only a court order/);
    assert.equal(await page.getByLabel('Deadline', { exact: true }).getAttribute('aria-invalid'), 'true');
    // Everything typed is still there.
    assert.equal(await page.getByRole('radio', { name: /^Subpoena/ }).isChecked(), true);
    assert.equal(await page.getByLabel('Issued by', { exact: true }).inputValue(), 'U.S. District Court, S.D.N.Y.');
    assert.equal(await page.getByLabel('Deadline', { exact: true }).inputValue(), '2026-02-30');
    assert.equal(await page.getByLabel('Domains named (one per line)').inputValue(), 'pirate-site.example\nnot a domain');
    assert.equal(await page.getByLabel('Account ids named (one per line)').inputValue(), 'c2');
    assert.equal(await page.getByLabel(/^Domain block rules/).inputValue(), 'pirate-site.example');
    assert.equal(await page.getByLabel('Notes (optional)').inputValue(), 'Served by hand at reception.');
    // The summary's links lead to the fields.
    await summary.getByRole('link', { name: /Deadline/ }).click();
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'lr-deadline');
    assert.deepEqual(await seriousAxeViolations(page), []);
    await screenshot(page, 'staff-legal-new-errors');
    assert.equal(
      (await s.api('/v1/legal-requests?state=received', { token: s.adminToken })).body.legal_requests.filter(
        (r: { case_number: string }) => r.case_number === '',
      ).length,
      0,
    );

    // Corrected: a court order naming a domain and an account, with a block rule.
    await page.getByRole('radio', { name: /^Court order/ }).check();
    await page.getByLabel('Case or reference number').fill('HC-2026-77');
    await page.getByLabel('Deadline', { exact: true }).fill('2099-02-01');
    await page.getByLabel('Domains named (one per line)').fill('www.pirate-site.example\n\n');
    await page.getByRole('button', { name: 'Record the legal request' }).click();
    await page.waitForURL(/\/staff\/legal\/[0-9a-f-]{36}\?done=recorded$/);
    const id = new URL(page.url()).pathname.split('/').pop()!;
    await page.getByRole('status').filter({ hasText: 'The legal request was recorded.' }).waitFor();
    assert.match(await page.locator('h1').innerText(), /Court order or injunction: HC-2026-77/);
    const targets = await page.getByRole('table').first().innerText();
    assert.match(targets, /www\.pirate-site\.example[\s\S]*pirate-site\.example[\s\S]*Pirate Owner/);
    assert.match(targets, /c2[\s\S]*Mirror Owner/);
    assert.match(await page.getByRole('list', { name: 'Domain block rules' }).innerText(), /pirate-site\.example — in force/);
    assert.deepEqual(await seriousAxeViolations(page), []);
    await screenshot(page, 'staff-legal-recorded');
    const view = (await s.api(`/v1/legal-requests/${id}`, { token: s.adminToken })).body;
    assert.deepEqual(
      { type: view.type, authority: view.authority, deadline: view.deadline, notes: view.notes, rules: view.block_rules.map((r: { text: string }) => r.text) },
      {
        type: 'court_order',
        authority: 'U.S. District Court, S.D.N.Y.',
        deadline: '2099-02-01T23:59:59.999Z',
        notes: 'Served by hand at reception.',
        rules: ['pirate-site.example'],
      },
    );
    assert.deepEqual(view.target_list.map((t: { account_id: string }) => t.account_id).sort(), ['c1', 'c2']);
    assert.ok(view.events.some((e: { type: string; actor: string }) => e.type === 'legal_request.recorded' && e.actor.startsWith('principal:')));

    // The production form offers the request's accounts; ticking one produces about it alone.
    await page.getByLabel('Move the request to').selectOption('in_progress');
    await page.getByRole('button', { name: 'Change state' }).click();
    await page.getByRole('status').filter({ hasText: 'The state was changed.' }).waitFor();
    const accounts = page.getByRole('group', { name: 'About which accounts (none ticked: all of them)' });
    assert.deepEqual(await accounts.getByRole('checkbox').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value)), ['c1', 'c2']);
    await accounts.getByLabel('Mirror Owner (c2)').check();
    await page.getByLabel('Account e-mail address').check();
    await page.getByRole('button', { name: 'Record the production' }).click();
    await page.getByRole('status').filter({ hasText: 'The production was recorded' }).waitFor();
    const produced = (await s.api(`/v1/legal-requests/${id}`, { token: s.adminToken })).body;
    assert.deepEqual(
      produced.productions.map((x: { accounts: string[]; fields: string[] }) => [x.accounts, x.fields]),
      [[['c2'], ['account_email']]],
    );

    // The list: open requests by default, every request under "All".
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Legal requests' }).click();
    await page.waitForURL((u) => u.pathname === '/staff/legal');
    assert.doesNotMatch(await page.locator('main').innerText(), /HC-2026-77/, 'produced: no longer open');
    await page.getByRole('navigation', { name: 'Filter legal requests by state' }).getByRole('link', { name: 'All' }).click();
    await page.waitForURL(/state=all/);
    const all = page.getByRole('table');
    assert.match(await all.getByRole('row', { name: /HC-2026-77/ }).innerText(), /Court order[\s\S]*Produced/);
    assert.match(await all.getByRole('row', { name: /OVERDUE-1/ }).innerText(), /Overdue/);
    assert.deepEqual(await seriousAxeViolations(page), []);
    await screenshot(page, 'staff-legal-list');
    await page.goto(`${s.url}/staff/legal?state=withdrawn`);
    assert.match(await page.locator('.empty').innerText(), /There is no “Withdrawn” legal request/);
  });

  test('the form records one request however often it is sent; without its CSRF token, or for reporters and customers, it records nothing', async () => {
    const admin = (await s.store.db.selectFrom('principals').select('id').where('role', '=', 'staff').executeTakeFirstOrThrow()).id;
    const staff = await webSession(s, admin, '/staff/legal/new');
    const form = await (await staff.get('/staff/legal/new')).text();
    const submission = /name="submission_id" value="([^"]+)"/.exec(form)![1]!;
    const fields = {
      submission_id: submission,
      type: 'other',
      authority: 'Registry of Example',
      case_number: 'DUP-1',
      requesting_party: 'Someone',
      target_accounts: 'c1',
    };
    const count = async () =>
      (
        await s.store.db
          .selectFrom('legal_requests')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n;
    const before = Number(await count());
    const first = await staff.post('/staff/legal', fields);
    const again = await staff.post('/staff/legal', fields);
    assert.equal(first.status, 303);
    assert.equal(again.status, 303);
    assert.equal(again.headers.get('location'), first.headers.get('location'), 'a resent form leads to the request it recorded');
    assert.equal(Number(await count()), before + 1);

    const forged = await staff.post('/staff/legal', { ...fields, submission_id: '', case_number: 'FORGED-1' }, { csrf: false });
    assert.equal(forged.status, 403);
    const reporter = await s.reporter('outsider@rights.test');
    const customer = await createPrincipal(s.store.db, { role: 'customer', email: 'owner@pirate.test', accountId: 'c1', actor: 'system' });
    for (const [who, session] of [
      ['reporter', await webSession(s, reporter.id, '/my')],
      ['customer', await webSession(s, customer.principal.id, '/portal')],
    ] as const) {
      for (const path of ['/staff/legal', '/staff/legal?state=all', '/staff/legal/new'])
        assert.equal((await session.get(path)).status, 403, `${who} GET ${path}`);
      const posted = await session.post('/staff/legal', { ...fields, submission_id: '', case_number: `BY-${who}` });
      assert.equal(posted.status, 403, `${who} POST /staff/legal`);
      assert.doesNotMatch(await posted.text(), /Record the legal request/);
    }
    assert.equal(Number(await count()), before + 1, 'nothing more was recorded');
  });
});
