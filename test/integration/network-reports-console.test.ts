// Network reports in the staff console, in Chromium, on both stores: reports that name an IP
// address (an ACNS notice routed to the account that held the address, one for an address no one
// held, an X-ARF spam report kept for staff) arrive over real SMTP and are listed newest first with
// filters by state, category and account and a clear empty state; a report's page shows the
// address, port, time, the account and netblock it was routed by, the machine-readable file, the
// mail it caused and its events, and offers the message as received; the account page links to
// its reports; pages of 50 go on with "Older reports"; no serious accessibility problems;
// reporters and customers are refused on every page.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import type { Browser, Page } from 'playwright-core';
import { storeKinds } from '../support/stores.ts';
import { startTestServer, waitUntil, type TestServer } from '../support/server.ts';
import { launchBrowser, screenshot, seriousAxeViolations } from '../support/browser.ts';
import { webSession } from '../support/web-session.ts';
import { createPrincipal } from '../../src/services/principals.ts';

const ZONES = `account_id,account_name,account_email,zone,mode,origin
oldco,Old Colo Customer,ops@oldco.test,oldco.example,proxied,1.1.1.1
newco,New Colo Customer,noc@newco.test,newco.example,proxied,1.1.1.2
`;

// 198.51.100.0/24 moved from oldco to newco on 21 November; the ACNS fixture saw it on the 20th.
const NETBLOCKS = `cidr,account_id,assigned_from,assigned_to
198.51.100.0/24,oldco,2026-01-01,2026-11-21T00:00:00Z
198.51.100.0/24,newco,2026-11-21T00:00:00Z,
`;

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

