// The repeat-infringer policy (17 U.S.C. §512(i)) over HTTP on both stores: valid notices become
// strikes, the account reaches the review queue, a retraction voids a strike, termination blocks
// every zone at the edge and puts the account's identifiers on the sign-up blocklist, so its zone
// under a new account (or its e-mail address) is refused by the import; reinstatement reverses it.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { storeKinds } from '../support/stores.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';
import { startTestServer, dmcaNotice, waitUntil, type TestServer } from '../support/server.ts';
import { importZones } from '../../src/services/zone-import.ts';
import { startSession } from '../../src/services/sessions.ts';

const ZONES = `account_id,account_name,account_email,zone,mode,origin
r1,Repeat One,repeat@bad.test,bad-one.example,hosted,198.51.100.7
r1,Repeat One,repeat@bad.test,bad-two.example,proxied,198.51.100.8
g1,Good One,good@fine.test,fine.example,hosted,198.51.100.9
`;

for (const kind of storeKinds()) {
  describe(`repeat infringers (${kind} store)`, () => {
    let smtp: TestSmtp;
    let s: TestServer;
    let reporter: { token: string; id: string };
    const notices: string[] = [];

    before(async () => {
      smtp = await startSmtp();
      s = await startTestServer(kind, { smtpUrl: smtp.url });
      await s.loadZones(ZONES);
      reporter = await s.reporter('desk@rights.test');
      for (const path of ['x', 'y', 'z']) {
        const r = await s.api('/v1/notices', {
          token: reporter.token,
          body: dmcaNotice([`https://bad-one.example/${path}`, `https://bad-one.example/${path}2`]),
        });
        assert.equal(r.status, 201);
        await waitUntil(
          () => s.api(`/v1/notices/${r.body.id}`, { token: reporter.token }),
          (x) => x.body.status === 'processed',
          10_000,
          'processed',
        );
        assert.equal(
          (await s.api(`/v1/notices/${r.body.id}/review`, { token: s.adminToken, body: { action: 'disable', state: 'pending_review' } })).status,
          200,
        );
        notices.push(r.body.id);
      }
    });
    after(async () => {
      await s?.close();
      await smtp?.close();
    });

    test('three valid notices (six URLs) are three strikes: the account is in the review queue at termination level', async () => {
      assert.equal((await s.api('/v1/accounts/review-queue', { token: reporter.token })).status, 403);
      const q = await s.api('/v1/accounts/review-queue', { token: s.adminToken });
      assert.equal(q.status, 200);
      assert.deepEqual(
        q.body.accounts.map((a: { account_id: string }) => a.account_id),
        ['r1'],
      );
      assert.equal(q.body.accounts[0].standing.count, 3, 'one notice is one strike, whatever its URL count');
      assert.equal(q.body.accounts[0].standing.level, 'terminate');
      const st = await s.api('/v1/accounts/g1/strikes', { token: s.adminToken });
      assert.equal(st.body.standing.count, 0);
      assert.equal((await s.api('/v1/accounts/nope/strikes', { token: s.adminToken })).status, 404);
    });

    test('a retraction voids its strike', async () => {
      const r = await s.api(`/v1/notices/${notices[2]}/retraction`, { token: reporter.token, body: { signature: 'Jane Doe' } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const st = await s.api('/v1/accounts/r1/strikes', { token: s.adminToken });
      assert.equal(st.body.standing.count, 2);
      assert.equal(st.body.standing.level, 'review');
    });

    test('the policy is published and shown to staff with the strike count', async () => {
      const page = await fetch(`${s.url}/policy/repeat-infringers`);
      assert.equal(page.status, 200);
      const text = await page.text();
      assert.match(text, /Repeat infringer policy/);
      assert.match(text, /2 strikes or more within any period of 365 days/);
    });

    test('the console: the review queue and the account strikes page with its termination form', async () => {
      const staff = await s.store.db.selectFrom('principals').select('id').where('role', '=', 'staff').executeTakeFirstOrThrow();
      const cookie = `sh_session=${(await startSession(s.store.db, staff.id, 'email_link')).cookie}`;
      const queue = await fetch(`${s.url}/staff/repeat-infringers`, { headers: { cookie } });
      assert.equal(queue.status, 200);
      const q = await queue.text();
      assert.ok(q.includes('/staff/accounts/r1/strikes'), 'r1 is listed');
      const page = await fetch(`${s.url}/staff/accounts/r1/strikes`, { headers: { cookie } });
      const html = await page.text();
      assert.match(html, /Counted strikes<\/dt>\s*<dd>2 \(Review/);
      assert.match(html, /<label for="reason-text">/);
      assert.ok(html.includes('action="/staff/accounts/r1/terminate"'));
      const account = await (await fetch(`${s.url}/staff/accounts/r1`, { headers: { cookie } })).text();
      assert.match(account, /2 counted under the repeat-infringer policy/);
      assert.match(account, /Repeat infringer policy|repeat-infringer policy<\/summary>/);
      const anonymous = await fetch(`${s.url}/staff/repeat-infringers`, { redirect: 'manual' });
      assert.ok([302, 303].includes(anonymous.status) && /\/login/.test(anonymous.headers.get('location') ?? ''), `sent to sign in (${anonymous.status})`);
    });

    test('termination: 422 without a reason; then every zone blocked at the edge, customer told, identifiers refused at sign-up', async () => {
      const bad = await s.api('/v1/accounts/r1/terminate', { token: s.adminToken, body: {} });
      assert.equal(bad.status, 422);
      assert.equal(bad.body.errors[0].field, 'reason');
      assert.equal((await s.api('/v1/accounts/r1/terminate', { token: reporter.token, body: { reason: 'x' } })).status, 403);
      const t = await s.api('/v1/accounts/r1/terminate', { token: s.adminToken, body: { reason: 'Three valid notices in a year.' } });
      assert.equal(t.status, 200);
      assert.deepEqual(t.body.zones, ['bad-one.example', 'bad-two.example']);
      const again = await s.api('/v1/accounts/r1/terminate', { token: s.adminToken, body: { reason: 'Three valid notices in a year.' } });
      assert.equal(again.body.changed, false);
      const zones = await s.store.db.selectFrom('zones').select(['name', 'status']).orderBy('name').execute();
      assert.deepEqual(
        zones.map((z) => [z.name, z.status]),
        [
          ['bad-one.example', 'terminated'],
          ['bad-two.example', 'terminated'],
          ['fine.example', 'active'],
        ],
      );
      const feed = JSON.stringify((await s.api('/v1/edge/blocklist', { token: s.adminToken })).body);
      assert.ok(feed.includes('bad-two.example'), 'terminated zones are on the edge feed');
      await smtp.waitFor((m) => m.some((x) => x.envelopeTo.includes('repeat@bad.test') && /has been terminated/.test(x.parsed.subject ?? '')));
      assert.deepEqual((await s.api('/v1/accounts/review-queue', { token: s.adminToken })).body.accounts, [], 'a terminated account leaves the queue');
      const events = await s.store.db
        .selectFrom('events')
        .select(['type', 'subject_id'])
        .where('type', 'in', ['account.terminated', 'zone.terminated'])
        .execute();
      assert.equal(events.length, 3);

      const reimport = await importZones(
        s.store,
        `account_id,account_name,account_email,zone,mode,origin
n9,New Name,new@else.test,bad-one.example,hosted,203.0.113.1
n8,Other Name,REPEAT@bad.test,brand-new.example,hosted,203.0.113.2
r1,Repeat One,repeat@bad.test,bad-two.example,proxied,198.51.100.8
g1,Good One,good@fine.test,fine-two.example,hosted,198.51.100.9
`,
        { actor: 'system' },
      );
      assert.deepEqual(
        reimport.errors.map((e) => e.line),
        [2, 3],
        'the zone under a new account and the e-mail of the terminated account are refused, line by line',
      );
      assert.match(reimport.errors[0]!.message, /terminated under the repeat-infringer policy/);
      const owner = await s.store.db.selectFrom('zones').select(['account_id', 'status']).where('name', '=', 'bad-one.example').executeTakeFirstOrThrow();
      assert.deepEqual(owner, { account_id: 'r1', status: 'terminated' });
      assert.equal((await s.store.db.selectFrom('zones').select('name').where('name', '=', 'fine-two.example').execute()).length, 1, 'other lines still load');
    });

    test('reinstatement serves the zones again and lifts the blocklist', async () => {
      const r = await s.api('/v1/accounts/r1/reinstate', { token: s.adminToken, body: { reason: 'Two notices were found to be invalid on appeal.' } });
      assert.equal(r.status, 200);
      const zones = await s.store.db.selectFrom('zones').select(['name', 'status']).where('account_id', '=', 'r1').orderBy('name').execute();
      assert.deepEqual(
        zones.map((z) => z.status),
        ['active', 'active'],
      );
      assert.equal((await s.store.db.selectFrom('signup_blocklist').selectAll().execute()).length, 0);
    });
  });
}
