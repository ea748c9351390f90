// Measures against misuse (DSA Art. 23) over real HTTP and SMTP, on both stores: a notifier whose
// notices staff reject as manifestly unfounded is proposed for a warning, warned, proposed for a
// suspension, suspended — its notices are refused by the API (403, reason and end date) and the
// web form — and files again after the end or an early lift. A customer whose content staff
// disable as manifestly illegal is warned, then suspended: its zones are on the edge blocklist,
// a statement of reasons `service_suspended` with its end date is issued (valid against the
// Transparency Database schema) and mailed; at the end its zones are served again.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import nodemailer from 'nodemailer';
import { storeKinds } from '../support/stores.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';
import { startTestServer, dmcaNotice, waitUntil, type TestServer } from '../support/server.ts';
import { startSession } from '../../src/services/sessions.ts';

const schema = JSON.parse(readFileSync(new URL('../../src/dsa/statement-schema.json', import.meta.url), 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: true, strictRequired: false }).compile(schema);

const ZONES = `account_id,account_name,account_email,zone,mode,origin
c1,Clean Host,clean@fine.test,clean.example,hosted,198.51.100.10
c2,Bad Host,owner@bad.test,bad.example,hosted,198.51.100.11
c2,Bad Host,owner@bad.test,bad-two.example,proxied,198.51.100.12
`;
const DAY = 86_400_000;
const LETTER = `Dear Sir or Madam,

I am the owner of the exclusive copyrights in the photograph "Harbour at dawn" (2024). The original work can be viewed at
https://photos.test/harbour (my official site).

The following URL on your network makes an unauthorised copy of the photograph available:

https://clean.example/mail-copy

I have a good faith belief that use of the material in the manner complained of is not authorized by the copyright owner, its agent, or the law.
I swear, under penalty of perjury, that the information in this notification is accurate and that I am authorized to act on behalf of the owner.

/s/ Sam Spammy
Sam Spammy, 1 Main St, Berlin, Germany
Phone: +49 30 1234567
Email: spammy@notifier.test
`;
const NOTIFIER_EMAIL = 'spammy@notifier.test';

