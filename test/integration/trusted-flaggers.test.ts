// Trusted flaggers (DSA Art. 22) over real HTTP, on both stores: staff record a grant for
// phishing; that reporter's phishing notices are flagged at filing and come first in the staff
// queue, ahead of older ordinary ones; its trademark notice is not (outside its expertise); after
// revocation its notices are ordinary again; nobody but staff may grant, revoke or read the figures;
// and the decision-speed figures are those of a seeded set whose values the test knows.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { storeKinds } from '../support/stores.ts';
import { startTestServer, dmcaNotice, waitUntil, type TestServer } from '../support/server.ts';
import { webSession, type WebSession } from '../support/web-session.ts';
import { reviewQueue } from '../../src/services/staff-views.ts';
import { loadNoticeFacts } from '../../src/services/item-steps.ts';

const ZONES = `account_id,account_name,account_email,zone,mode,origin
h1,Hosted Owner,owner@hosted.test,hosted.example,hosted,198.51.100.1
`;
const claimant = { name: 'Alex Reporter', email: 'alex@reporter.test', company: 'Reporter GmbH', address: '1 Main St, Berlin', country: 'DE' };
const phishing = (path: string) => ({
  kind: 'phishing',
  urls: [`https://hosted.example/${path}`],
  claimant,
  explanation: 'The page asks for bank logins while pretending to be Example Bank.',
});
const trademark = (path: string) => ({
  kind: 'trademark',
  urls: [`https://hosted.example/${path}`],
  claimant,
  explanation: 'The shop sells counterfeits under our mark.',
  trademark: { number: 'EU 018123456', office: 'EUIPO', symbol: 'HARBOR' },
});
const GRANT = { organisation: 'Anti-Phishing Working Group e.V.', dsc_country: 'DE', dsc_reference: 'BNetzA DSC-TF-2026-17', kinds: ['phishing'] };

