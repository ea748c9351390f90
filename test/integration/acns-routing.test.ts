// Reports that name an IP address, port and time instead of URLs, over real SMTP on both stores:
// netblock history loaded through the API, an ACNS notice routed to the account that held the
// address when the activity was seen (not today's holder), the owner's mail carrying the facts,
// an address outside every netblock recorded as not on the network, an XARF copyright report
// with a URL filed as a notice, and an X-ARF spam report kept for staff and not filed.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { storeKinds } from '../support/stores.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';
import { startTestServer, waitUntil, type TestServer } from '../support/server.ts';
import { accountHoldingIp } from '../../src/services/netblocks.ts';
import { assignmentOf, holderAt, parseNetblocksCsv } from '../../src/domain/netblocks.ts';

const ZONES = `account_id,account_name,account_email,zone,mode,origin
oldco,Old Colo Customer,ops@oldco.test,oldco.example,proxied,1.1.1.1
newco,New Colo Customer,noc@newco.test,newco.example,proxied,1.1.1.2
m1,Mirror Site,owner@mirrorsite.test,mirrorsite.example,proxied,1.1.1.3
`;

// 198.51.100.0/24 moved from oldco to newco on 21 November; the ACNS fixture saw it on the 20th.
const NETBLOCKS = `cidr,account_id,assigned_from,assigned_to
198.51.100.0/24,oldco,2026-01-01,2026-11-21T00:00:00Z
198.51.100.0/24,newco,2026-11-21T00:00:00Z,
2001:db8:1::/48,newco,2026-01-01,
10.0.0.1/8,oldco,2026-01-01,
203.0.113.0/24,nobody,2026-01-01,
`;

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

const LETTER = `Dear abuse team,

Harbor Pictures LLC owns the copyright in the film "Sunrise Over Harbor". Our machine-readable
report is attached (xarf.json).

I have a good faith belief that use of the material in the manner complained of is not
authorized by the copyright owner, its agent, or the law.

I swear, under penalty of perjury, that the information in this notification is accurate and
that I am authorized to act on behalf of the owner of an exclusive right that is allegedly
infringed.

/s/ Jane Doe
Jane Doe, Anti-Piracy Manager
Harbor Pictures LLC
1 Studio Way, Los Angeles, CA 90001, USA
Phone: +1 555 0100
Email: jane@harborpictures.test
`;

