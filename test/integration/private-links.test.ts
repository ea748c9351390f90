// Private links over real HTTP, a real SMTP server and the real `safeharbor` command, on both
// stores: a one-time sign-in link and the private status link of a notice filed anonymously
// through the web form are delivered by SMTP and work — and appear nowhere else: not in the
// outbox as staff see it (API and CLI), not on the staff console's pages, not in the API's notice
// views and timelines, not in the request log, and nowhere in the database once the mail is sent.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { storeKinds } from '../support/stores.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';
import { startTestServer, waitUntil, type TestServer } from '../support/server.ts';
import { SIGN_IN_LINK_WITHHELD, STATUS_LINK_WITHHELD } from '../../src/domain/messages.ts';

const BIN = join(import.meta.dirname, '../../bin/safeharbor.js');
const run = promisify(execFile);

const ZONES = `account_id,account_name,account_email,zone,mode,origin
acme,Acme Hosting Customer,owner@acme.test,acme-files.example,hosted,198.51.100.4
beta,Beta Streams,ops@beta.test,beta-streams.example,proxied,203.0.113.9
`;

/** Cookies of one browser, by name. */
class Jar {
  private readonly cookies = new Map<string, string>();
  take(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, i), pair!.slice(i + 1));
    }
  }
  get header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