for (const kind of storeKinds()) {
  describe(`network reports in the staff console (Chromium, ${kind} store)`, () => {
    let s: TestServer;
    let browser: Browser;
    let send: (m: SendMailOptions) => Promise<unknown>;
    const ids: Record<'acns' | 'nowhere' | 'spam', number> = { acns: 0, nowhere: 0, spam: 0 };

    const signIn = async (token: string, path: string): Promise<Page> => {
      const page = await (await browser.newContext()).newPage();
      await page.goto(s.url + path);
      await page.getByLabel('API token').fill(token);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.waitForURL((u) => u.pathname !== '/login');
      return page;
    };
    const reportFor = async (subject: string) => {
      const m = await waitUntil(
        () => s.store.db.selectFrom('inbound_messages').select(['id', 'status']).where('subject', '=', subject).executeTakeFirst(),
        (x) => !!x && x.status !== 'received',
        15_000,
        `message "${subject}" read`,
      );
      return Number((await s.store.db.selectFrom('network_reports').select('id').where('inbound_message_id', '=', Number(m!.id)).executeTakeFirstOrThrow()).id);
    };

    before(async () => {
      s = await startTestServer(kind, {
        smtpPort: 0,
        config: { mailDomain: 'desk.test', intakeAddresses: ['dmca', 'abuse'], providerName: 'Example Network' },
      });
      browser = await launchBrowser();
      await s.loadZones(ZONES);
      const nb = await s.api('/v1/netblocks/import', { token: s.adminToken, body: NETBLOCKS, headers: { 'content-type': 'text/csv' } });
      assert.deepEqual(nb.body.errors, []);
      const transport = nodemailer.createTransport({ host: '127.0.0.1', port: s.server.smtpPort!, secure: false, ignoreTLS: true });
      send = (m) => transport.sendMail(m);
      // One at a time, so that their order (newest first) is known.
      await send({
        from: 'IP-Echelon Notices <notices@agency.test>',
        to: 'dmca@desk.test',
        subject: 'ACNS notice 198.51.100.20',
        text: 'Please see the attached notice.',
        attachments: [{ filename: 'notice.xml', content: fixture('acns-notice.xml'), contentType: 'application/xml' }],
      });
      ids.acns = await reportFor('ACNS notice 198.51.100.20');
      const xml = fixture('acns-notice.xml').toString('utf8').replace('198.51.100.20', '192.0.2.99').replace('a1b2c3d4e5f60718293a', 'ffff0000111122223333');
      await send({ from: 'notices@agency.test', to: 'dmca@desk.test', subject: 'ACNS notice 192.0.2.99', text: xml });
      ids.nowhere = await reportFor('ACNS notice 192.0.2.99');
      await send({ envelope: { from: 'reports@spamtrap.test', to: ['abuse@desk.test'] }, raw: fixture('x-arf-spam.eml') });
      ids.spam = await reportFor('abuse report about 203.0.113.77 - 2026-11-20T09:15:00Z');
    });
    after(async () => {
      await browser?.close();
      await s?.close();
    });

    test('the list: newest first, filters by state, category and account, a clear empty state', async () => {
      const page = await signIn(s.adminToken, '/staff');
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Network reports' }).click();
      await page.waitForURL((u) => u.pathname === '/staff/network-reports');
      await page.getByRole('heading', { name: 'Network reports', level: 1 }).waitFor();
      const rows = page.locator('tbody tr');
      assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.querySelector('td a')!.textContent)), [
        `Report ${ids.spam}`,
        `Report ${ids.nowhere}`,
        `Report ${ids.acns}`,
      ]);
      const acns = page.getByRole('row', { name: new RegExp(`Report ${ids.acns}\\b`) });
      assert.match(
        await acns.innerText(),
        /198\.51\.100\.20 port 51413[\s\S]*2026-11-20 08:06:44 UTC[\s\S]*copyright \(ACNS 2\.0\)[\s\S]*Sunrise Over Harbor[\s\S]*Old Colo Customer \(oldco\)[\s\S]*Forwarded to the account/,
      );
      assert.match(
        await page.getByRole('row', { name: new RegExp(`Report ${ids.nowhere}\\b`) }).innerText(),
        /192\.0\.2\.99[\s\S]*no account[\s\S]*Not on our network/,
      );
      assert.match(
        await page.getByRole('row', { name: new RegExp(`Report ${ids.spam}\\b`) }).innerText(),
        /203\.0\.113\.77 port 25[\s\S]*spam \(X-ARF v0\.2\)[\s\S]*Kept for the abuse team/,
      );
      assert.deepEqual(await seriousAxeViolations(page), []);
      await screenshot(page, `staff-network-reports-${kind}`);

      const filter = async (f: { state?: string; category?: string; account?: string }) => {
        await page.getByLabel('State').selectOption(f.state ?? '');
        await page.getByLabel('Category').selectOption(f.category ?? '');
        await page.getByLabel('Account id').fill(f.account ?? '');
        await page.getByRole('button', { name: 'Filter' }).click();
        await page.waitForLoadState('load');
        return rows.evaluateAll((trs) => trs.map((tr) => tr.querySelector('td a')!.textContent));
      };
      assert.deepEqual(await page.getByLabel('Category').locator('option').allInnerTexts(), ['Any category', 'copyright', 'spam']);
      assert.deepEqual(await filter({ state: 'forwarded' }), [`Report ${ids.acns}`]);
      assert.deepEqual(await filter({ category: 'spam' }), [`Report ${ids.spam}`]);
      assert.deepEqual(await filter({ category: 'copyright' }), [`Report ${ids.nowhere}`, `Report ${ids.acns}`]);
      assert.deepEqual(await filter({ account: 'oldco' }), [`Report ${ids.acns}`]);
      assert.match(await page.locator('h1').innerText(), /account Old Colo Customer \(oldco\)/);
      // Today's holder of the address was not sent the report: nothing for newco.
      assert.deepEqual(await filter({ account: 'newco' }), []);
      assert.match(await page.locator('.empty').innerText(), /No network report matches these filters/);
      assert.equal(await page.getByLabel('Account id').inputValue(), 'newco', 'the filter keeps what was typed');
      assert.deepEqual(await seriousAxeViolations(page), []);
      await page.getByRole('link', { name: 'Clear the filters' }).click();
      await page.waitForURL((u) => u.pathname === '/staff/network-reports' && u.search === '');
      assert.equal(await rows.count(), 3);
    });

    test('a report’s page: address, port, time, account and netblock, the file, the mail it caused, the events; the message as received', async () => {
      const page = await signIn(s.adminToken, '/staff/network-reports');
      await page.getByRole('link', { name: `Report ${ids.acns}`, exact: true }).click();
      await page.waitForURL((u) => u.pathname === `/staff/network-reports/${ids.acns}`);
      assert.match(await page.locator('h1').innerText(), new RegExp(`Network report ${ids.acns}: 198\\.51\\.100\\.20`));
      const facts = await page.locator('dl.facts').first().innerText();
      for (const re of [
        /IP address\s+198\.51\.100\.20/,
        /Port\s+51413/,
        /Seen at\s+2026-11-20 08:06:44 UTC/,
        /Protocol\s+BITTORRENT/,
        /Category\s+copyright/,
        /Format\s+ACNS 2\.0/,
        /Sender’s reference\s+a1b2c3d4e5f60718293a/,
        /Complainant\s+notices@agency\.test/,
        /Routed to\s+Old Colo Customer \(oldco\)\s+ops@oldco\.test/,
        /Netblock\s+198\.51\.100\.0\/24\s+assigned to oldco from 2026-01-01 00:00:00 UTC until 2026-11-21 00:00:00 UTC/,
      ]) {
        assert.match(facts, re);
      }
      assert.equal(
        await page.locator('dl.facts').first().getByRole('link', { name: 'Old Colo Customer (oldco)' }).getAttribute('href'),
        '/staff/accounts/oldco',
      );
      assert.match(
        await page.getByRole('table').first().innerText(),
        /Sunrise Over Harbor\s+Sunrise\.Over\.Harbor\.2025\.1080p\.mkv\s+5f1e0c3a9b7d2e4f6a8c0b1d3e5f7a9c1b3d5e7f/,
      );
      const mail = await page.getByRole('table').nth(1).innerText();
      assert.match(mail, /ops@oldco\.test\s+the account[\s\S]*Copyright infringement notice about 198\.51\.100\.20/);
      assert.match(mail, /notices@agency\.test\s+the complainant/);
      assert.match(await page.locator('main').innerText(), /notice\.xml \(application\/xml, read as ACNS 2\.0\)/);
      assert.match(await page.getByRole('region', { name: 'The report file' }).innerText(), /<Infringement[\s\S]*<IP_Address>198\.51\.100\.20<\/IP_Address>/);
      const timeline = await page.locator('ol.timeline').innerText();
      assert.match(timeline, /mail\.received[\s\S]*network_report\.routed[\s\S]*mail\.read/);
      assert.deepEqual(await seriousAxeViolations(page), []);
      await page.getByText('Show the whole message').click();
      assert.match(await page.getByLabel('The whole message').innerText(), /Subject: ACNS notice 198\.51\.100\.20/);
      await screenshot(page, `staff-network-report-${kind}`);

      // The message exactly as received, as a download.
      const eml = await page.request.get(`${s.url}/staff/network-reports/${ids.acns}/message.eml`);
      assert.equal(eml.status(), 200);
      assert.equal(eml.headers()['content-type'], 'message/rfc822');
      assert.match(eml.headers()['content-disposition']!, /attachment; filename="network-report-\d+\.eml"/);
      const stored = await s.store.db
        .selectFrom('inbound_messages as m')
        .innerJoin('network_reports as r', 'r.inbound_message_id', 'm.id')
        .select('m.sha256')
        .where('r.id', '=', ids.acns)
        .executeTakeFirstOrThrow();
      assert.equal(
        createHash('sha256')
          .update(await eml.body())
          .digest('hex'),
        stored.sha256,
      );

      // A report kept for staff caused no mail; its X-ARF report.txt is the file shown.
      await page.goto(`${s.url}/staff/network-reports/${ids.spam}`);
      assert.match(await page.locator('main').innerText(), /Kept for the abuse team[\s\S]*a spam report, not a copyright notice/);
      assert.match(await page.locator('main').innerText(), /None: reports kept for the abuse team are not answered/);
      assert.match(await page.getByRole('region', { name: 'The report file' }).innerText(), /report\.txt[\s\S]*Report-Type: spam/);
      assert.deepEqual(await seriousAxeViolations(page), []);
      // No such report.
      assert.equal((await page.goto(`${s.url}/staff/network-reports/999999`))!.status(), 404);
      assert.equal((await page.goto(`${s.url}/staff/network-reports/not-a-number`))!.status(), 404);
    });

    test('the account page links to the reports routed to it', async () => {
      const page = await signIn(s.adminToken, '/staff/accounts/oldco');
      await page.getByRole('link', { name: '1 report by IP address routed to this account' }).click();
      await page.waitForURL((u) => u.pathname === '/staff/network-reports' && u.searchParams.get('account') === 'oldco');
      assert.deepEqual(await page.locator('tbody tr td:first-child a').allInnerTexts(), [`Report ${ids.acns}`]);
      await page.goto(`${s.url}/staff/accounts/newco`);
      assert.match(await page.locator('dl.facts').innerText(), /Network reports\s+No report by IP address was routed to this account/);
    });

    test('pages of 50, newest first: "Older reports" goes on where the page ended', async () => {
      // 60 more spam reports, kept for staff, as the intake would record them.
      for (let i = 0; i < 60; i++) {
        const raw = Buffer.from(`Subject: spam ${i}\r\n\r\nreport ${i}\r\n`);
        const m = await s.store.db
          .insertInto('inbound_messages')
          .values({
            mail_from: 'reports@spamtrap.test',
            rcpt_to: ['abuse@desk.test'],
            remote_address: '127.0.0.1',
            size: raw.length,
            sha256: createHash('sha256').update(raw).digest('hex'),
            raw,
            status: 'processed',
            outcome: 'kept_for_staff',
            subject: `spam ${i}`,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await s.store.db
          .insertInto('network_reports')
          .values({
            inbound_message_id: Number(m.id),
            format: 'x-arf',
            category: 'spam',
            ip: `203.0.113.${i + 1}`,
            port: 25,
            observed_at: new Date('2026-11-21T00:00:00Z'),
            works: '[]',
            state: 'kept_for_staff',
            reason: 'a spam report',
          })
          .execute();
      }
      const page = await signIn(s.adminToken, '/staff/network-reports?category=spam');
      const first = await page.locator('tbody tr td:first-child a').allInnerTexts();
      assert.equal(first.length, 50);
      await page.getByRole('link', { name: 'Older reports' }).click();
      await page.waitForLoadState('load');
      const second = await page.locator('tbody tr td:first-child a').allInnerTexts();
      assert.equal(second.length, 11, '60 + the first spam report, 50 on the first page');
      assert.equal(second.at(-1), `Report ${ids.spam}`);
      const all = [...first, ...second].map((t) => Number(t.replace('Report ', '')));
      assert.deepEqual(
        all,
        [...all].sort((a, b) => b - a),
        'newest first across pages',
      );
      assert.equal(new Set(all).size, 61, 'no report twice');
      assert.equal(await page.getByRole('link', { name: 'Older reports' }).count(), 0);
      assert.equal(await page.getByLabel('Category').inputValue(), 'spam', 'the filter holds across pages');
      await page.getByRole('link', { name: 'Newest reports' }).click();
      await page.waitForLoadState('load');
      assert.deepEqual(await page.locator('tbody tr td:first-child a').allInnerTexts(), first);
    });

    test('reporters and customers are refused on every page', async () => {
      const reporter = await s.reporter('agent@rights.test');
      const customer = await createPrincipal(s.store.db, { role: 'customer', email: 'ops@oldco.test', accountId: 'oldco', actor: 'system' });
      const paths = [
        '/staff/network-reports',
        '/staff/network-reports?account=oldco',
        `/staff/network-reports/${ids.acns}`,
        `/staff/network-reports/${ids.acns}/message.eml`,
      ];
      for (const [who, session] of [
        ['reporter', await webSession(s, reporter.id, '/my')],
        ['customer', await webSession(s, customer.principal.id, '/portal')],
      ] as const) {
        for (const path of paths) {
          const r = await session.get(path);
          assert.equal(r.status, 403, `${who} GET ${path}`);
          assert.doesNotMatch(await r.text(), /198\.51\.100\.20|Infringement/, `${who} sees nothing of the report`);
        }
      }
      // Not signed in: to the sign-in page.
      const anon = await fetch(`${s.url}/staff/network-reports/${ids.acns}`, { redirect: 'manual' });
      assert.equal(anon.status, 303);
      assert.match(anon.headers.get('location')!, /^\/login\?next=/);
      // In the browser too.
      const page = await signIn(reporter.token, `/staff/network-reports/${ids.acns}`);
      await page.getByRole('heading', { name: 'Not for your account' }).waitFor();
    });
  });
}
