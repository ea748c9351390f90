// Reports of every kind by e-mail, over real SMTP sessions on loopback: the reader tells what a
// message is about (phishing, a trademark, a threat, child sexual abuse material…) and under which
// law (the EU Digital Services Act, the DMCA, or the provider's terms), and the message is filed
// as a report of that kind and regime through the same filing, routing and actions as the API —
// or answered with what that kind of report lacks. CSAM is disabled at once and never passed on
// or quoted back.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { SendMailOptions } from 'nodemailer';
import { storeKinds } from '../support/stores.ts';
import type { TestSmtp } from '../support/smtp.ts';
import { startMailDesk, type MailDesk } from '../support/mail-desk.ts';
import { waitUntil, type TestServer } from '../support/server.ts';

const ZONES = `account_id,account_name,account_email,zone,mode,origin
p1,Proxied Owner,owner@proxied.test,proxied.example,proxied,8.8.8.8
h1,Hosted Owner,owner@hosted.test,hosted.example,hosted,198.51.100.1
`;

const XARF_PHISHING = `---
Reported-From: reports@phishdesk.test
Category: fraud
Report-Type: phishing
Service: http
Version: 0.2
User-Agent: phishdesk 2.1
Date: Fri, 20 Nov 2026 08:00:00 +0000
Source-Type: uri
Source: https://proxied.example/secure/examplebank-login
Report-ID: PD-2026-11-20-0042
`;

const PLAIN_PHISHING = `Hello abuse team,

The pages below are a phishing kit impersonating Example Bank. They show a fake login page that
harvests online-banking credentials and card numbers; victims reach them through SMS messages.

https://proxied.example/verify/account
https://hosted.example/examplebank/signin.php

Please take them down quickly.

Kind regards,
Robin Analyst
Example Bank Security Team
robin@examplebank.test
`;

const TRADEMARK = `Dear Sir or Madam,

Harbor Goods GmbH owns the registered trademark HARBOR® (EUIPO registration no. 018123456) for bags,
clothing and accessories.

The shop at https://proxied.example/shop/harbor-bags sells counterfeit HARBOR bags bearing our mark and
logo. The goods are not ours and create a likelihood of confusion with our genuine products.

Please remove the listings.

Maria Brandt
Legal, Harbor Goods GmbH
maria@harborgoods.test
`;

const THREAT = `Hello,

A post at https://proxied.example/forum/thread/99 says its author will kill my family and me next
week, and publishes our home address. This is a credible threat of violence; the police have been told.

Please remove the post.

Sam Target
sam@target.test
`;

const DSA_NOTICE = `Notice of illegal content under Article 16 of the Digital Services Act (Regulation (EU) 2022/2065)

The page https://proxied.example/forum/thread/1234 incites violence against refugees housed in
Dresden: it calls on readers to attack the shelter and threatens to kill its residents. This is
incitement to violence, a criminal offence under § 130 of the German Criminal Code.

I believe in good faith that the information and allegations in this notice are accurate and complete.

Lena Hoffmann
Meldestelle Online-Hass e.V.
lena@meldestelle.test
`;

const CSAM = `I found images of child sexual abuse at https://proxied.example/album/777 and
https://hosted.example/gallery/777. The pictures show minors in sexual situations. I did not
keep anything.
`;

