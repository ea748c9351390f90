// A 100,000-URL notice: accepted at once, processed in the background with visible progress,
// items paginated, one message per recipient with the full list attached.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { storeKinds } from '../support/stores.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';
import { startTestServer, dmcaNotice, waitUntil, type TestServer } from '../support/server.ts';

const N = 100_000;

for (const kind of storeKinds()) {
  describe(`a ${N}-URL notice (${kind} store)`, () => {
    let smtp: TestSmtp;
    let s: TestServer;
    before(async () => {
      smtp = await startSmtp();
      s = await startTestServer(kind, { smtpUrl: smtp.url, config: { maxUrlsPerNotice: N } });
      await s.loadZones(
        'account_id,account_name,account_email,zone,mode,origin\n' +
          'a1,Mega Mirror,owner@megamirror.test,megamirror.example,proxied,1.1.1.1\n' +
          'a2,Other Site,owner@othersite.test,othersite.example,proxied,8.8.8.8\n',
      );
    });
    after(async () => {
      await s?.close();
      await smtp?.close();
    });

    test('is accepted, processed with progress, paginated and mailed once per recipient', async () => {
      const { token } = await s.reporter();
      const urls = Array.from({ length: N }, (_, i) =>
        i % 10 === 9 ? `https://elsewhere-${i}.example/f` : `https://${i % 2 ? 'megamirror' : 'othersite'}.example/files/${i}.mkv`,
      );
      const tPost = Date.now();
      const res = await s.api('/v1/notices', { token, body: dmcaNotice(urls) });
      console.log(`# ${kind}: POST of ${N} URLs answered in ${((Date.now() - tPost) / 1000).toFixed(1)} s`);
      assert.equal(res.status, 201, JSON.stringify(res.body).slice(0, 500));
      const id = res.body.id;
      assert.equal(res.body.progress.items_total, N);
      assert.notEqual(res.body.status, 'processed', 'a notice this big is processed in the background');

      const t0 = Date.now();
      const seen: number[] = [];
      const done = await waitUntil(
        () => s.api(`/v1/notices/${id}?items_limit=1`, { token }),
        (r) => {
          seen.push(r.body.progress.items_resolved);
          return r.body.status === 'processed';
        },
        240_000,
        'the notice to be processed',
      );
      console.log(`# ${kind}: ${N} URLs processed in ${((Date.now() - t0) / 1000).toFixed(1)} s after the 201`);
      for (let i = 1; i < seen.length; i++) assert.ok(seen[i]! >= seen[i - 1]!, 'progress never goes back');
      assert.deepEqual(done.body.progress, { items_total: N, items_resolved: N });
      assert.deepEqual(done.body.counts, { forwarded: N - N / 10, not_on_network: N / 10 });

      // Walk every item through the pages.
      let after: number | null = null;
      let total = 0;
      let pages = 0;
      for (;;) {
        const page = await s.api(`/v1/notices/${id}?items_limit=10000${after === null ? '' : `&items_after=${after}`}`, { token });
        assert.equal(page.status, 200);
        total += page.body.items.length;
        pages++;
        if (page.body.items_page.next_after === null) break;
        after = page.body.items_page.next_after;
      }
      assert.equal(total, N);
      assert.equal(pages, 10);
      const offNet = await s.api(`/v1/notices/${id}?items_state=not_on_network&items_limit=5`, { token });
      assert.equal(offNet.body.items.length, 5);
      assert.ok(offNet.body.items.every((i: { state: string }) => i.state === 'not_on_network'));

      const mails = await smtp.waitFor((m) => m.filter((x) => x.parsed.subject?.includes(id)).length === 3, 60_000);
      const mine = mails.filter((x) => x.parsed.subject?.includes(id));
      const owner = mine.find((m) => m.envelopeTo.includes('owner@megamirror.test'))!;
      assert.ok(owner, 'one message to each owner');
      assert.equal(mine.filter((m) => m.envelopeTo.includes('owner@megamirror.test')).length, 1);
      assert.match(owner.parsed.text!, /and 39800 more/);
      const csv = owner.parsed.attachments.find((a) => a.filename?.endsWith('.csv'))!;
      assert.equal(csv.content.toString('utf8').trim().split(/\r\n/).length, 1 + 40_000);
      const ack = mine.find((m) => m.envelopeTo.includes('jane@harborpictures.test'))!;
      const ackCsv = ack.parsed.attachments.find((a) => a.filename?.endsWith('.csv'))!;
      assert.equal(ackCsv.content.toString('utf8').trim().split(/\r\n/).length, 1 + N);
    });

    test('a notice over the limit is refused with a clear message', async () => {
      const { token } = await s.reporter();
      const res = await s.api('/v1/notices', { token, body: dmcaNotice(Array.from({ length: N + 1 }, (_, i) => `https://megamirror.example/${i}`)) });
      assert.equal(res.status, 422);
      assert.deepEqual(res.body.errors, [
        { field: 'urls', message: `this notice lists ${N + 1} URLs; one notice can list at most ${N} — split the list into several notices` },
      ]);
    });
  });
}