for (const kind of storeKinds()) {
  describe(`reports by IP address over SMTP (${kind} store)`, () => {
    let smtp: TestSmtp;
    let s: TestServer;
    let send: (m: SendMailOptions) => Promise<{ response: string }>;
    const message = (subject: string) =>
      waitUntil(
        () =>
          s.store.db
            .selectFrom('inbound_messages')
            .select(['id', 'status', 'outcome', 'notice_id', 'detail'])
            .where('subject', '=', subject)
            .executeTakeFirst(),
        (m) => !!m && m.status !== 'received',
        15_000,
        `message "${subject}" read`,
      ).then((m) => m!);
    const reportOf = (inboundId: number) =>
      s.store.db.selectFrom('network_reports').selectAll().where('inbound_message_id', '=', inboundId).executeTakeFirstOrThrow();

    before(async () => {
      smtp = await startSmtp();
      s = await startTestServer(kind, {
        smtpUrl: smtp.url,
        smtpPort: 0,
        config: { mailDomain: 'desk.test', intakeAddresses: ['dmca', 'abuse'], providerName: 'Example Network' },
      });
      await s.loadZones(ZONES);
      const transport = nodemailer.createTransport({ host: '127.0.0.1', port: s.server.smtpPort!, secure: false, ignoreTLS: true });
      send = (m) => transport.sendMail(m) as Promise<{ response: string }>;
    });
    after(async () => {
      await s?.close();
      await smtp?.close();
    });

    test('netblocks load through the API: bad lines reported by number, good ones kept, a re-import changes nothing; staff only', async () => {
      const csv = { 'content-type': 'text/csv' };
      const reporter = await s.reporter();
      assert.equal((await s.api('/v1/netblocks/import', { token: reporter.token, body: NETBLOCKS, headers: csv })).status, 403);
      const first = await s.api('/v1/netblocks/import', { token: s.adminToken, body: NETBLOCKS, headers: csv });
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.deepEqual({ added: first.body.added, changed: first.body.changed, unchanged: first.body.unchanged }, { added: 3, changed: 0, unchanged: 0 });
      assert.deepEqual(
        first.body.errors.map((e: { line: number }) => e.line),
        [5, 6],
      );
      assert.match(first.body.errors[0].message, /host bits set/);
      assert.match(first.body.errors[1].message, /"nobody" is not a known account/);
      const again = await s.api('/v1/netblocks/import', { token: s.adminToken, body: NETBLOCKS, headers: csv });
      assert.deepEqual({ added: again.body.added, changed: again.body.changed, unchanged: again.body.unchanged }, { added: 0, changed: 0, unchanged: 3 });
      const events = await s.store.db
        .selectFrom('events')
        .select(['type', 'subject_id'])
        .where('type', 'in', ['netblock.assigned', 'netblock.changed'])
        .execute();
      assert.equal(events.length, 3, 'one event per assignment added, none for the unchanged re-import');
    });

    test('the store answers "who held this address then" exactly as the pure lookup does (nested prefixes, history, IPv6)', async () => {
      const nested = `cidr,account_id,assigned_from,assigned_to
198.51.100.16/28,m1,2026-06-01,2026-09-01
2001:db8:1:2::/64,oldco,2026-03-01,
`;
      const r = await s.api('/v1/netblocks/import', { token: s.adminToken, body: nested, headers: { 'content-type': 'text/csv' } });
      assert.deepEqual(r.body.errors, []);
      const all = [...parseNetblocksCsv(NETBLOCKS).rows, ...parseNetblocksCsv(nested).rows].filter((x) => x.accountId !== 'nobody').map(assignmentOf);
      const probes: [string, string][] = [
        ['198.51.100.20', '2026-07-01T00:00:00Z'],
        ['198.51.100.20', '2026-10-01T00:00:00Z'],
        ['198.51.100.20', '2026-11-21T00:00:00Z'],
        ['198.51.100.40', '2026-07-01T00:00:00Z'],
        ['198.51.100.20', '2025-07-01T00:00:00Z'],
        ['2001:db8:1:2::9', '2026-04-01T00:00:00Z'],
        ['2001:db8:1:2::9', '2026-02-01T00:00:00Z'],
        ['2001:db8:1:3::9', '2026-04-01T00:00:00Z'],
        ['::ffff:198.51.100.20', '2026-07-01T00:00:00Z'],
        ['192.0.2.1', '2026-07-01T00:00:00Z'],
      ];
      const expected = ['m1', 'oldco', 'newco', 'oldco', null, 'oldco', 'newco', 'newco', 'm1', null];
      for (const [i, [ip, t]] of probes.entries()) {
        const fromStore = (await accountHoldingIp(s.store.db, ip, new Date(t)))?.accountId ?? null;
        assert.equal(fromStore, holderAt(all, ip, new Date(t))?.accountId ?? null, `${ip} at ${t}: store and pure lookup agree`);
        assert.equal(fromStore, expected[i], `${ip} at ${t}`);
      }
    });

    test('an ACNS notice attached to a mail goes to the account that held the address at the notice’s time, with IP, port, time and file', async () => {
      await send({
        from: 'IP-Echelon Notices <notices@agency.test>',
        to: 'dmca@desk.test',
        subject: 'ACNS notice 198.51.100.20',
        text: 'Please see the attached notice.',
        attachments: [{ filename: 'notice.xml', content: fixture('acns-notice.xml'), contentType: 'application/xml' }],
      });
      const m = await message('ACNS notice 198.51.100.20');
      assert.equal(m.outcome, 'routed_by_ip', JSON.stringify(m.detail).slice(0, 400));
      assert.equal(m.notice_id, null);
      const r = await reportOf(Number(m.id));
      assert.deepEqual(
        {
          state: r.state,
          account: r.account_id,
          ip: r.ip,
          port: r.port,
          at: new Date(r.observed_at).toISOString(),
          format: r.format,
          category: r.category,
          case_id: r.case_id,
        },
        {
          state: 'forwarded',
          account: 'oldco',
          ip: '198.51.100.20',
          port: 51413,
          at: '2026-11-20T08:06:44.000Z',
          format: 'acns',
          category: 'copyright',
          case_id: 'a1b2c3d4e5f60718293a',
        },
      );
      assert.equal(r.works[0]?.file_name, 'Sunrise.Over.Harbor.2025.1080p.mkv');

      const mails = await smtp.waitFor(
        (x) => x.some((e) => e.envelopeTo.includes('ops@oldco.test')) && x.some((e) => e.envelopeTo.includes('notices@agency.test')),
      );
      const owner = mails.find((e) => e.envelopeTo.includes('ops@oldco.test'))!;
      const body = owner.parsed.text ?? '';
      for (const fact of [
        '198.51.100.20',
        '51413',
        '2026-11-20T08:06:44.000Z',
        'Sunrise.Over.Harbor.2025.1080p.mkv',
        'Sunrise Over Harbor',
        '5f1e0c3a9b7d2e4f6a8c0b1d3e5f7a9c1b3d5e7f',
        'BITTORRENT',
        '198.51.100.0/24',
        'notices@agency.test',
        'Harbor Pictures LLC',
      ]) {
        assert.ok(body.includes(fact), `the owner's mail names ${fact}`);
      }
      assert.ok(!mails.some((e) => e.envelopeTo.includes('noc@newco.test')), 'today’s holder of the address is not told');
      // The complainant is whoever the reader found sending it: here the agency's own address.
      const ack = mails.find((e) => e.envelopeTo.includes('notices@agency.test'))!;
      assert.match(ack.parsed.subject ?? '', /forwarded/);
      assert.ok(!(ack.parsed.text ?? '').includes('Old Colo Customer'), 'the complainant is not told who the customer is');

      const events = await s.store.db
        .selectFrom('events')
        .select(['type', 'subject_type', 'subject_id', 'after'])
        .where('subject_type', 'in', ['network_report', 'account'])
        .execute();
      assert.ok(
        events.some((e) => e.type === 'network_report.routed' && e.subject_id === String(r.id) && (e.after as { account_id: string }).account_id === 'oldco'),
      );
      assert.ok(events.some((e) => e.type === 'account.network_report_received' && e.subject_id === 'oldco'));
    });

    test('an address no account held at that time is recorded as not on the network, and the complainant told why', async () => {
      const xml = fixture('acns-notice.xml').toString('utf8').replace('198.51.100.20', '192.0.2.99').replace('a1b2c3d4e5f60718293a', 'ffff0000111122223333');
      await send({ from: 'notices@agency.test', to: 'dmca@desk.test', subject: 'ACNS notice 192.0.2.99', text: xml });
      const m = await message('ACNS notice 192.0.2.99');
      assert.equal(m.outcome, 'not_on_network');
      const r = await reportOf(Number(m.id));
      assert.equal(r.state, 'not_on_network');
      assert.equal(r.account_id, null);
      assert.match(r.reason ?? '', /192\.0\.2\.99 was not assigned to any customer of Example Network at 2026-11-20T08:06:44\.000Z/);
      const mails = await smtp.waitFor((x) => x.some((e) => /ffff0000111122223333/.test(e.parsed.subject ?? '')));
      const ack = mails.find((e) => /ffff0000111122223333/.test(e.parsed.subject ?? ''))!;
      assert.deepEqual(ack.envelopeTo, ['notices@agency.test']);
      assert.match(ack.parsed.text ?? '', /not assigned to any customer/);
    });

    test('an X-ARF copyright report.txt naming an IPv6 address is routed to its holder at that time', async () => {
      await send({
        from: 'p2p@harborpictures.test',
        to: 'abuse@desk.test',
        subject: 'X-ARF copyright 2001:db8:1::20',
        headers: { 'X-XARF': 'PLAIN' },
        text: 'Copyright report attached.',
        attachments: [{ filename: 'report.txt', content: fixture('x-arf-copyright-report.txt'), contentType: 'text/plain' }],
      });
      const m = await message('X-ARF copyright 2001:db8:1::20');
      assert.equal(m.outcome, 'routed_by_ip');
      const r = await reportOf(Number(m.id));
      assert.deepEqual(
        { state: r.state, account: r.account_id, format: r.format, port: r.port },
        { state: 'forwarded', account: 'newco', format: 'x-arf', port: 51413 },
      );
      const mails = await smtp.waitFor((x) => x.some((e) => e.envelopeTo.includes('noc@newco.test')));
      assert.ok((mails.find((e) => e.envelopeTo.includes('noc@newco.test'))!.parsed.text ?? '').includes('2001:db8:1::20'));
    });

    test('an XARF v4 copyright report with a URL is filed and processed like any notice', async () => {
      await send({
        from: 'Jane Doe <jane@harborpictures.test>',
        to: 'dmca@desk.test',
        subject: 'XARF copyright report HP-2026-000417',
        text: LETTER,
        attachments: [{ filename: 'xarf.json', content: fixture('xarf-copyright.json'), contentType: 'application/json' }],
      });
      const m = await message('XARF copyright report HP-2026-000417');
      assert.equal(m.outcome, 'notice_filed', JSON.stringify(m.detail).slice(0, 600));
      const notice = await waitUntil(
        () => s.api(`/v1/notices/${m.notice_id}`, { token: s.adminToken }),
        (r) => r.body.status === 'processed',
        15_000,
        'notice processed',
      );
      assert.equal(notice.body.items.length, 1);
      assert.equal(notice.body.items[0].url, 'https://mirrorsite.example/watch/sunrise-over-harbor');
      assert.equal(notice.body.items[0].state, 'forwarded');
      await smtp.waitFor((x) => x.some((e) => e.envelopeTo.includes('owner@mirrorsite.test')));
      assert.equal(
        (await s.store.db.selectFrom('network_reports').select('id').where('inbound_message_id', '=', Number(m.id)).execute()).length,
        0,
        'a URL notice is not an IP report',
      );
    });

    test('an X-ARF v0.2 spam report is kept for staff: no notice, no mail, no strike', async () => {
      const before = (await s.store.db.selectFrom('outbox').select('id').execute()).length;
      const noticesBefore = (await s.store.db.selectFrom('notices').select('id').execute()).length;
      await send({ envelope: { from: 'reports@spamtrap.test', to: ['abuse@desk.test'] }, raw: fixture('x-arf-spam.eml') });
      const m = await message('abuse report about 203.0.113.77 - 2026-11-20T09:15:00Z');
      assert.equal(m.outcome, 'kept_for_staff');
      assert.equal(m.notice_id, null);
      const r = await reportOf(Number(m.id));
      assert.deepEqual(
        { state: r.state, category: r.category, ip: r.ip, port: r.port, format: r.format },
        { state: 'kept_for_staff', category: 'spam', ip: '203.0.113.77', port: 25, format: 'x-arf' },
      );
      assert.equal((await s.store.db.selectFrom('notices').select('id').execute()).length, noticesBefore);
      assert.equal((await s.store.db.selectFrom('outbox').select('id').execute()).length, before, 'nothing is sent for a spam report');
    });

    test('staff list the reports by state and account; others cannot; bad filters are 422 with every field', async () => {
      const all = await s.api('/v1/network-reports', { token: s.adminToken });
      assert.equal(all.status, 200);
      assert.deepEqual(all.body.network_reports.map((r: { state: string }) => r.state).sort(), ['forwarded', 'forwarded', 'kept_for_staff', 'not_on_network']);
      const oldco = await s.api('/v1/network-reports?state=forwarded&account_id=oldco', { token: s.adminToken });
      assert.deepEqual(
        oldco.body.network_reports.map((r: { ip: string; observed_at: string }) => [r.ip, r.observed_at]),
        [['198.51.100.20', '2026-11-20T08:06:44.000Z']],
      );
      const reporter = await s.reporter();
      assert.equal((await s.api('/v1/network-reports', { token: reporter.token })).status, 403);
      const bad = await s.api('/v1/network-reports?state=lost&limit=0', { token: s.adminToken });
      assert.equal(bad.status, 422);
      assert.deepEqual(bad.body.errors.map((e: { field: string }) => e.field).sort(), ['limit', 'state']);
    });
  });
}