for (const kind of storeKinds()) {
  describe(`private links reach the recipient only (${kind} store)`, () => {
    let smtp: TestSmtp;
    let s: TestServer;
    let cliDir: string;
    const log: string[] = [];
    const signInTokens: string[] = [];
    let statusKey = '';
    let noticeId = '';

    const page = async (jar: Jar, path: string, init: RequestInit = {}) => {
      const res = await fetch(s.url + path, { redirect: 'manual', ...init, headers: { cookie: jar.header, ...(init.headers ?? {}) } });
      jar.take(res);
      return { res, html: await res.text() };
    };
    const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
    const secrets = () => [...signInTokens, statusKey.split('.')[1]!];
    const assertNoSecret = (what: string, text: string) => {
      assert.equal(secrets().length, 3);
      for (const x of secrets()) assert.ok(!text.includes(x), `${what} must not contain the private link ${x.slice(0, 6)}…: ${text.slice(0, 400)}`);
    };
    const outboxRows = () => s.store.db.selectFrom('outbox').select(['status']).execute();

    before(async () => {
      smtp = await startSmtp();
      s = await startTestServer(kind, { smtpUrl: smtp.url, logger: { level: 'info', stream: { write: (line) => void log.push(line) } } });
      await s.loadZones(ZONES);
      // The CLI's way to a running server that holds the store: a pid file and a handoff file.
      cliDir = mkdtempSync(join(tmpdir(), 'safeharbor-private-links-'));
      mkdirSync(join(cliDir, 'data'));
      writeFileSync(join(cliDir, 'data', 'safeharbor.pid'), String(process.pid));
      writeFileSync(join(cliDir, 'data', 'server.json'), JSON.stringify({ pid: process.pid, url: s.url, token: s.adminToken }), { mode: 0o600 });
    });
    after(async () => {
      await s?.close();
      await smtp?.close();
      if (cliDir) rmSync(cliDir, { recursive: true, force: true });
    });

    test('a sign-in link asked for twice with the same next= is mailed twice by SMTP', async () => {
      const browser = new Jar();
      for (let i = 0; i < 2; i++) {
        const form = await page(browser, '/login?next=%2Fportal%2Fnotices%3Fstate%3Dopen');
        const sent = await page(browser, '/login/email', {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ _csrf: csrfOf(form.html), email: 'owner@acme.test', next: '/portal/notices?state=open' }).toString(),
        });
        assert.equal(sent.res.status, 200);
        assert.match(sent.html, /Check your e-mail/);
      }
      const mails = await smtp.waitFor((m) => m.filter((x) => x.parsed.subject?.includes('sign-in link')).length === 2);
      for (const m of mails.filter((x) => x.parsed.subject?.includes('sign-in link'))) {
        assert.deepEqual(m.envelopeTo, ['owner@acme.test']);
        const link = /https:\/\/safeharbor\.test\/login\/link\/([A-Za-z0-9_-]+)\?next=/.exec(m.parsed.text!);
        assert.ok(link, m.parsed.text);
        signInTokens.push(link[1]!);
      }
      assert.notEqual(signInTokens[0], signInTokens[1]);
    });

    test('the web form files a notice anonymously; its private status link is mailed by SMTP', async () => {
      const browser = new Jar();
      const form = await page(browser, '/report?kind=copyright&regime=dmca');
      const fields = new FormData();
      const values: Record<string, string> = {
        _csrf: csrfOf(form.html),
        submission_id: /name="submission_id" value="([^"]+)"/.exec(form.html)![1]!,
        urls: 'https://acme-files.example/uploads/film.mkv\nhttps://beta-streams.example/watch/film',
        work_description: 'The feature film "Sunrise Over Harbor" (2025)',
        claimant_name: 'Jane Doe',
        claimant_email: 'jane@harborpictures.test',
        claimant_address: '1 Studio Way, Los Angeles, CA 90001',
        claimant_country: 'US',
        good_faith_belief: 'yes',
        accuracy_and_authority: 'yes',
        signature: 'Jane Doe',
      };
      for (const [k, v] of Object.entries(values)) fields.append(k, v);
      const filed = await page(browser, '/report', { method: 'POST', body: fields });
      assert.equal(filed.res.status, 303, filed.html.slice(0, 500));
      const to = filed.res.headers.get('location')!;
      assert.match(to, /^\/status\/[0-9a-f-]{36}\.[A-Za-z0-9_-]+\?filed=1$/);
      const mails = await smtp.waitFor((m) =>
        m.some((x) => x.envelopeTo.includes('jane@harborpictures.test') && /We received your copyright notice/.test(x.parsed.subject ?? '')),
      );
      const receipt = mails.find((x) => x.envelopeTo.includes('jane@harborpictures.test') && /We received your copyright notice/.test(x.parsed.subject ?? ''))!;
      const link = /https:\/\/safeharbor\.test\/status\/(\S+)/.exec(receipt.parsed.text!)!;
      statusKey = link[1]!;
      noticeId = statusKey.split('.')[0]!;
      assert.equal(to, `/status/${statusKey}?filed=1`, 'the mailed link is the one the browser was sent to');
    });

    test('once sent, the messages keep placeholders instead of the links, and the database holds no private link anywhere', async () => {
      await waitUntil(outboxRows, (rows) => rows.length >= 3 && rows.every((r) => r.status === 'sent'), 15_000, 'every message sent');
      const stored = await s.store.db.selectFrom('outbox').select(['subject', 'body', 'dedupe_key']).execute();
      const signIn = stored.filter((m) => m.subject.includes('sign-in link'));
      assert.equal(signIn.length, 2);
      for (const m of signIn) assert.equal(m.body.split(SIGN_IN_LINK_WITHHELD).length - 1, 1, m.body);
      assert.ok(
        stored.some((m) => m.body.includes(STATUS_LINK_WITHHELD)),
        'the receipt keeps a placeholder',
      );
      // Every row of every table, as text.
      const tables = (
        await sql<{ t: string }>`SELECT table_name AS t FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`.execute(
          s.store.db,
        )
      ).rows;
      assert.ok(tables.length > 20);
      for (const { t } of tables) {
        for (const x of secrets()) {
          const n = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(t)} AS r WHERE r::text LIKE ${`%${x}%`}`.execute(s.store.db)).rows[0]!
            .n;
          assert.equal(n, 0, `table ${t} holds a private link`);
        }
      }
    });

    test('staff see the messages but not the links: outbox API and CLI, console pages, notice views and timelines', async () => {
      const box = await s.api('/v1/outbox?limit=1000', { token: s.adminToken });
      assert.equal(box.status, 200);
      assert.equal(
        box.body.messages.filter((m: { subject: string; status: string }) => m.subject.includes('sign-in link') && m.status === 'sent').length,
        2,
        'staff do see that the links were sent',
      );
      assertNoSecret('GET /v1/outbox', JSON.stringify(box.body));
      assertNoSecret('GET /v1/outbox?status=sent', JSON.stringify((await s.api('/v1/outbox?status=sent', { token: s.adminToken })).body));
      // No DATABASE_URL: the command finds the running server through the data directory.
      const env: NodeJS.ProcessEnv = { ...process.env, SAFEHARBOR_LOG: 'off' };
      delete env.DATABASE_URL;
      for (const args of [['outbox'], ['outbox', '--json'], ['outbox', '--status', 'sent', '--json', '--limit', '1000']]) {
        const r = await run(process.execPath, [BIN, ...args, '--data', join(cliDir, 'data')], { env, timeout: 60_000 });
        assert.match(r.stdout, /Your sign-in link/, `safeharbor ${args.join(' ')} lists the messages`);
        assertNoSecret(`safeharbor ${args.join(' ')}`, r.stdout + r.stderr);
      }
      for (const path of [`/v1/notices/${noticeId}`, `/v1/notices/${noticeId}/events`, '/v1/notices']) {
        const r = await s.api(path, { token: s.adminToken });
        assert.equal(r.status, 200, path);
        assertNoSecret(path, JSON.stringify(r.body));
      }
      // The console, signed in as staff.
      const staff = new Jar();
      const login = await page(staff, '/login');
      const signedIn = await page(staff, '/login/token', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: csrfOf(login.html), token: s.adminToken }).toString(),
      });
      assert.equal(signedIn.res.status, 303);
      for (const path of [
        '/staff',
        `/staff/notices/${noticeId}`,
        '/staff/accounts/acme',
        `/staff/search?q=${noticeId}`,
        '/staff/search?q=owner%40acme.test',
        '/staff/search?q=jane%40harborpictures.test',
      ]) {
        const r = await page(staff, path);
        assert.equal(r.res.status, 200, path);
        assertNoSecret(path, r.html);
      }
    });

    test('the links work for whoever received them, and the request log shows their paths without the secret', async () => {
      const reporter = new Jar();
      const status = await page(reporter, `/status/${statusKey}`);
      assert.equal(status.res.status, 200);
      assert.ok(status.html.includes(noticeId));
      for (const token of signInTokens) {
        const owner = new Jar();
        const signIn = await page(owner, `/login/link/${token}?next=%2Fportal`);
        assert.equal(signIn.res.status, 303);
        assert.equal(signIn.res.headers.get('location'), '/portal');
        const portal = await page(owner, '/portal');
        assert.equal(portal.res.status, 200);
        assert.match(portal.html, /Acme Hosting Customer/);
        assert.equal((await page(new Jar(), `/login/link/${token}`)).res.status, 410, 'once only');
      }
      const lines = log.join('');
      assert.match(lines, /"url":"\/login\/link\/\[withheld\]\?next=%2Fportal"/);
      assert.match(lines, /"url":"\/status\/\[withheld\]"/);
      assertNoSecret('the request log', lines);
    });
  });
}