for (const store of storeKinds()) {
  describe(`trusted flaggers (${store} store)`, () => {
    let s: TestServer;
    let flagger: { token: string; id: string };
    let ordinary: { token: string; id: string };
    let staff: WebSession;
    let grantId: string;
    const ids: Record<string, string> = {};

    const file = async (who: { token: string }, name: string, body: Record<string, unknown>) => {
      const r = await s.api('/v1/notices', { token: who.token, body });
      assert.equal(r.status, 201, `${name}: ${JSON.stringify(r.body)}`);
      ids[name] = r.body.id;
      await waitUntil(
        () => s.api(`/v1/notices/${r.body.id}`, { token: who.token }),
        (x) => x.body.status === 'processed',
        20_000,
        `${name} processed`,
      );
    };
    const flagged = async (name: string) =>
      (await s.store.db.selectFrom('notices').select('trusted_flagger').where('id', '=', ids[name]!).executeTakeFirstOrThrow()).trusted_flagger;

    before(async () => {
      s = await startTestServer(store);
      await s.loadZones(ZONES);
      flagger = await s.reporter('desk@apwg.test');
      ordinary = await s.reporter('someone@rights.test');
      const me = await s.api('/v1/me', { token: s.adminToken });
      staff = await webSession(s, me.body.id, '/staff');
      // Older ordinary notices: a copyright notice and a phishing report, both waiting for review.
      await file(ordinary, 'oldCopyright', dmcaNotice(['https://hosted.example/film.mkv']));
      await file(ordinary, 'oldPhishing', phishing('login-old'));
    });
    after(async () => {
      await s?.close();
    });

    test('only staff may grant, list, revoke and read the figures: 403 for a reporter', async () => {
      const asReporter = [
        await s.api('/v1/trusted-flaggers', { token: flagger.token, body: { ...GRANT, principal_id: flagger.id } }),
        await s.api('/v1/trusted-flaggers', { token: flagger.token }),
        await s.api('/v1/trusted-flaggers/00000000-0000-4000-8000-000000000000/revoke', { token: flagger.token, body: { reason: 'x' } }),
        await s.api('/v1/trusted-flaggers/stats', { token: flagger.token }),
      ];
      assert.deepEqual(
        asReporter.map((r) => r.status),
        [403, 403, 403, 403],
      );
      assert.equal((await s.api('/v1/trusted-flaggers', { body: GRANT })).status, 401);
      const page = await fetch(`${s.url}/staff/trusted-flaggers`, { headers: { authorization: `Bearer ${flagger.token}` }, redirect: 'manual' });
      assert.notEqual(page.status, 200, 'the console page is staff only');
    });

    test('staff record a grant for phishing, with its event; a retry changes nothing; a bad grant gets every error by field', async () => {
      const bad = await s.api('/v1/trusted-flaggers', {
        token: s.adminToken,
        body: { principal_id: flagger.id, organisation: '', dsc_country: 'US', kinds: ['whois'] },
      });
      assert.equal(bad.status, 422);
      assert.deepEqual((bad.body.errors as { field: string }[]).map((e) => e.field).sort(), ['dsc_country', 'kinds[0]', 'organisation']);
      const customerGrant = await s.api('/v1/trusted-flaggers', {
        token: s.adminToken,
        body: { ...GRANT, principal_id: (await s.api('/v1/me', { token: s.adminToken })).body.id },
      });
      assert.equal(customerGrant.status, 422, 'only reporters file notices');

      const r = await s.api('/v1/trusted-flaggers', { token: s.adminToken, body: { ...GRANT, principal_id: flagger.id } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      grantId = r.body.grant.id;
      assert.deepEqual(r.body.grant.kinds, ['phishing']);
      assert.equal(r.body.grant.in_force, true);
      const again = await s.api('/v1/trusted-flaggers', { token: s.adminToken, body: { ...GRANT, principal_id: flagger.id } });
      assert.equal(again.status, 200);
      assert.equal(again.body.changed, false);
      assert.equal(again.body.grant.id, grantId);
      const other = await s.api('/v1/trusted-flaggers', {
        token: s.adminToken,
        body: { ...GRANT, kinds: ['phishing', 'trademark'], principal_id: flagger.id },
      });
      assert.equal(other.status, 409, 'revoke first, then grant the new areas');
      const events = await s.store.db
        .selectFrom('events')
        .select(['type', 'actor'])
        .where('subject_type', '=', 'trusted_flagger')
        .where('subject_id', '=', grantId)
        .execute();
      assert.deepEqual(
        events.map((e) => e.type),
        ['trusted_flagger.granted'],
      );
      const list = await s.api('/v1/trusted-flaggers', { token: s.adminToken });
      assert.deepEqual(
        (list.body.trusted_flaggers as { id: string; email: string }[]).map((g) => [g.id, g.email]),
        [[grantId, 'desk@apwg.test']],
      );
      const own = await s.api('/v1/trusted-flagger', { token: flagger.token });
      assert.equal(own.status, 200);
      assert.equal(own.body.trusted_flagger, true);
      assert.deepEqual(own.body.kinds, ['phishing']);
      assert.equal((await s.api('/v1/trusted-flagger', { token: ordinary.token })).body.trusted_flagger, false);
    });

    test("the flagger's phishing report is flagged and comes first in the queue; its trademark complaint is not flagged", async () => {
      await file(flagger, 'tfPhishing', phishing('login-new'));
      await file(flagger, 'tfTrademark', trademark('shop'));
      assert.equal(await flagged('tfPhishing'), true);
      assert.equal(await flagged('tfTrademark'), false, 'outside its expertise');
      assert.equal(await flagged('oldPhishing'), false);
      assert.equal((await loadNoticeFacts(s.store.db, ids.tfPhishing!, s.server.context.links))!.trustedFlagger, true);
      assert.equal((await loadNoticeFacts(s.store.db, ids.tfTrademark!, s.server.context.links))!.trustedFlagger, false);

      const expected = [ids.tfPhishing, ids.oldPhishing, ids.oldCopyright, ids.tfTrademark];
      const q = await reviewQueue(s.store.db, { state: 'pending_review' });
      assert.deepEqual(
        q.rows.map((r) => r.id),
        expected,
        'trusted flagger first, then phishing before copyright and trademark, then the oldest',
      );
      const first = q.rows[0]!;
      assert.equal(first.trusted_flagger, true);
      assert.equal(new Date(first.due_by).getTime() - new Date(first.created_at).getTime(), 4 * 3_600_000, 'phishing: decided within 4 hours');

      // Paged one at a time, the cursor walks the same order.
      const walked: string[] = [];
      let after;
      let pages = 0;
      do {
        assert.ok(++pages <= expected.length, 'each page moves on');
        const p = await reviewQueue(s.store.db, { state: 'pending_review', limit: 1, after });
        walked.push(...p.rows.map((r) => r.id));
        after = p.next ?? undefined;
      } while (after);
      assert.deepEqual(walked, expected);

      // The console shows the same order, the flag and the due time.
      const res = await staff.get('/staff');
      assert.equal(res.status, 200);
      const page = await res.text();
      const order = [...page.matchAll(/href="\/staff\/notices\/([0-9a-f-]{36})\?state=/g)].map((m) => m[1]);
      assert.deepEqual(order, expected);
      const rows = page.split('<tr>').slice(2);
      assert.match(rows[0]!, /Trusted flagger/);
      assert.ok(rows.slice(1).every((r) => !r.includes('Trusted flagger')));
      assert.ok(rows[0]!.includes(`datetime="${first.due_by}"`), 'the due time is shown');
    });

    test('after revocation, with its reason and event, the reporter files ordinary notices; earlier ones stay flagged', async () => {
      const noReason = await s.api(`/v1/trusted-flaggers/${grantId}/revoke`, { token: s.adminToken, body: {} });
      assert.equal(noReason.status, 422);
      assert.equal(noReason.body.errors[0].field, 'reason');
      const r = await s.api(`/v1/trusted-flaggers/${grantId}/revoke`, { token: s.adminToken, body: { reason: 'The coordinator revoked the status.' } });
      assert.equal(r.status, 200);
      assert.equal(r.body.changed, true);
      assert.equal(r.body.grant.in_force, false);
      const again = await s.api(`/v1/trusted-flaggers/${grantId}/revoke`, { token: s.adminToken, body: { reason: 'twice' } });
      assert.equal(again.body.changed, false);
      assert.equal(again.body.grant.revoke_reason, 'The coordinator revoked the status.');
      assert.equal(
        (await s.api('/v1/trusted-flaggers/00000000-0000-4000-8000-000000000000/revoke', { token: s.adminToken, body: { reason: 'x' } })).status,
        404,
      );
      const events = await s.store.db
        .selectFrom('events')
        .select('type')
        .where('subject_type', '=', 'trusted_flagger')
        .where('subject_id', '=', grantId)
        .orderBy('id')
        .execute();
      assert.deepEqual(
        events.map((e) => e.type),
        ['trusted_flagger.granted', 'trusted_flagger.revoked'],
      );
      await file(flagger, 'afterRevoke', phishing('login-later'));
      assert.equal(await flagged('afterRevoke'), false);
      assert.equal(await flagged('tfPhishing'), true, 'filed while the grant was in force');
      assert.equal((await s.api('/v1/trusted-flagger', { token: flagger.token })).body.trusted_flagger, false);
      assert.equal((await s.api('/v1/trusted-flaggers?in_force=true', { token: s.adminToken })).body.trusted_flaggers.length, 0);
    });

    test('decision speed: medians and p90 of a seeded set, trusted flaggers against the others, per kind', async () => {
      // A second trusted phishing notice, under a new grant, so that the trusted figures have a median.
      const g = await s.api('/v1/trusted-flaggers', { token: s.adminToken, body: { ...GRANT, principal_id: flagger.id } });
      assert.equal(g.status, 201);
      await file(flagger, 'tfPhishing2', phishing('login-second'));
      assert.equal(await flagged('tfPhishing2'), true);

      // Each notice decided by staff; the log is append-only, so its receipt is moved to a known time before the decision.
      const hoursToDecide: Record<string, number> = { tfPhishing: 1, tfPhishing2: 3, oldPhishing: 2, afterRevoke: 6, oldCopyright: 48, tfTrademark: 10 };
      for (const [name, hours] of Object.entries(hoursToDecide)) {
        const r = await s.api(`/v1/notices/${ids[name]}/review`, {
          token: s.adminToken,
          body: { action: 'reject', reason: 'not_infringing', state: 'pending_review' },
        });
        assert.equal(r.status, 200, `${name}: ${JSON.stringify(r.body)}`);
        await sql`
          UPDATE notices SET created_at = (SELECT min(at) FROM events WHERE notice_id = ${ids[name]}::uuid AND type = 'notice.reviewed') - make_interval(hours => ${hours})
          WHERE id = ${ids[name]}::uuid`.execute(s.store.db);
      }
      const r = await s.api('/v1/trusted-flaggers/stats', { token: s.adminToken });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(r.body.kinds, [
        { kind: 'copyright', trusted_flagger: { notices: 0, median_hours: null, p90_hours: null }, others: { notices: 1, median_hours: 48, p90_hours: 48 } },
        { kind: 'trademark', trusted_flagger: { notices: 0, median_hours: null, p90_hours: null }, others: { notices: 1, median_hours: 10, p90_hours: 10 } },
        { kind: 'phishing', trusted_flagger: { notices: 2, median_hours: 2, p90_hours: 2.8 }, others: { notices: 2, median_hours: 4, p90_hours: 5.6 } },
      ]);
      const outside = await s.api('/v1/trusted-flaggers/stats?since=2020-01-01&until=2020-02-01', { token: s.adminToken });
      assert.equal(outside.status, 200);
      assert.deepEqual(outside.body.kinds, [], 'nothing received in that month');
      assert.equal((await s.api('/v1/trusted-flaggers/stats?since=2026-02-01&until=2026-01-01', { token: s.adminToken })).status, 422);
    });

    test('the console page lists the grants and records and revokes them with its forms', async () => {
      const page = await (await staff.get('/staff/trusted-flaggers')).text();
      assert.match(page, /Anti-Phishing Working Group e\.V\./);
      assert.match(page, /BNetzA DSC-TF-2026-17/);
      const current = (await s.api('/v1/trusted-flaggers?in_force=true', { token: s.adminToken })).body.trusted_flaggers[0].id as string;
      const refused = await staff.post(`/staff/trusted-flaggers/${current}/revoke`, { reason: '' });
      assert.equal(refused.status, 422);
      const revoked = await staff.post(`/staff/trusted-flaggers/${current}/revoke`, { reason: 'Status ended' });
      assert.equal(revoked.status, 303);
      const unknown = await staff.post('/staff/trusted-flaggers', { email: 'nobody@nowhere.test', organisation: 'X', dsc_country: 'FR' });
      assert.equal(unknown.status, 422);
      assert.match(await unknown.text(), /no reporter has this e-mail address[\s\S]*kinds must/);
      const granted = await staff.post('/staff/trusted-flaggers', {
        email: 'someone@rights.test',
        organisation: 'Rights Org',
        dsc_country: 'FR',
        kinds: 'trademark',
      });
      assert.equal(granted.status, 303);
      const own = await s.api('/v1/trusted-flagger', { token: ordinary.token });
      assert.equal(own.body.trusted_flagger, true);
      assert.deepEqual(own.body.kinds, ['trademark']);
      assert.equal(
        (
          await staff.post(
            '/staff/trusted-flaggers',
            { email: 'someone@rights.test', organisation: 'Rights Org', dsc_country: 'FR', kinds: 'trademark' },
            { csrf: false },
          )
        ).status,
        403,
      );
    });
  });
}
