// Notices by e-mail over real SMTP sessions on loopback: each message stored raw before it is
// answered, then read — filed as a notice, attached to its case by the reply address, answered
// with what is missing, or left alone when it is not a notice.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import type { SendMailOptions } from 'nodemailer';
import { sql } from 'kysely';
import { storeKinds } from '../support/stores.ts';
import type { TestSmtp } from '../support/smtp.ts';
import { startMailDesk, type MailDesk } from '../support/mail-desk.ts';
import { dmcaNotice, waitUntil, type TestServer } from '../support/server.ts';

const ZONES = `account_id,account_name,account_email,zone,mode,origin
m1,Mirror Site,owner@mirrorsite.test,mirrorsite.example,proxied,1.1.1.1
m2,Hosted Blog,ops@hostedblog.test,hostedblog.example,hosted,198.51.100.20
`;

const TAKEDOWN = `Dear Sir or Madam,

I am writing on behalf of Harbor Pictures LLC, the owner of the exclusive copyrights in the
motion picture "Sunrise Over Harbor" (2025). The original work can be viewed at
https://harborpictures.test/films/sunrise (our official site).

The following URLs on your network make unauthorised copies of the film available:

https://mirrorsite.example/watch/sunrise-over-harbor
https://mirrorsite.example/dl/sunrise-1080p.mkv
https://hostedblog.example/posts/free-sunrise

I have a good faith belief that use of the material in the manner complained of is not
authorized by the copyright owner, its agent, or the law.

I swear, under penalty of perjury, that the information in this notification is accurate and
that I am authorized to act on behalf of the owner of an exclusive right that is allegedly
infringed.

Please remove or disable access to the infringing material.

Sincerely,

/s/ Jane Doe
Jane Doe, Anti-Piracy Manager
Harbor Pictures LLC
1 Studio Way, Los Angeles, CA 90001, USA
Phone: +1 555 0100
Email: jane@harborpictures.test
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

/** One raw SMTP session, for what a library would refuse to send (bad recipients, broken MIME). */
async function rawSmtp(port: number, lines: string[]): Promise<string[]> {
  const sock = connect(port, '127.0.0.1');
  const replies: string[] = [];
  let buf = '';
  const next = () =>
    new Promise<string>((resolve) => {
      const tryTake = () => {
        const m = /^(\d{3}) [^\r\n]*\r\n/m.exec(buf);
        if (m) {
          const end = buf.indexOf(m[0]) + m[0].length;
          const reply = buf.slice(0, end);
          buf = buf.slice(end);
          resolve(reply.trim());
        } else sock.once('data', (d) => ((buf += d.toString()), tryTake()));
      };
      tryTake();
    });
  replies.push(await next());
  // Lines marked "__" are message content: written as they are (without the mark), no reply awaited.
  for (const l of lines) {
    const content = l.startsWith('__');
    sock.write(`${content ? l.slice(2) : l}\r\n`);
    if (!content) replies.push(await next());
  }
  sock.end();
  return replies;
}

for (const kind of storeKinds()) {
  describe(`mail intake over SMTP (${kind} store)`, () => {
    let smtp: TestSmtp; // where Safeharbor's own mail goes
    let s: TestServer;
    let send: (m: SendMailOptions) => Promise<{ response: string }>;
    // Polled every 100 ms: the raw bytes only of small messages (a 20 MB one would be copied out at each poll).
    const inbound = () =>
      s.store.db
        .selectFrom('inbound_messages')
        .select(['id', 'received_at', 'mail_from', 'rcpt_to', 'size', 'status', 'outcome', 'notice_id', 'message_id', 'subject', 'from_address', 'detail'])
        .select(sql<Uint8Array>`CASE WHEN size < 1048576 THEN raw ELSE ''::bytea END`.as('raw'))
        .orderBy('id')
        .execute();

    let desk: MailDesk;
    before(async () => {
      desk = await startMailDesk(kind, ['dmca', 'abuse'], ZONES);
      ({ smtp, s, send } = desk);
    });
    after(() => desk?.close());

    test('a plain-text notice is stored raw, read, filed and processed like an API notice', async () => {
      const info = await send({
        from: 'Jane Doe <jane@harborpictures.test>',
        to: 'dmca@desk.test',
        subject: 'DMCA notice: Sunrise Over Harbor',
        text: TAKEDOWN,
      });
      assert.match(info.response, /^250 .*stored as message \d+/);
      const row = await waitUntil(inbound, (r) => r.some((m) => m.status !== 'received'), 10_000, 'the message read');
      const m = row.find((x) => x.subject === 'DMCA notice: Sunrise Over Harbor')!;
      assert.equal(m.outcome, 'notice_filed', JSON.stringify(m.detail));
      assert.ok(Buffer.from(m.raw).toString().includes('Sunrise Over Harbor'), 'the raw message is kept');
      const notice = await waitUntil(
        () => s.api(`/v1/notices/${m.notice_id}`, { token: s.adminToken }),
        (r) => r.body.status === 'processed',
        10_000,
        'notice processed',
      );
      assert.equal(notice.body.channel, 'email');
      assert.deepEqual(
        notice.body.items.map((i: { url: string; state: string }) => [i.url, i.state]),
        [
          ['https://mirrorsite.example/watch/sunrise-over-harbor', 'forwarded'],
          ['https://mirrorsite.example/dl/sunrise-1080p.mkv', 'forwarded'],
          ['https://hostedblog.example/posts/free-sunrise', 'pending_review'],
        ],
      );
      assert.deepEqual(notice.body.work.urls, ['https://harborpictures.test/films/sunrise'], 'the original work is never an item');
      assert.equal(notice.body.claimant.email, 'jane@harborpictures.test');
      // The sender gets the notice number and status link; the site owner gets the notice.
      await smtp.waitFor((x) =>
        x.some((y) => y.envelopeTo.includes('jane@harborpictures.test') && y.parsed.subject?.includes(`We received your copyright notice ${m.notice_id}`)),
      );
      const owner = await smtp.waitFor((x) => x.some((y) => y.envelopeTo.includes('owner@mirrorsite.test')));
      const toOwner = owner.find((y) => y.envelopeTo.includes('owner@mirrorsite.test'))!;
      assert.match(toOwner.parsed.replyTo!.text, /^dmca\+[0-9a-f]{32}o[0-9a-f]{16}@desk\.test$/, 'replies name their case');

      // The same message delivered twice files nothing new.
      await send({
        from: 'Jane Doe <jane@harborpictures.test>',
        to: 'dmca@desk.test',
        subject: 'DMCA notice: Sunrise Over Harbor',
        text: TAKEDOWN,
        messageId: m.message_id!,
      });
      const again = await waitUntil(inbound, (r) => r.length === 2 && r[1]!.status !== 'received', 10_000, 'second copy read');
      assert.ok(['duplicate', 'notice_filed'].includes(again[1]!.outcome!));
      assert.equal(again[1]!.notice_id, m.notice_id);
    });

    test('a counter notice answering the forwarded notice attaches to its case by the reply address', async () => {
      const r = await s.api('/v1/notices', {
        token: (await s.reporter('agency@rights.test')).token,
        body: dmcaNotice(['https://mirrorsite.example/watch/other-film']),
      });
      const id = r.body.id as string;
      const mails = await smtp.waitFor((x) => x.some((y) => y.envelopeTo.includes('owner@mirrorsite.test') && y.parsed.subject?.includes(id)));
      const replyTo = mails.find((y) => y.envelopeTo.includes('owner@mirrorsite.test') && y.parsed.subject?.includes(id))!.parsed.replyTo!.text;
      await send({ from: 'Sam Owner <owner@mirrorsite.test>', to: replyTo, subject: `Re: Copyright notice ${id}`, text: COUNTER });
      const rows = await waitUntil(inbound, (x) => x.some((m) => m.notice_id === id && m.status !== 'received'), 10_000, 'reply read');
      const m = rows.find((x) => x.notice_id === id)!;
      assert.equal(m.outcome, 'reply_attached');
      const events = await s.api(`/v1/notices/${id}/events?scope=notice`, { token: s.adminToken });
      const reply = events.body.events.find((e: { type: string }) => e.type === 'notice.reply_received');
      assert.equal(reply.data.replying_party, 'owner');
      assert.equal(reply.data.reads_as, 'counter_notice');
      assert.equal(reply.data.from, 'owner@mirrorsite.test');
      await smtp.waitFor((x) => x.some((y) => y.envelopeTo.includes('owner@mirrorsite.test') && y.parsed.subject?.includes('We received your counter notice')));

      // A forged token is not a case.
      await send({ from: 'someone@else.test', to: `dmca+${'0'.repeat(32)}o${'0'.repeat(16)}@desk.test`, subject: 'Re: something', text: COUNTER });
      const forged = await waitUntil(inbound, (x) => x[x.length - 1]!.status !== 'received', 10_000, 'forged read');
      assert.equal(forged[forged.length - 1]!.outcome, 'needs_staff');
      assert.equal(forged[forged.length - 1]!.notice_id, null);
    });

    test('an incomplete notice gets a reply listing exactly the missing legal elements', async () => {
      await send({
        from: 'Rights Bot <bot@rights.test>',
        to: 'abuse@desk.test',
        subject: 'Infringement',
        text: 'Please take down https://mirrorsite.example/watch/sunrise-over-harbor which infringes our copyright in the film Sunrise Over Harbor.\n\nRights Bot',
      });
      const rows = await waitUntil(inbound, (x) => x.some((m) => m.subject === 'Infringement' && m.status !== 'received'), 10_000, 'read');
      const m = rows.find((x) => x.subject === 'Infringement')!;
      assert.equal(m.outcome, 'incomplete');
      const reply = (await smtp.waitFor((x) => x.some((y) => y.envelopeTo.includes('bot@rights.test')))).find((y) => y.envelopeTo.includes('bot@rights.test'))!;
      assert.match(reply.parsed.subject!, /Your notice is incomplete/);
      assert.match(reply.parsed.text!, /good-faith belief/);
      assert.match(reply.parsed.text!, /under penalty of perjury/);
    });

    test('a message with no notice in it is kept and not answered', async () => {
      await send({ from: 'friend@example.test', to: 'abuse@desk.test', subject: 'lunch?', text: 'Are we still on for lunch on Friday?' });
      const rows = await waitUntil(inbound, (x) => x.some((m) => m.subject === 'lunch?' && m.status !== 'received'), 10_000, 'read');
      assert.equal(rows.find((x) => x.subject === 'lunch?')!.outcome, 'no_notice');
      await new Promise((r) => setTimeout(r, 500));
      assert.ok(!smtp.mails.some((x) => x.envelopeTo.includes('friend@example.test')));
    });

    test('an ACNS XML attachment is read safely and recorded with its IP, port and time', async () => {
      const xml = readFileSync(new URL('../fixtures/acns-notice.xml', import.meta.url));
      await send({
        from: 'antipiracy@agency.test',
        to: 'dmca@desk.test',
        subject: 'ACNS notice',
        text: 'Please see the attached notice.',
        attachments: [{ filename: 'notice.xml', content: xml, contentType: 'application/xml' }],
      });
      const rows = await waitUntil(inbound, (x) => x.some((m) => m.subject === 'ACNS notice' && m.status !== 'received'), 10_000, 'read');
      const m = rows.find((x) => x.subject === 'ACNS notice')!;
      const detail = m.detail as { reading: { kind: string; acns: { ip: string | null; port: number | null; timestamp: string | null } | null } };
      assert.equal(detail.reading.kind, 'takedown');
      assert.ok(detail.reading.acns?.ip, 'the IP address the notice names');
      assert.ok(detail.reading.acns?.timestamp);
    });

    test('unknown recipients are refused; broken MIME and a 20 MB message are stored and read without harm', async () => {
      const port = s.server.smtpPort!;
      const refused = await rawSmtp(port, [
        'EHLO tester.test',
        'MAIL FROM:<a@b.test>',
        'RCPT TO:<postmaster@elsewhere.test>',
        'RCPT TO:<sales@desk.test>',
        'QUIT',
      ]);
      assert.match(refused[3]!, /^550 /);
      assert.match(refused[4]!, /^550 /);

      const broken = [
        'From: x@broken.test',
        'Subject: broken mime',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="never-closed"',
        '',
        '--never-closed',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: base64',
        '',
        '@@@ this is not base64 @@@',
        '--never-closed',
        'Content-Type: application/xml',
        '',
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><x>&b;</x>',
      ];
      const r = await rawSmtp(port, [
        'EHLO tester.test',
        'MAIL FROM:<x@broken.test>',
        'RCPT TO:<dmca@desk.test>',
        'DATA',
        ...broken.map((l) => `__${l}`),
        '.',
        'QUIT',
      ]);
      assert.ok(
        r.some((x) => /^250 .*stored as message/.test(x)),
        r.join(' | '),
      );
      const rows = await waitUntil(
        inbound,
        (x) =>
          x.some((m) => m.subject === 'broken mime' && m.status !== 'received') ||
          x.some((m) => m.from_address === null && m.status !== 'received' && Buffer.from(m.raw).includes('never-closed')),
        10_000,
        'broken read',
      );
      const b = rows.find((m) => Buffer.from(m.raw).includes('never-closed'))!;
      assert.ok(['processed', 'failed'].includes(b.status));
      assert.ok(Buffer.from(b.raw).includes('@@@ this is not base64 @@@'), 'the bytes are kept as received');

      const big = Buffer.alloc(20 * 1024 * 1024, 'A');
      const info = await send({
        from: 'big@sender.test',
        to: 'dmca@desk.test',
        subject: 'big one',
        text: 'See attachment.',
        attachments: [{ filename: 'video.bin', content: big }],
      });
      assert.match(info.response, /^250 /);
      const rows2 = await waitUntil(inbound, (x) => x.some((m) => m.subject === 'big one'), 20_000, 'big read');
      const bigRow = rows2.find((m) => m.subject === 'big one')!;
      assert.ok(bigRow.size > 20 * 1024 * 1024, `stored ${bigRow.size} bytes`);
      assert.equal(bigRow.outcome, 'no_notice');
      // The server still answers.
      assert.equal((await s.api('/healthz')).status, 200);
    });
  });
}
