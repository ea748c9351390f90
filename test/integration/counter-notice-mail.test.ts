// A counter notice by e-mail: the site owner replies to the takedown mail (its Reply-To names the
// case), the intake reads it, and it goes through the same lifecycle service as the API — the
// complainant gets its copy and the restore date. Real SMTP both ways, both stores.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import nodemailer from 'nodemailer';
import { storeKinds } from '../support/stores.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';
import { startTestServer, dmcaNotice, waitUntil, type TestServer } from '../support/server.ts';

const ZONES = `account_id,account_name,account_email,zone,mode,origin
m1,Mirror Site,owner@mirrorsite.test,mirrorsite.example,hosted,198.51.100.20
`;

const COUNTER = `To whom it may concern,

This is a counter notification under 17 U.S.C. 512(g)(3).

The material at https://mirrorsite.example/watch/sunrise-over-harbor was removed or disabled
following your notice. It is my own review of the film, which quotes short clips.

I swear, under penalty of perjury, that I have a good faith belief that the material was
removed or disabled as a result of mistake or misidentification of the material to be removed
or disabled.

I consent to the jurisdiction of the Federal District Court for the judicial district in which
my address is located, and I will accept service of process from the person who provided the
notification or an agent of such person.

Name: Sam Owner
Address: 9 Mirror Lane, Portland, OR 97201, USA
Phone: +1 555 0199
Email: owner@mirrorsite.test

/s/ Sam Owner
`;

for (const kind of storeKinds()) {
  describe(`counter notice by e-mail (${kind} store)`, () => {
    let smtp: TestSmtp;
    let s: TestServer;

    before(async () => {
      smtp = await startSmtp();
      s = await startTestServer(kind, { smtpUrl: smtp.url, smtpPort: 0, config: { mailDomain: 'desk.test', intakeAddresses: ['dmca'] } });
      await s.loadZones(ZONES);
    });
    after(async () => {
      await s?.close();
      await smtp?.close();
    });

    test('a reply to the takedown mail that reads as a counter notice is filed: complainant copy, restore scheduled', async () => {
      const reporter = await s.reporter('desk@rights.test');
      const r = await s.api('/v1/notices', { token: reporter.token, body: dmcaNotice(['https://mirrorsite.example/watch/sunrise-over-harbor']) });
      const id = r.body.id as string;
      await waitUntil(() => s.api(`/v1/notices/${id}`, { token: reporter.token }), (x) => x.body.status === 'processed', 10_000, 'processed');
      await s.api(`/v1/notices/${id}/review`, { token: s.adminToken, body: { action: 'disable', state: 'pending_review' } });
      const mails = await smtp.waitFor((m) => m.some((x) => x.envelopeTo.includes('owner@mirrorsite.test') && /Content disabled/.test(x.parsed.subject ?? '')));
      const takedown = mails.find((x) => x.envelopeTo.includes('owner@mirrorsite.test') && /Content disabled/.test(x.parsed.subject ?? ''))!;
      const replyTo = takedown.parsed.replyTo!.text;
      assert.match(replyTo, /^dmca\+[0-9a-f]{32}o[0-9a-f]{16}@desk\.test$/);
      assert.ok(takedown.parsed.text!.includes(replyTo), 'the body names the reply address for counter notices');

      const transport = nodemailer.createTransport({ host: '127.0.0.1', port: s.server.smtpPort!, secure: false, ignoreTLS: true });
      await transport.sendMail({ from: 'Sam Owner <owner@mirrorsite.test>', to: replyTo, subject: `Re: Content disabled after copyright notice ${id}`, text: COUNTER });
      const ev = await waitUntil(
        () => s.store.db.selectFrom('events').select(['data']).where('type', '=', 'notice.counter_notice_by_mail').where('notice_id', '=', id).execute(),
        (x) => x.length > 0,
        15_000,
        'counter notice read from mail',
      );
      const data = (typeof ev[0]!.data === 'string' ? JSON.parse(ev[0]!.data) : ev[0]!.data) as { status: number; errors?: unknown };
      assert.equal(data.status, 201, JSON.stringify(data));
      const l = await s.store.db.selectFrom('item_lifecycles').select(['kind']).executeTakeFirstOrThrow();
      assert.equal(l.kind, 'counter_notice_forwarded');
      const filing = await s.store.db.selectFrom('legal_filings').select(['channel', 'inbound_message_id']).executeTakeFirstOrThrow();
      assert.equal(filing.channel, 'email');
      await smtp.waitFor((m) => m.some((x) => x.envelopeTo.includes('jane@harborpictures.test') && /Counter notice to your copyright notice/.test(x.parsed.subject ?? '') && x.parsed.text!.includes('Sam Owner')));
    });
  });
}
