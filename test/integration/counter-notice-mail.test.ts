// A counter notice by e-mail: the site owner replies to the takedown mail (its Reply-To names the
// case), the intake reads it, and it goes through the same lifecycle service as the API — the
// complainant gets its copy and the restore date. A retraction by e-mail: the complainant replies
// to its own mail about the notice, and the content comes back. Real SMTP both ways, both stores.
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

const RETRACTION = `Hello,

We have since granted the site owner a licence for the clips, so we no longer object. Please
consider our notice withdrawn and restore https://mirrorsite.example/watch/sunrise-over-harbor.

Regards,
Jane Doe
Harbor Pictures LLC
`;

/** An event's data (a JSON string on one store, an object on the other). */
const dataOf = (e: { data: unknown }) =>
  (typeof e.data === 'string' ? JSON.parse(e.data) : e.data) as { status: number | string; errors?: unknown; changed?: number };

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
      await waitUntil(
        () => s.api(`/v1/notices/${id}`, { token: reporter.token }),
        (x) => x.body.status === 'processed',
        10_000,
        'processed',
      );
      await s.api(`/v1/notices/${id}/review`, { token: s.adminToken, body: { action: 'disable', state: 'pending_review' } });
      const mails = await smtp.waitFor((m) => m.some((x) => x.envelopeTo.includes('owner@mirrorsite.test') && /Content disabled/.test(x.parsed.subject ?? '')));
      const takedown = mails.find((x) => x.envelopeTo.includes('owner@mirrorsite.test') && /Content disabled/.test(x.parsed.subject ?? ''))!;
      const replyTo = takedown.parsed.replyTo!.text;
      assert.match(replyTo, /^dmca\+[0-9a-f]{32}o[0-9a-f]{16}@desk\.test$/);
      assert.ok(takedown.parsed.text!.includes(replyTo), 'the body names the reply address for counter notices');

      const transport = nodemailer.createTransport({ host: '127.0.0.1', port: s.server.smtpPort!, secure: false, ignoreTLS: true });
      await transport.sendMail({
        from: 'Sam Owner <owner@mirrorsite.test>',
        to: replyTo,
        subject: `Re: Content disabled after copyright notice ${id}`,
        text: COUNTER,
      });
      const ev = await waitUntil(
        () => s.store.db.selectFrom('events').select(['data']).where('type', '=', 'notice.counter_notice_by_mail').where('notice_id', '=', id).execute(),
        (x) => x.length > 0,
        15_000,
        'counter notice read from mail',
      );
      const data = dataOf(ev[0]!);
      assert.equal(data.status, 201, JSON.stringify(data));
      const l = await s.store.db.selectFrom('item_lifecycles').select(['kind']).executeTakeFirstOrThrow();
      assert.equal(l.kind, 'counter_notice_forwarded');
      const filing = await s.store.db.selectFrom('legal_filings').select(['channel', 'inbound_message_id']).executeTakeFirstOrThrow();
      assert.equal(filing.channel, 'email');
      await smtp.waitFor((m) =>
        m.some(
          (x) =>
            x.envelopeTo.includes('jane@harborpictures.test') &&
            /Counter notice to your copyright notice/.test(x.parsed.subject ?? '') &&
            x.parsed.text!.includes('Sam Owner'),
        ),
      );
    });

    test('a reply by the complainant that reads as a retraction restores the content; the same letter from anyone else changes nothing', async () => {
      const reporter = await s.reporter('desk2@rights.test');
      const url = 'https://mirrorsite.example/watch/sunrise-over-harbor';
      const r = await s.api('/v1/notices', { token: reporter.token, body: dmcaNotice([url]) });
      const id = r.body.id as string;
      await waitUntil(
        () => s.api(`/v1/notices/${id}`, { token: reporter.token }),
        (x) => x.body.status === 'processed',
        10_000,
        'processed',
      );
      const review = await s.api(`/v1/notices/${id}/review`, { token: s.adminToken, body: { action: 'disable', state: 'pending_review' } });
      assert.equal(review.status, 200, JSON.stringify(review.body));
      const aboutThis = (x: { envelopeTo: string[]; parsed: { replyTo?: { text: string } } }) =>
        x.envelopeTo.includes('jane@harborpictures.test') && (x.parsed.replyTo?.text ?? '').includes(id.replace(/-/g, ''));
      const replyTo = (await smtp.waitFor((m) => m.some(aboutThis))).find(aboutThis)!.parsed.replyTo!.text;
      assert.match(replyTo, /^dmca\+[0-9a-f]{32}r[0-9a-f]{16}@desk\.test$/, "the complainant's mail carries its own reply address");
      const events = () =>
        s.store.db.selectFrom('events').select(['data']).where('type', '=', 'notice.retraction_by_mail').where('notice_id', '=', id).orderBy('id').execute();
      const state = async () => (await s.store.db.selectFrom('notice_items').select('state').where('notice_id', '=', id).executeTakeFirstOrThrow()).state;
      const transport = nodemailer.createTransport({ host: '127.0.0.1', port: s.server.smtpPort!, secure: false, ignoreTLS: true });

      // Someone who got hold of the address but is not the complainant: recorded, nothing restored.
      await transport.sendMail({ from: 'Mallory <mallory@elsewhere.test>', to: replyTo, subject: `Re: copyright notice ${id}`, text: RETRACTION });
      const first = await waitUntil(events, (x) => x.length > 0, 15_000, 'retraction by a stranger recorded');
      assert.equal(dataOf(first[0]!).status, 'not_the_complainant');
      assert.equal(await state(), 'content_disabled');

      await transport.sendMail({ from: 'Jane Doe <jane@harborpictures.test>', to: replyTo, subject: `Re: copyright notice ${id}`, text: RETRACTION });
      const both = await waitUntil(events, (x) => x.length > 1, 15_000, 'retraction by the complainant read');
      const filed = dataOf(both[1]!);
      assert.equal(filed.status, 201, JSON.stringify(filed));
      assert.equal(filed.changed, 1);
      assert.equal(await state(), 'retracted');
      const filing = await s.store.db
        .selectFrom('legal_filings')
        .select(['channel', 'inbound_message_id'])
        .where('notice_id', '=', id)
        .where('kind', '=', 'retraction')
        .executeTakeFirstOrThrow();
      assert.equal(filing.channel, 'email');
      assert.ok(filing.inbound_message_id);
      // The site owner hears that the content is back.
      await smtp.waitFor((m) => m.some((x) => x.envelopeTo.includes('owner@mirrorsite.test') && /retract|restor/i.test(x.parsed.subject ?? '')));
    });
  });
}