for (const store of storeKinds()) {
  describe(`reports of every kind by e-mail (${store} store)`, () => {
    let smtp: TestSmtp;
    let s: TestServer;
    let send: (m: SendMailOptions) => Promise<{ response: string }>;
    const inbound = () =>
      s.store.db.selectFrom('inbound_messages').select(['id', 'status', 'outcome', 'notice_id', 'subject', 'detail']).orderBy('id').execute();

    /** Sends a message and waits until the intake has read it. */
    async function deliver(m: SendMailOptions & { subject: string }) {
      const info = await send(m);
      assert.match(info.response, /^250 .*stored as message \d+/);
      const rows = await waitUntil(inbound, (r) => r.some((x) => x.subject === m.subject && x.status !== 'received'), 15_000, `"${m.subject}" read`);
      return rows.find((x) => x.subject === m.subject)!;
    }
    /** The filed notice, once processed: its stored kind and regime, and its items' states. */
    async function filed(id: string) {
      const notice = await waitUntil(
        () => s.api(`/v1/notices/${id}`, { token: s.adminToken }),
        (r) => r.body.status === 'processed',
        20_000,
        `notice ${id} processed`,
      );
      const row = await s.store.db.selectFrom('notices').select(['kind', 'regime', 'channel']).where('id', '=', id).executeTakeFirstOrThrow();
      return { ...row, items: (notice.body.items as { url: string; state: string }[]).map((i) => [i.url, i.state]) };
    }
    const mailsTo = (addr: string, id: string) => smtp.mails.filter((m) => m.envelopeTo.includes(addr) && m.parsed.subject?.includes(id));

    let desk: MailDesk;
    before(async () => {
      desk = await startMailDesk(store, ['abuse', 'dmca'], ZONES);
      ({ smtp, s, send } = desk);
    });
    after(() => desk?.close());

    test('an X-ARF phishing report naming a URL is filed as a phishing report and forwarded to the site owner', async () => {
      const m = await deliver({
        from: 'PhishDesk Reports <reports@phishdesk.test>',
        to: 'abuse@desk.test',
        subject: 'X-ARF phishing report PD-2026-11-20-0042',
        headers: { 'X-XARF': 'PLAIN' },
        text: 'Dear abuse team,\n\nthe URL in the attached report hosts a phishing page imitating the Example Bank login to steal credentials.\nThe report is attached in X-ARF format.\n',
        attachments: [{ filename: 'report.txt', content: XARF_PHISHING, contentType: 'text/plain' }],
      });
      assert.equal(m.outcome, 'notice_filed', JSON.stringify(m.detail));
      const n = await filed(m.notice_id!);
      assert.deepEqual([n.kind, n.regime, n.channel], ['phishing', 'terms', 'email']);
      assert.deepEqual(n.items, [['https://proxied.example/secure/examplebank-login', 'forwarded']]);
      const subject = (m.detail as { reading: { subject: { source: string; kind: string } } }).reading.subject;
      assert.deepEqual([subject.kind, subject.source], ['phishing', 'xarf'], 'the report’s own category decided');
      await smtp.waitFor((x) => x.some((y) => y.envelopeTo.includes('owner@proxied.test') && y.parsed.subject?.includes(m.notice_id!)));
      await smtp.waitFor((x) =>
        x.some((y) => y.envelopeTo.includes('reports@phishdesk.test') && y.parsed.subject?.includes(`We received your phishing report ${m.notice_id}`)),
      );
    });

    test('a plain-text phishing report: filed as phishing, the proxied page forwarded, the hosted one kept for review', async () => {
      const m = await deliver({
        from: 'Robin Analyst <robin@examplebank.test>',
        to: 'abuse@desk.test',
        subject: 'Phishing pages imitating Example Bank',
        text: PLAIN_PHISHING,
      });
      assert.equal(m.outcome, 'notice_filed', JSON.stringify(m.detail));
      const n = await filed(m.notice_id!);
      assert.deepEqual([n.kind, n.regime], ['phishing', 'terms']);
      assert.deepEqual(n.items, [
        ['https://proxied.example/verify/account', 'forwarded'],
        ['https://hosted.example/examplebank/signin.php', 'pending_review'],
      ]);
      const owner = await smtp.waitFor((x) => x.some((y) => y.envelopeTo.includes('owner@proxied.test') && y.parsed.subject?.includes(m.notice_id!)));
      const text = owner.find((y) => y.envelopeTo.includes('owner@proxied.test') && y.parsed.subject?.includes(m.notice_id!))!.parsed.text!;
      assert.ok(text.includes('https://proxied.example/verify/account'));
      assert.doesNotMatch(text, /counter notice|512/, 'a phishing report is not a DMCA notice');
    });

    test('a trademark complaint: filed as trademark with its registration, forwarded to the owner', async () => {
      const m = await deliver({ from: 'Maria Brandt <maria@harborgoods.test>', to: 'abuse@desk.test', subject: 'Counterfeit HARBOR bags', text: TRADEMARK });
      assert.equal(m.outcome, 'notice_filed', JSON.stringify(m.detail));
      const n = await filed(m.notice_id!);
      assert.deepEqual([n.kind, n.regime], ['trademark', 'terms']);
      assert.deepEqual(n.items, [['https://proxied.example/shop/harbor-bags', 'forwarded']]);
      const stored = await s.store.db.selectFrom('notices').select('submission').where('id', '=', m.notice_id!).executeTakeFirstOrThrow();
      assert.deepEqual((stored.submission as { trademark: unknown }).trademark, { number: '018123456', office: 'EUIPO', symbol: 'HARBOR' });
      await smtp.waitFor((x) => x.some((y) => y.envelopeTo.includes('owner@proxied.test') && y.parsed.subject?.includes(m.notice_id!)));
      assert.match(mailsTo('owner@proxied.test', m.notice_id!)[0]!.parsed.text!, /https:\/\/proxied\.example\/shop\/harbor-bags/);
    });

    test('a threat report: filed as a threat under the terms, forwarded', async () => {
      const m = await deliver({ from: 'Sam Target <sam@target.test>', to: 'abuse@desk.test', subject: 'Threat against my family', text: THREAT });
      assert.equal(m.outcome, 'notice_filed', JSON.stringify(m.detail));
      const n = await filed(m.notice_id!);
      assert.deepEqual([n.kind, n.regime], ['threat', 'terms']);
      assert.deepEqual(n.items, [['https://proxied.example/forum/thread/99', 'forwarded']]);
    });

    test('a DSA Art. 16 notice: filed under the DSA with its good-faith statement and explanation', async () => {
      const m = await deliver({
        from: 'Lena Hoffmann <lena@meldestelle.test>',
        to: 'abuse@desk.test',
        subject: 'DSA notice: incitement to violence',
        text: DSA_NOTICE,
      });
      assert.equal(m.outcome, 'notice_filed', JSON.stringify(m.detail));
      const n = await filed(m.notice_id!);
      assert.deepEqual([n.kind, n.regime], ['threat', 'dsa']);
      assert.deepEqual(n.items, [['https://proxied.example/forum/thread/1234', 'forwarded']]);
      const stored = await s.store.db.selectFrom('notices').select('submission').where('id', '=', m.notice_id!).executeTakeFirstOrThrow();
      const sub = stored.submission as { statements: { accurate_and_complete: boolean }; explanation: string; claimant: { name: string; email: string } };
      assert.equal(sub.statements.accurate_and_complete, true);
      assert.match(sub.explanation, /incitement to violence/);
      assert.deepEqual([sub.claimant.name, sub.claimant.email], ['Lena Hoffmann', 'lena@meldestelle.test']);
      // Art. 16(4) and (5) by mail as by every channel: the receipt, then the outcome with the redress.
      await smtp.waitFor(() => mailsTo('lena@meldestelle.test', m.notice_id!).length >= 2);
      const [receipt, ack] = ['We received', 'processed'].map((w) =>
        mailsTo('lena@meldestelle.test', m.notice_id!).find((x) => x.parsed.subject!.includes(w))!,
      );
      assert.match(receipt!.parsed.text!, /confirms receipt of your notice under Art\. 16\(4\) of the EU Digital Services Act/);
      assert.match(ack!.parsed.text!, /your options for redress/);
    });

    test('a DSA notice without the good-faith statement, and a trademark complaint without a registration number, get replies naming what is missing', async () => {
      const noStatement = DSA_NOTICE.replace(/I believe in good faith[^\n]*\n/, '');
      const a = await deliver({
        from: 'Lena Hoffmann <lena@meldestelle.test>',
        to: 'abuse@desk.test',
        subject: 'DSA notice without statement',
        text: noStatement,
      });
      assert.equal(a.outcome, 'incomplete', JSON.stringify(a.detail));
      assert.deepEqual([(a.detail as { kind: string }).kind, (a.detail as { regime: string }).regime], ['threat', 'dsa']);
      const replyA = (
        await smtp.waitFor((x) => x.some((y) => y.envelopeTo.includes('lena@meldestelle.test') && /incomplete/.test(y.parsed.subject ?? '')))
      ).find((y) => y.envelopeTo.includes('lena@meldestelle.test') && /incomplete/.test(y.parsed.subject ?? ''))!;
      assert.match(replyA.parsed.text!, /Digital Services Act/);
      assert.match(replyA.parsed.text!, /accurate and complete \(EU Digital Services Act, Art\. 16\(2\)\(d\)\)/);
      assert.doesNotMatch(replyA.parsed.text!, /512/, 'not the DMCA elements');

      const noNumber = TRADEMARK.replace(' (EUIPO registration no. 018123456)', ' (registered with the EUIPO)');
      const b = await deliver({ from: 'Maria Brandt <maria@harborgoods.test>', to: 'abuse@desk.test', subject: 'Counterfeits again', text: noNumber });
      assert.equal(b.outcome, 'incomplete', JSON.stringify(b.detail));
      const replyB = (
        await smtp.waitFor((x) => x.some((y) => y.envelopeTo.includes('maria@harborgoods.test') && /incomplete/.test(y.parsed.subject ?? '')))
      ).find((y) => y.envelopeTo.includes('maria@harborgoods.test') && /incomplete/.test(y.parsed.subject ?? ''))!;
      assert.match(replyB.parsed.subject!, /Your trademark complaint is incomplete: Counterfeits again/);
      assert.match(replyB.parsed.text!, /- the registration number of your trademark/);
      assert.doesNotMatch(replyB.parsed.text!, /office that registered/, 'only what is missing');
    });

    test('CSAM by e-mail: disabled at receipt everywhere, nothing forwarded, the material and the message never quoted back', async () => {
      const m = await deliver({
        from: 'A Concerned Person <concerned@person.test>',
        to: 'abuse@desk.test',
        subject: 'child abuse images on album 777',
        text: CSAM,
        attachments: [{ filename: 'screenshot.jpg', content: Buffer.from('not really an image'), contentType: 'image/jpeg' }],
      });
      assert.equal(m.outcome, 'notice_filed', JSON.stringify(m.detail));
      const n = await filed(m.notice_id!);
      assert.deepEqual([n.kind, n.regime], ['csam', 'terms']);
      assert.deepEqual(n.items, [
        ['https://proxied.example/album/777', 'content_disabled'],
        ['https://hosted.example/gallery/777', 'content_disabled'],
      ]);
      await smtp.waitFor((x) => x.some((y) => y.envelopeTo.includes('concerned@person.test') && y.parsed.subject?.includes(m.notice_id!)));
      await new Promise((r) => setTimeout(r, 300));
      const about = smtp.mails.filter((y) => y.parsed.subject?.includes(m.notice_id!) || y.envelopeTo.includes('concerned@person.test'));
      for (const y of about) {
        assert.equal(y.parsed.attachments.length, 0, `no attachment to ${y.envelopeTo}`);
        assert.ok(!(y.parsed.text ?? '').includes('sexual situations') && !(y.parsed.subject ?? '').includes('album 777'), `nothing quoted to ${y.envelopeTo}`);
      }
      for (const y of about.filter((x) => !x.envelopeTo.includes('concerned@person.test'))) {
        assert.ok(!(y.parsed.text ?? '').includes('concerned@person.test'), 'the reporter is not named');
      }

      // Without URLs, the reply says what is missing, without the subject line and with a warning not to send the material.
      const r = await deliver({
        from: 'A Concerned Person <concerned@person.test>',
        to: 'abuse@desk.test',
        subject: 'csam seen',
        text: 'I saw child sexual abuse material (CSAM) of minors on one of your sites.',
      });
      assert.equal(r.outcome, 'incomplete', JSON.stringify(r.detail));
      const reply = (
        await smtp.waitFor((x) => x.some((y) => y.envelopeTo.includes('concerned@person.test') && /incomplete/.test(y.parsed.subject ?? '')))
      ).find((y) => y.envelopeTo.includes('concerned@person.test') && /incomplete/.test(y.parsed.subject ?? ''))!;
      assert.doesNotMatch(`${reply.parsed.subject} ${reply.parsed.text}`, /csam seen/);
      assert.match(reply.parsed.text!, /URLs/);
      assert.match(reply.parsed.text!, /Do not send the material itself/);
    });
  });
}
