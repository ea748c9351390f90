// DSA Art. 16 for notices filed through the native API, on both stores with a real SMTP server:
// the notifier's confirmation of receipt (Art. 16(4)) says what it is and how automated means
// take part (Art. 16(6)); the decision — staff's, or the outcome of every URL — reaches the
// notifier with its reasons and the redress open to it (Art. 16(5)). A DMCA notice's mails say
// none of this: it is not a DSA notice.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { storeKinds } from '../support/stores.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';
import { startTestServer, waitUntil, type TestServer } from '../support/server.ts';

const ZONES = `account_id,account_name,account_email,zone,mode,origin
h1,Hosted One,one@hosted.test,hosted.example,hosted,198.51.100.1
p1,Proxied One,one@proxied.test,proxied.example,proxied,8.8.8.8
`;
const notifier = { name: 'Kim Notifier', email: 'kim@ngo.test', company: 'Hate Aid e.V.' };

for (const store of storeKinds()) {
  describe(`DSA notices: receipt and decision (${store} store)`, () => {
    let smtp: TestSmtp;
    let s: TestServer;
    let kim: { token: string };
    const file = async (body: Record<string, unknown>) => {
      const r = await s.api('/v1/notices', { token: kim.token, body });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const id = r.body.id as string;
      await waitUntil(
        () => s.api(`/v1/notices/${id}`, { token: kim.token }),
        (x) => x.body.status === 'processed',
        20_000,
        `${id} processed`,
      );
      return id;
    };
    const mailTo = async (id: string, subject: RegExp) => {
      const f = (m: TestSmtp['mails'][number]) =>
        m.envelopeTo.includes(notifier.email) && Boolean(m.parsed.subject?.includes(id)) && subject.test(m.parsed.subject!);
      await smtp.waitFor((all) => all.some(f));
      return smtp.mails.find(f)!.parsed.text!;
    };

    before(async () => {
      smtp = await startSmtp();
      s = await startTestServer(store, { smtpUrl: smtp.url });
      await s.loadZones(ZONES);
      kim = await s.reporter(notifier.email);
    });
    after(async () => {
      await s?.close();
      await smtp?.close();
    });

    test('receipt (Art. 16(4)), a rejection with its reason and the redress (Art. 16(5))', async () => {
      const id = await file({
        kind: 'threat',
        regime: 'dsa',
        urls: ['https://hosted.example/threat'],
        claimant: notifier,
        explanation: 'The page calls for violence against a named journalist (incitement under § 111 StGB).',
        statements: { accurate_and_complete: true },
      });
      const receipt = await mailTo(id, /We received/);
      assert.match(receipt, /confirms receipt of your notice under Art\. 16\(4\) of the EU Digital Services Act/);
      assert.match(receipt, /automatically/, 'Art. 16(6): the use of automated means');
      const r = await s.api(`/v1/notices/${id}/review`, {
        token: s.adminToken,
        body: { action: 'reject', reason: 'other', note: 'The page reports on the threat; it does not make it.', state: 'pending_review' },
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const decision = await mailTo(id, /Decision on your/);
      assert.match(decision, /The page reports on the threat; it does not make it\./);
      assert.match(decision, /your options for redress/);
      assert.match(decision, /internal complaint .* within six months \(DSA Art\. 20\)/);
      assert.match(decision, /out-of-court dispute settlement body .* \(DSA Art\. 21\)/);
    });

    test('a forwarded notice: the outcome of every URL with the redress', async () => {
      const id = await file({
        kind: 'general',
        regime: 'dsa',
        urls: ['https://proxied.example/hate'],
        claimant: notifier,
        explanation: 'Holocaust denial, illegal under § 130 StGB.',
        statements: { accurate_and_complete: true },
      });
      const ack = await mailTo(id, /processed/);
      assert.match(ack, /https:\/\/proxied\.example\/hate\n\s+→ forwarded/);
      assert.match(ack, /your options for redress/);
    });

    test('through the web form: the same receipt', async () => {
      const page = await fetch(`${s.url}/report?kind=phishing&regime=dsa`);
      assert.equal(page.status, 200);
      const html = await page.text();
      const cookie = page.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
      const token = (name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(html)![1]!;
      const form = new FormData();
      for (const [k, v] of Object.entries({
        _csrf: token('_csrf'),
        submission_id: token('submission_id'),
        kind: 'phishing',
        regime: 'dsa',
        urls: 'https://proxied.example/login',
        claimant_name: notifier.name,
        claimant_email: notifier.email,
        explanation: 'A copy of the Example Bank login page that collects passwords.',
        accurate_and_complete: 'yes',
      }))
        form.append(k, v);
      const filed = await fetch(`${s.url}/report`, { method: 'POST', body: form, redirect: 'manual', headers: { cookie } });
      assert.equal(filed.status, 303, await filed.text());
      const row = await s.store.db.selectFrom('notices').select(['id', 'regime', 'channel']).where('channel', '=', 'web').executeTakeFirstOrThrow();
      assert.deepEqual([row.regime, row.channel], ['dsa', 'web']);
      assert.match(await mailTo(row.id, /We received/), /confirms receipt of your notice under Art\. 16\(4\)/);
    });

    test('a DMCA notice through the API: no receipt mail, and no word of DSA rights', async () => {
      const id = await file({
        kind: 'copyright',
        regime: 'dmca',
        urls: ['https://proxied.example/film.mp4'],
        claimant: { ...notifier, address: '1 Main St, Berlin', country: 'DE' },
        work: { description: 'The film "Harbour"' },
        statements: { good_faith_belief: true, accuracy_and_authority: true },
        signature: notifier.name,
      });
      assert.doesNotMatch(await mailTo(id, /processed/), /Digital Services Act|redress/);
      assert.ok(!smtp.mails.some((m) => m.parsed.subject?.includes(id) && /We received/.test(m.parsed.subject)), 'an API client has its 201; no receipt mail');
    });
  });
}