for (const kind of storeKinds()) {
  describe(`measures against misuse (${kind} store)`, () => {
    let smtp: TestSmtp;
    let s: TestServer;
    let offset = 0;
    const clock = () => new Date(Date.now() + offset);
    let notifier: { token: string; id: string };
    let other: { token: string; id: string };
    let n = 0;

    before(async () => {
      smtp = await startSmtp();
      s = await startTestServer(kind, {
        smtpUrl: smtp.url,
        smtpPort: 0,
        clock,
        config: {
          mailDomain: 'desk.test',
          intakeAddresses: ['dmca'],
          misusePolicy: {
            notifier: { windowDays: 30, warnAt: 2, suspendAt: 3, minProportion: 0.5, suspensionDays: 7 },
            customer: { windowDays: 30, warnAt: 1, suspendAt: 2, minProportion: 0.5, suspensionDays: 3 },
          },
        },
      });
      await s.loadZones(ZONES);
      notifier = await s.reporter(NOTIFIER_EMAIL);
      other = await s.reporter('rights@holder.test');
    });
    after(async () => {
      await s?.close();
      await smtp?.close();
    });

    /** Files a notice and waits until its items wait for staff. */
    const file = async (token: string, urls: string[], over: Record<string, unknown> = {}) => {
      const r = await s.api('/v1/notices', { token, body: dmcaNotice(urls, over) });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      await waitUntil(
        () => s.api(`/v1/notices/${r.body.id}`, { token }),
        (x) => x.body.status === 'processed',
        10_000,
        'processed',
      );
      return r.body.id as string;
    };
    const review = async (id: string, body: Record<string, unknown>) => {
      const r = await s.api(`/v1/notices/${id}/review`, { token: s.adminToken, body: { state: 'pending_review', ...body } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.ok(r.body.changed.length > 0, 'the decision changed items');
    };
    const unfounded = async (count: number) => {
      const urls = Array.from({ length: count }, () => `https://clean.example/page-${++n}`);
      await review(await file(notifier.token, urls, { claimant: { ...(dmcaNotice([]).claimant as object), email: NOTIFIER_EMAIL } }), {
        action: 'reject',
        reason: 'manifestly_unfounded',
      });
    };
    const queue = async () => {
      const q = await s.api('/v1/misuse/queue', { token: s.adminToken });
      assert.equal(q.status, 200);
      return q.body.parties as { party: { type: string; id: string }; standing: { level: string; counts: { flagged: number; decided: number } } }[];
    };
    const levelOf = async (type: string, id: string) => (await queue()).find((p) => p.party.type === type && p.party.id === id)?.standing.level ?? 'ok';

    test('non-staff get 403 on every misuse route', async () => {
      for (const [path, body] of [
        ['/v1/misuse/queue', undefined],
        [`/v1/notifiers/${notifier.id}/misuse`, undefined],
        [`/v1/notifiers/${notifier.id}/warn`, { reason: 'x' }],
        ['/v1/accounts/c2/suspend', { reason: 'x' }],
        ['/v1/accounts/c2/lift', { reason: 'x' }],
      ] as const) {
        assert.equal((await s.api(path, { token: other.token, body })).status, 403, path);
        assert.equal((await s.api(path, { body })).status, 401, `${path} without a token`);
      }
    });

    test('a notifier: manifestly unfounded rejections reach the warning threshold, the warning is mailed, the same warning again changes nothing', async () => {
      await unfounded(1);
      assert.equal(await levelOf('notifier', notifier.id), 'ok', 'one item: below the threshold');
      await unfounded(1);
      assert.equal(await levelOf('notifier', notifier.id), 'warn');
      // A sound rejection of another notifier's notice counts for nobody.
      await review(await file(other.token, ['https://clean.example/other']), { action: 'reject', reason: 'duplicate' });
      assert.equal(await levelOf('notifier', other.id), 'ok');

      const noReason = await s.api(`/v1/notifiers/${notifier.id}/warn`, { token: s.adminToken, body: {} });
      assert.equal(noReason.status, 422);
      assert.equal(noReason.body.errors[0].field, 'reason');
      assert.equal((await s.api('/v1/notifiers/00000000-0000-4000-8000-000000000000/warn', { token: s.adminToken, body: { reason: 'x' } })).status, 404);
      const w = await s.api(`/v1/notifiers/${notifier.id}/warn`, { token: s.adminToken, body: { reason: 'Two URLs of plainly lawful pages.' } });
      assert.equal(w.status, 201, JSON.stringify(w.body));
      assert.equal(w.body.changed, true);
      const again = await s.api(`/v1/notifiers/${notifier.id}/warn`, { token: s.adminToken, body: { reason: 'Two URLs of plainly lawful pages.' } });
      assert.equal(again.status, 200);
      assert.equal(again.body.changed, false);
      const mails = await smtp.waitFor((m) =>
        m.some((x) => x.envelopeTo.includes(NOTIFIER_EMAIL) && /Warning about the notices you send us/.test(x.parsed.subject ?? '')),
      );
      const mail = mails.find((x) => /Warning about/.test(x.parsed.subject ?? '') && x.envelopeTo.includes(NOTIFIER_EMAIL))!;
      assert.match(mail.parsed.text ?? '', /rejected as manifestly unfounded since \d{4}-\d\d-\d\d: 2 \(100% of the 2 we decided on\)/);
      assert.match(mail.parsed.text ?? '', /internal complaint to us against this decision/);
      assert.match(mail.parsed.text ?? '', /\/policy\/misuse/);
      assert.equal(await levelOf('notifier', notifier.id), 'ok', 'warned, below the suspension threshold');
    });

    test('a notifier reaches suspension and is suspended: the API answers 403 with the reason and the end date, the web form and mail refuse too', async () => {
      await unfounded(1);
      assert.equal(await levelOf('notifier', notifier.id), 'suspend');
      const sus = await s.api(`/v1/notifiers/${notifier.id}/suspend`, {
        token: s.adminToken,
        body: { reason: 'Three manifestly unfounded notices after a warning.' },
      });
      assert.equal(sus.status, 201, JSON.stringify(sus.body));
      const endsAt = new Date(sus.body.ends_at);
      assert.ok(Math.abs(endsAt.getTime() - (clock().getTime() + 7 * DAY)) < 60_000, 'seven days, as the policy says');
      assert.equal((await s.api(`/v1/notifiers/${notifier.id}/suspend`, { token: s.adminToken, body: { reason: 'again' } })).body.changed, false);
      assert.equal(await levelOf('notifier', notifier.id), 'ok', 'a suspended party leaves the queue');

      const refused = await s.api('/v1/notices', { token: notifier.token, body: dmcaNotice(['https://clean.example/after']) });
      assert.equal(refused.status, 403);
      assert.equal(refused.body.reason, 'notifier_suspended');
      const msg = JSON.stringify(refused.body.errors);
      assert.match(msg, /Three manifestly unfounded notices after a warning/);
      assert.ok(msg.includes(endsAt.toISOString().replace('T', ' ').slice(0, 16)), `names the end date: ${msg}`);

      // The web form files as a shared principal: the suspended notifier is known by its e-mail.
      const form = await fetch(`${s.url}/report?kind=copyright&regime=dmca`);
      const html = await form.text();
      const cookie = form.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
      const token = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(html)![1]!;
      const body = new FormData();
      for (const [k, v] of Object.entries({
        _csrf: token('_csrf'),
        submission_id: token('submission_id'),
        kind: 'copyright',
        regime: 'dmca',
        urls: 'https://clean.example/web',
        claimant_name: 'Sam Spammy',
        claimant_email: NOTIFIER_EMAIL.toUpperCase(),
        claimant_address: '1 Main St, Berlin',
        claimant_country: 'DE',
        work_description: 'The photo "Harbour at dawn"',
        good_faith_belief: 'yes',
        accuracy_and_authority: 'yes',
        signature: 'Sam Spammy',
      }))
        body.append(k, v);
      const web = await fetch(`${s.url}/report`, { method: 'POST', body, redirect: 'manual', headers: { cookie } });
      const page = await web.text();
      assert.equal(web.status, 403, page.slice(0, 500));
      assert.match(page, /Your notice was not accepted/);
      assert.match(page, /suspended the processing of notices from you until/);

      // By mail: the letter is kept, nothing is filed, and the sender is told why and until when.
      const transport = nodemailer.createTransport({ host: '127.0.0.1', port: s.server.smtpPort!, secure: false, ignoreTLS: true });
      await transport.sendMail({ from: `Sam Spammy <${NOTIFIER_EMAIL}>`, to: 'dmca@desk.test', subject: 'DMCA notice: Harbour at dawn', text: LETTER });
      const replies = await smtp.waitFor((m) => m.some((x) => x.envelopeTo.includes(NOTIFIER_EMAIL) && /Harbour at dawn/.test(x.parsed.subject ?? '')));
      const reply = replies.find((x) => x.envelopeTo.includes(NOTIFIER_EMAIL) && /Harbour at dawn/.test(x.parsed.subject ?? ''))!;
      assert.match(reply.parsed.text ?? '', /suspended/);
      assert.match(reply.parsed.text ?? '', /Three manifestly unfounded notices after a warning/);
      const inbound = await s.store.db
        .selectFrom('inbound_messages')
        .select(['notice_id', 'detail'])
        .where('subject', '=', 'DMCA notice: Harbour at dawn')
        .executeTakeFirstOrThrow();
      assert.equal(inbound.notice_id, null, 'nothing filed');
      assert.equal((inbound.detail as { refused?: string }).refused, 'notifier_suspended');

      const history = await s.api(`/v1/notifiers/${notifier.id}/misuse`, { token: s.adminToken });
      assert.deepEqual(
        history.body.measures.map((m: { measure: string }) => m.measure),
        ['warning', 'suspension'],
      );
      assert.equal(history.body.standing.suspendedUntil, sus.body.ends_at);
      await smtp.waitFor((m) =>
        m.some((x) => x.envelopeTo.includes(NOTIFIER_EMAIL) && /suspended the processing of your notices until/.test(x.parsed.subject ?? '')),
      );
    });

    test('after the end of the period the notifier files again; an early lift also ends a second suspension', async () => {
      offset += 8 * DAY;
      const r = await s.api('/v1/notices', { token: notifier.token, body: dmcaNotice(['https://clean.example/back']) });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      // Counts start afresh after a suspension: a new warning is needed before another one.
      const early = await s.api(`/v1/notifiers/${notifier.id}/suspend`, { token: s.adminToken, body: { reason: 'Again.' } });
      assert.equal(early.status, 409);
      assert.match(JSON.stringify(early.body.errors), /warn first/);
      assert.equal((await s.api(`/v1/notifiers/${notifier.id}/warn`, { token: s.adminToken, body: { reason: 'A new warning.' } })).status, 201);
      assert.equal((await s.api(`/v1/notifiers/${notifier.id}/suspend`, { token: s.adminToken, body: { reason: 'Again, after a warning.' } })).status, 201);
      assert.equal((await s.api('/v1/notices', { token: notifier.token, body: dmcaNotice(['https://clean.example/x']) })).status, 403);
      const lift = await s.api(`/v1/notifiers/${notifier.id}/lift`, {
        token: s.adminToken,
        body: { reason: 'Complaint upheld: the notices were made in good faith.' },
      });
      assert.equal(lift.status, 200);
      assert.equal(lift.body.changed, true);
      assert.equal((await s.api(`/v1/notifiers/${notifier.id}/lift`, { token: s.adminToken, body: { reason: 'again' } })).body.changed, false);
      assert.equal((await s.api('/v1/notices', { token: notifier.token, body: dmcaNotice(['https://clean.example/y']) })).status, 201);
      const events = await s.store.db
        .selectFrom('events')
        .select('type')
        .where('subject_type', '=', 'principal')
        .where('subject_id', '=', notifier.id)
        .orderBy('id')
        .execute();
      assert.deepEqual(
        events.map((e) => e.type).filter((t) => t.startsWith('notifier.')),
        [
          'notifier.warned',
          'notifier.suspended',
          'notifier.notice_refused', // the API
          'notifier.notice_refused', // the web form
          'notifier.notice_refused', // mail
          'notifier.reinstated',
          'notifier.warned',
          'notifier.suspended',
          'notifier.notice_refused',
          'notifier.reinstated',
        ],
      );
      const measures = await s.api(`/v1/notifiers/${notifier.id}/misuse`, { token: s.adminToken });
      assert.deepEqual(
        measures.body.measures.map((m: { measure: string; lifted_by: string | null }) => [m.measure, m.lifted_by]),
        [
          ['warning', null],
          ['suspension', 'system'],
          ['warning', null],
          ['suspension', `principal:${await staffId()}`],
          ['lift', null],
        ],
      );
      await smtp.waitFor((m) => m.some((x) => x.envelopeTo.includes(NOTIFIER_EMAIL) && /We accept your notices again/.test(x.parsed.subject ?? '')));
    });

    const staffId = async () => (await s.store.db.selectFrom('principals').select('id').where('role', '=', 'staff').executeTakeFirstOrThrow()).id;

    test('a customer: content disabled as manifestly illegal, warned, then suspended — zones on the edge blocklist, statement of reasons with its end date, mailed', async () => {
      const id = await file(other.token, ['https://bad.example/a', 'https://bad.example/b']);
      await review(id, { action: 'disable', manifestly_illegal: true });
      assert.equal(await levelOf('customer', 'c2'), 'warn');
      assert.equal(await levelOf('customer', 'c1'), 'ok');
      const tooSoon = await s.api('/v1/accounts/c2/suspend', { token: s.adminToken, body: { reason: 'Illegal content.' } });
      assert.equal(tooSoon.status, 409, 'no suspension without a prior warning');
      assert.equal((await s.api('/v1/accounts/nope/warn', { token: s.adminToken, body: { reason: 'x' } })).status, 404);
      assert.equal((await s.api('/v1/accounts/c2/warn', { token: s.adminToken, body: { reason: 'Two manifestly illegal files.' } })).status, 201);
      await smtp.waitFor((m) => m.some((x) => x.envelopeTo.includes('owner@bad.test') && /Warning about your account c2/.test(x.parsed.subject ?? '')));
      assert.equal(await levelOf('customer', 'c2'), 'suspend');

      const sus = await s.api('/v1/accounts/c2/suspend', { token: s.adminToken, body: { reason: 'Manifestly illegal content again after the warning.' } });
      assert.equal(sus.status, 201, JSON.stringify(sus.body));
      assert.deepEqual(sus.body.zones, ['bad-two.example', 'bad.example']);
      const zones = await s.store.db.selectFrom('zones').select(['name', 'status']).orderBy('name').execute();
      assert.deepEqual(
        zones.map((z) => [z.name, z.status]),
        [
          ['bad-two.example', 'suspended'],
          ['bad.example', 'suspended'],
          ['clean.example', 'active'],
        ],
      );
      const feed = await s.api('/v1/edge/blocklist', { token: s.adminToken });
      assert.deepEqual(
        feed.body.zones.map((z: { zone: string }) => z.zone),
        ['bad-two.example', 'bad.example'],
      );

      const st = await s.store.db.selectFrom('statements_of_reasons').selectAll().where('restriction', '=', 'service_suspended').execute();
      assert.equal(st.length, 1);
      assert.equal(st[0]!.account_id, 'c2');
      const statement = (typeof st[0]!.statement === 'string' ? JSON.parse(st[0]!.statement) : st[0]!.statement) as Record<string, unknown>;
      assert.ok(validate(statement), JSON.stringify(validate.errors));
      assert.equal(statement.end_date_service_restriction, sus.body.ends_at.slice(0, 10));
      const mails = await smtp.waitFor((m) =>
        m.some((x) => x.envelopeTo.includes('owner@bad.test') && /Your account c2 is suspended until/.test(x.parsed.subject ?? '')),
      );
      const text = mails.find((x) => /is suspended until/.test(x.parsed.subject ?? ''))!.parsed.text ?? '';
      assert.match(text, /STATEMENT OF REASONS/);
      assert.match(text, new RegExp(`The restriction ends on ${sus.body.ends_at.slice(0, 10)}`));
      assert.match(text, /disabled as manifestly illegal since \d{4}-\d\d-\d\d: 2 items \(100% of the 2 we decided on\)/);
      assert.match(text, /internal complaint to us, free of charge/);
      assert.ok(text.includes(`/portal/statements/${st[0]!.id}`));
      // Retrying issues nothing new.
      assert.equal((await s.api('/v1/accounts/c2/suspend', { token: s.adminToken, body: { reason: 'again' } })).body.changed, false);
      assert.equal((await s.store.db.selectFrom('statements_of_reasons').select('id').where('restriction', '=', 'service_suspended').execute()).length, 1);
    });

    test('at the end of the period the customer is served again, without anyone acting', async () => {
      offset += 4 * DAY;
      const feed = await s.api('/v1/edge/blocklist', { token: s.adminToken });
      assert.deepEqual(feed.body.zones, [], 'read after the end: the suspension is lifted before the feed is built');
      const zones = await s.store.db.selectFrom('zones').select(['status']).where('account_id', '=', 'c2').execute();
      assert.deepEqual(
        zones.map((z) => z.status),
        ['active', 'active'],
      );
      const events = await s.store.db
        .selectFrom('events')
        .select(['type', 'actor'])
        .where('type', 'in', ['account.warned', 'account.suspended', 'account.suspension_lifted', 'zone.suspended', 'zone.suspension_lifted'])
        .orderBy('id')
        .execute();
      assert.deepEqual(
        events.map((e) => e.type),
        [
          'account.warned',
          'account.suspended',
          'zone.suspended',
          'zone.suspended',
          'account.suspension_lifted',
          'zone.suspension_lifted',
          'zone.suspension_lifted',
        ],
      );
      assert.equal(events.at(-1)!.actor, 'system');
      await smtp.waitFor((m) =>
        m.some((x) => x.envelopeTo.includes('owner@bad.test') && /The suspension of your account c2 has ended/.test(x.parsed.subject ?? '')),
      );
    });

    test('the staff page lists the queue and a party history with the actions; the policy is published', async () => {
      const cookie = `sh_session=${(await startSession(s.store.db, await staffId(), 'email_link')).cookie}`;
      const page = await fetch(`${s.url}/staff/misuse`, { headers: { cookie } });
      assert.equal(page.status, 200);
      const html = await page.text();
      assert.match(html, /Measures against misuse/);
      const party = await fetch(`${s.url}/staff/misuse/customer/c2`, { headers: { cookie } });
      const ph = await party.text();
      assert.equal(party.status, 200);
      assert.match(ph, /Manifestly illegal content again after the warning/);
      assert.ok(ph.includes('action="/staff/misuse/customer/c2/warn"'));
      assert.match(ph, /name="_csrf"/);
      const anonymous = await fetch(`${s.url}/staff/misuse`, { redirect: 'manual' });
      assert.ok([302, 303].includes(anonymous.status), `sent to sign in (${anonymous.status})`);
      const policy = await fetch(`${s.url}/policy/misuse`);
      assert.equal(policy.status, 200);
      assert.match(await policy.text(), /manifestly unfounded/);
    });
  });
}
