// The core flow over real HTTP, on both stores, with a real SMTP server on loopback.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { storeKinds } from '../support/stores.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';
import { startTestServer, dmcaNotice, waitUntil, type TestServer } from '../support/server.ts';
import { importZones } from '../../src/services/zone-import.ts';
import { importNetworks } from '../../src/services/network-import.ts';

const ZONES = `account_id,account_name,account_email,zone,mode,origin
acct-1,Pirate Films Ltd,owner@piratefilms.test,piratefilms.example,proxied,1.1.1.1
acct-2,Hosted Shop,ops@hostedshop.test,hostedshop.example,hosted,198.51.100.7
acct-3,Sub Zone Co,admin@subzone.test,cdn.piratefilms.example,proxied,8.8.8.8
`;

for (const kind of storeKinds()) {
  describe(`core notice flow (${kind} store)`, () => {
    let smtp: TestSmtp;
    let s: TestServer;
    let reporterA: { token: string; id: string };
    let reporterB: { token: string; id: string };

    before(async () => {
      smtp = await startSmtp();
      s = await startTestServer(kind, { smtpUrl: smtp.url });
      await s.loadZones(ZONES);
      const nets = await importNetworks(s.store.db, 'cidr,asn,name,abuse_email\n8.8.8.0/24,15169,Google LLC,network-abuse@google.test\n', 'system');
      assert.equal(nets.loaded, 1);
      reporterA = await s.reporter('agency-a@rights.test');
      reporterB = await s.reporter('agency-b@rights.test');
    });
    after(async () => {
      await s?.close();
      await smtp?.close();
    });

    test('a 3-URL notice with one URL off the network: states, zones, hosts, one mail per recipient', async () => {
      const urls = [
        'https://PiratFilms.example.invalid/x',
        'https://www.piratefilms.example/movies/sunrise.mp4',
        'http://files.cdn.piratefilms.example/sunrise.mkv',
      ];
      urls[0] = 'https://not-ours.example/sunrise.mp4';
      const res = await s.api('/v1/notices', { token: reporterA.token, body: dmcaNotice(urls) });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      const n = res.body;
      assert.equal(n.status, 'processed');
      assert.deepEqual(n.progress, { items_total: 3, items_resolved: 3 });
      assert.deepEqual(n.counts, { not_on_network: 1, forwarded: 2 });
      const [off, proxied, sub] = n.items;
      assert.equal(off.state, 'not_on_network');
      assert.match(off.reason, /not-ours\.example is not a site on .*network/);
      assert.equal(off.zone, null);
      assert.equal(proxied.state, 'forwarded');
      assert.equal(proxied.zone, 'piratefilms.example');
      assert.deepEqual(proxied.hosting_provider, { name: 'Cloudflare, Inc.', asn: 13335, abuse_email: null });
      assert.equal(sub.zone, 'cdn.piratefilms.example', 'longest suffix wins');
      assert.deepEqual(sub.hosting_provider, { name: 'Google LLC', asn: 15169, abuse_email: 'network-abuse@google.test' });
      assert.ok(!JSON.stringify(n).includes('1.1.1.1') && !JSON.stringify(n).includes('8.8.8.8'), 'origin IPs never reach a reporter');

      // owner of acct-1, owner of acct-3, Google's abuse desk, and the reporter's acknowledgement
      const mails = await smtp.waitFor((m) => m.filter((x) => x.parsed.subject?.includes(n.id)).length >= 4);
      const mine = mails.filter((m) => m.parsed.subject?.includes(n.id));
      const to = (addr: string) => mine.filter((m) => m.envelopeTo.includes(addr));
      assert.equal(to('owner@piratefilms.test').length, 1);
      assert.equal(to('admin@subzone.test').length, 1);
      assert.equal(to('network-abuse@google.test').length, 1);
      assert.equal(to('jane@harborpictures.test').length, 1);
      assert.equal(mine.length, 4);
      const ownerMail = to('owner@piratefilms.test')[0]!.parsed.text!;
      assert.match(ownerMail, /https:\/\/www\.piratefilms\.example\/movies\/sunrise\.mp4/);
      assert.ok(!ownerMail.includes('cdn.piratefilms.example'), 'each owner sees only its own URLs');
      assert.match(ownerMail, /Jane Doe/);
      const hostMail = to('network-abuse@google.test')[0]!.parsed.text!;
      assert.match(hostMail, /8\.8\.8\.8/, 'the host is told the origin address');
      assert.match(hostMail, /jane@harborpictures\.test/);
      const ack = to('jane@harborpictures.test')[0]!.parsed.text!;
      assert.match(ack, /not on our network/);
      assert.match(ack, /hosting provider: Google LLC \(AS15169\), abuse contact network-abuse@google\.test/);
      assert.match(ack, /hosting provider: Cloudflare, Inc\. \(AS13335\)/);

      const ev = await s.api(`/v1/notices/${n.id}/events`, { token: reporterA.token });
      assert.equal(ev.status, 200);
      const types = ev.body.events.map((e: { type: string }) => e.type);
      assert.deepEqual(types.filter((t: string) => t === 'item.resolved').length, 3);
      assert.ok(types.includes('notice.received') && types.includes('notice.status_changed') && types.includes('message.queued'));
      const resolved = ev.body.events.find((e: { type: string; after: { state: string } }) => e.type === 'item.resolved' && e.after.state === 'forwarded');
      assert.deepEqual(resolved.before, { state: 'received' });
      await waitUntil(
        () => s.api(`/v1/notices/${n.id}/events?scope=notice`, { token: s.adminToken }),
        (r) => r.body.events.filter((e: { type: string }) => e.type === 'message.sent').length === 4,
        15_000,
        'message.sent events',
      );
    });

    test('send-anon keeps the claimant out of the host message', async () => {
      const res = await s.api('/v1/notices', {
        token: reporterA.token,
        body: dmcaNotice(['https://img.cdn.piratefilms.example/still.jpg'], { notify: { owner: 'send', host: 'send-anon' } }),
      });
      assert.equal(res.status, 201);
      const mails = await smtp.waitFor((m) => m.some((x) => x.parsed.subject?.includes(res.body.id) && x.envelopeTo.includes('network-abuse@google.test')));
      const host = mails.find((x) => x.parsed.subject?.includes(res.body.id) && x.envelopeTo.includes('network-abuse@google.test'))!.parsed.text!;
      assert.ok(!host.includes('Jane Doe') && !host.includes('jane@harborpictures.test'), 'anonymous to the host');
      assert.match(host, /asked that their identity not be passed on/);
    });

    test('hosted content goes to pending_review', async () => {
      const res = await s.api('/v1/notices', { token: reporterA.token, body: dmcaNotice(['https://hostedshop.example/bootleg.zip']) });
      assert.equal(res.body.items[0].state, 'pending_review');
      assert.equal(res.body.items[0].zone, 'hostedshop.example');
      assert.equal(res.body.items[0].hosting_provider, null);
    });

    test('422 lists every field error at once and keeps nothing', async () => {
      const before = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM notices`.execute(s.store.db)).rows[0]!.n;
      const res = await s.api('/v1/notices', {
        token: reporterA.token,
        body: {
          urls: ['ftp://x.example/a', 'mailto:a@b.c'],
          work: {},
          claimant: { name: 'Jane Doe', email: 'not-an-email', country: 'XX' },
          statements: { good_faith_belief: true },
          signature: 'Someone Else',
          notify: { owner: 'send-anon', host: 'loud' },
        },
      });
      assert.equal(res.status, 422);
      const fields = res.body.errors.map((e: { field: string }) => e.field).sort();
      assert.deepEqual(
        fields,
        [
          'claimant.address',
          'claimant.country',
          'claimant.email',
          'notify.host',
          'notify.owner',
          'signature',
          'statements.accuracy_and_authority',
          'urls',
          'urls[0]',
          'urls[1]',
          'work.description',
        ].sort(),
      );
      const msg = (f: string) => res.body.errors.find((e: { field: string }) => e.field === f).message;
      assert.match(msg('urls[0]'), /unsupported scheme "ftp:"/);
      assert.match(msg('claimant.email'), /valid e-mail/);
      assert.match(msg('claimant.country'), /ISO 3166-1/);
      const after = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM notices`.execute(s.store.db)).rows[0]!.n;
      assert.equal(after, before);

      const anon = await s.api('/v1/notices', {
        token: reporterA.token,
        body: dmcaNotice(['https://piratefilms.example/a'], { notify: { owner: 'send-anon', host: 'send' }, signature: 'J. Smith' }),
      });
      assert.equal(anon.status, 422);
      assert.deepEqual(anon.body.errors.map((e: { field: string }) => e.field).sort(), ['notify.owner', 'signature']);
      assert.match(anon.body.errors.find((e: { field: string }) => e.field === 'notify.owner').message, /always sent to the site owner.*§512\(g\)/);
    });

    test('invalid URLs among valid ones become items in state invalid, with a reason', async () => {
      const res = await s.api('/v1/notices', {
        token: reporterA.token,
        body: dmcaNotice(['https://piratefilms.example/ok', 'javascript:alert(1)', 'https://piratefilms.example/ok#dup', '']),
      });
      assert.equal(res.status, 201);
      assert.equal(res.body.items.length, 2, 'duplicate and blank folded');
      assert.equal(res.body.items[1].state, 'invalid');
      assert.match(res.body.items[1].reason, /javascript:/);
    });

    test('Idempotency-Key: a retry returns the same notice, never a second one', async () => {
      const body = dmcaNotice(['https://piratefilms.example/idem']);
      const headers = { 'Idempotency-Key': 'retry-123' };
      const first = await s.api('/v1/notices', { token: reporterA.token, body, headers });
      const [second, third] = await Promise.all([
        s.api('/v1/notices', { token: reporterA.token, body, headers }),
        s.api('/v1/notices', { token: reporterA.token, body, headers }),
      ]);
      assert.equal(first.status, 201);
      assert.equal(second.status, 200);
      assert.equal(third.status, 200);
      assert.equal(second.body.id, first.body.id);
      assert.equal(third.body.id, first.body.id);
      assert.equal(second.headers.get('idempotent-replayed'), 'true');
      const count = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM notices WHERE idempotency_key = 'retry-123'`.execute(s.store.db)).rows[0]!.n;
      assert.equal(count, 1);
      const conflict = await s.api('/v1/notices', { token: reporterA.token, body: dmcaNotice(['https://piratefilms.example/other']), headers });
      assert.equal(conflict.status, 409);
      assert.match(conflict.body.errors[0].message, /already used for notice/);
      // The same key from another reporter is another notice.
      const other = await s.api('/v1/notices', { token: reporterB.token, body, headers });
      assert.equal(other.status, 201);
      assert.notEqual(other.body.id, first.body.id);
    });

    test('another reporter gets 404; no token gets 401; staff can read', async () => {
      const res = await s.api('/v1/notices', { token: reporterA.token, body: dmcaNotice(['https://piratefilms.example/private']) });
      const id = res.body.id;
      for (const path of [`/v1/notices/${id}`, `/v1/notices/${id}/events`]) {
        const other = await s.api(path, { token: reporterB.token });
        assert.equal(other.status, 404, path);
        assert.ok(!JSON.stringify(other.body).includes('private'));
        assert.equal((await s.api(path)).status, 401);
        assert.equal((await s.api(path, { token: 'sh_forged' })).status, 401);
        assert.equal((await s.api(path, { token: s.adminToken })).status, 200);
      }
      const listB = await s.api('/v1/notices', { token: reporterB.token });
      assert.ok(!listB.body.notices.some((x: { id: string }) => x.id === id));
      const listA = await s.api('/v1/notices?status=processed&limit=2', { token: reporterA.token });
      assert.equal(listA.body.notices.length, 2);
      assert.ok(listA.body.next_cursor);
      const page2 = await s.api(`/v1/notices?status=processed&limit=2&cursor=${listA.body.next_cursor}`, { token: reporterA.token });
      assert.ok(page2.body.notices.length >= 1);
      assert.ok(!page2.body.notices.some((x: { id: string }) => listA.body.notices.some((y: { id: string }) => y.id === x.id)));
      const bad = await s.api('/v1/notices?status=nope&since=yesterday', { token: reporterA.token });
      assert.equal(bad.status, 422);
      assert.deepEqual(
        bad.body.errors.map((e: { field: string }) => e.field),
        ['status', 'since'],
      );
      const reporterCannotCreate = await s.api('/v1/principals', { token: reporterA.token, body: { email: 'x@y.test' } });
      assert.equal(reporterCannotCreate.status, 403);
    });

    test('an origin change after filing leaves the recorded origin unchanged', async () => {
      const res = await s.api('/v1/notices', { token: reporterA.token, body: dmcaNotice(['https://piratefilms.example/before-move']) });
      assert.equal(res.body.items[0].hosting_provider.asn, 13335);
      const moved = await importZones(s.store, ZONES.replace('piratefilms.example,proxied,1.1.1.1', 'piratefilms.example,proxied,8.8.4.4'), {
        actor: 'system',
      });
      assert.equal(moved.originChanges, 1);
      const again = await s.api(`/v1/notices/${res.body.id}`, { token: reporterA.token });
      assert.equal(again.body.items[0].hosting_provider.asn, 13335);
      const stored = await s.store.db
        .selectFrom('notice_items')
        .select(['origin', 'origin_ips'])
        .where('notice_id', '=', res.body.id)
        .executeTakeFirstOrThrow();
      assert.equal(stored.origin, '1.1.1.1');
      assert.deepEqual(stored.origin_ips, ['1.1.1.1']);
      const history = await s.store.db
        .selectFrom('zone_origins as o')
        .innerJoin('zones as z', 'z.id', 'o.zone_id')
        .select(['o.origin', 'o.valid_to'])
        .where('z.name', '=', 'piratefilms.example')
        .orderBy('o.valid_from')
        .execute();
      assert.deepEqual(
        history.map((h) => h.origin),
        ['1.1.1.1', '8.8.4.4'],
      );
      assert.ok(history[0]!.valid_to !== null && history[1]!.valid_to === null);
      const after = await s.api('/v1/notices', { token: reporterA.token, body: dmcaNotice(['https://piratefilms.example/after-move']) });
      assert.equal(after.body.items[0].hosting_provider.asn, 15169, 'new notices see the new origin');
      const zoneEvents = await s.store.db
        .selectFrom('events')
        .select(['before', 'after'])
        .where('type', '=', 'zone.origin_changed')
        .where('subject_id', '=', 'piratefilms.example')
        .execute();
      assert.equal(zoneEvents.length, 1);
      assert.equal((zoneEvents[0]!.before as { origin: string }).origin, '1.1.1.1');
    });

    test('the event log refuses updates and deletes', async () => {
      await assert.rejects(sql`UPDATE events SET type = 'forged'`.execute(s.store.db), /append-only/);
      await assert.rejects(sql`DELETE FROM events`.execute(s.store.db), /append-only/);
    });
  });
}
