// Publication of processed notices, on both stores, over real HTTP: notices of several kinds are
// filed and processed; the queue holds what the policy publishes (copyright by default, phishing
// only when its reporter asks, threats and child abuse material never); staff review and publish
// (API and console, CSRF-protected); the public record and page show [private] for the
// claimant's personal data, keep the company and the URLs, and show [invalid] for a URL that was
// not on the network; anything not published is 404 to the public; a reporter cannot publish;
// and SAFEHARBOR_PUBLICATION_POLICY changes the outcome (per-kind modes, review not required).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { storeKinds } from '../support/stores.ts';
import { dmcaNotice, startTestServer, waitUntil, type TestServer } from '../support/server.ts';
import { webSession } from '../support/web-session.ts';
import { sql } from 'kysely';
import { configFromEnv } from '../../src/config.ts';

const ZONES = `account_id,account_name,account_email,zone,mode,origin
p1,Pirate Films,owner@pirate.test,pirate.example,proxied,203.0.113.7
h1,Hosted Shop,ops@hosted.test,hosted.example,hosted,198.51.100.9
`;

const claimant = {
  name: 'Jane Doe',
  company: 'Harbor Pictures LLC',
  email: 'jane@harborpictures.test',
  address: '1 Studio Way, Los Angeles, CA 90001',
  phone: '+1 415 555 0134',
  country: 'US',
};
const PERSONAL = ['Jane', 'Doe', 'jane@harborpictures.test', '415 555 0134', 'Studio Way', '90001'];

const copyright = () =>
  dmcaNotice(['https://www.pirate.example/sunrise.mp4', 'https://elsewhere.example/sunrise.mp4'], {
    claimant,
    explanation:
      'Jane Doe of Harbor Pictures LLC found the film at https://www.pirate.example/sunrise.mp4 and at https://elsewhere.example/sunrise.mp4. Write to jane@harborpictures.test or call +1 415 555 0134.\n\nSincerely,\nJane Doe',
  });
const phishing = (path: string) => ({
  kind: 'phishing',
  urls: [`https://login.pirate.example/${path}`],
  claimant: { name: 'Sam Analyst', email: 'sam@bank.test', company: 'Example Bank AG' },
  explanation: 'The page imitates the Example Bank login. Reported by Sam Analyst, sam@bank.test.',
});
const threat = {
  kind: 'threat',
  urls: ['https://www.pirate.example/threat'],
  claimant: { name: 'Ola Target', email: 'ola@victim.test' },
  explanation: 'A threat to kill me.',
};
const csam = { kind: 'csam', urls: ['https://hosted.example/abuse'], explanation: 'Images of the sexual abuse of a child.', notify: { hotline: 'send-anon' } };

async function file(s: TestServer, token: string, body: unknown): Promise<string> {
  const r = await s.api('/v1/notices', { token, body });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  await waitUntil(
    () => s.api(`/v1/notices/${r.body.id}`, { token: s.adminToken }),
    (x) => x.body.status === 'processed',
    20_000,
    `${r.body.id} processed`,
  );
  return r.body.id;
}

const eventsOf = (s: TestServer, id: string) =>
  s.store.db.selectFrom('events').select(['type', 'actor']).where('subject_type', '=', 'publication').where('subject_id', '=', id).orderBy('id').execute();

for (const store of storeKinds()) {
  describe(`publication, default policy (${store} store)`, () => {
    let s: TestServer;
    let alice: { token: string; id: string };
    let bob: { token: string; id: string };
    let copyrightId: string;
    let phishingId: string;
    let threatId: string;
    let csamId: string;

    before(async () => {
      s = await startTestServer(store);
      await s.loadZones(ZONES);
      alice = await s.reporter('alice@rights.test');
      bob = await s.reporter('bob@rights.test');
      copyrightId = await file(s, alice.token, copyright());
      phishingId = await file(s, alice.token, phishing('a'));
      threatId = await file(s, alice.token, threat);
      csamId = await file(s, alice.token, csam);
    });
    after(async () => s?.close());

    test('the queue holds what the policy publishes: the copyright notice, not phishing (on request), threats or CSAM (never)', async () => {
      const r = await s.api('/v1/publications?status=pending_review', { token: s.adminToken });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(
        r.body.publications.map((p: any) => p.notice_id),
        [copyrightId],
      );
      const p = r.body.publications[0];
      assert.equal(p.requested_by, 'policy');
      assert.ok(
        p.redactions.some((x: any) => x.field === 'sender.email' && x.original === claimant.email),
        'staff see what was redacted',
      );
      assert.deepEqual(
        (await eventsOf(s, copyrightId)).map((e) => e.type),
        ['publication.queued'],
      );
    });

    test('nothing unpublished reaches the public; a reporter can neither list nor publish', async () => {
      assert.equal((await s.api(`/v1/public/notices/${copyrightId}`)).status, 404);
      assert.equal((await fetch(`${s.url}/notices/${copyrightId}/public`)).status, 404, 'forwarded, not blocked, not published: no public page');
      assert.deepEqual((await s.api('/v1/public/notices')).body.notices, []);
      assert.equal((await s.api('/v1/publications', { token: alice.token })).status, 403);
      const pub = await s.api(`/v1/publications/${copyrightId}/publish`, { token: alice.token, method: 'POST' });
      assert.equal(pub.status, 403);
      assert.equal((await s.api(`/v1/publications/${copyrightId}/publish`, { method: 'POST' })).status, 401);
      assert.equal((await s.api(`/v1/public/notices/${copyrightId}`)).status, 404, 'still not public');
    });

    test('staff publish: the record shows [private] for the claimant, keeps the company and URLs, [invalid] for the URL not on the network', async () => {
      const r = await s.api(`/v1/publications/${copyrightId}/publish`, { token: s.adminToken, method: 'POST' });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.status, 'published');
      assert.equal((await s.api(`/v1/publications/${copyrightId}/publish`, { token: s.adminToken, method: 'POST' })).status, 409, 'already published');

      const pub = await s.api(`/v1/public/notices/${copyrightId}`);
      assert.equal(pub.status, 200);
      const rec = pub.body.record;
      assert.deepEqual(rec.sender, {
        name: '[private]',
        company: 'Harbor Pictures LLC',
        email: '[private]',
        phone: '[private]',
        address: '[private]',
        country: 'US',
      });
      assert.equal(rec.signature, '[private]');
      assert.deepEqual(
        rec.items.map((i: any) => [i.url, i.state]),
        [
          ['https://www.pirate.example/sunrise.mp4', 'forwarded'],
          ['[invalid]', 'not_on_network'],
        ],
      );
      assert.equal(
        rec.explanation,
        '[private] of Harbor Pictures LLC found the film at https://www.pirate.example/sunrise.mp4 and at [invalid]. Write to [private] or call [private].\n\nSincerely,\n[private]',
      );
      assert.match(rec.work.description, /Sunrise Over Harbor/);
      assert.deepEqual(rec.work.urls, ['https://studio.test/films/sunrise']);
      const raw = JSON.stringify(pub.body);
      for (const p of [...PERSONAL, 'elsewhere.example']) assert.ok(!raw.includes(p), `"${p}" must not be public`);
      assert.ok(!('redactions' in pub.body) && !raw.includes('original'), 'what was redacted is for staff');

      const page = await fetch(`${s.url}/notices/${copyrightId}/public`);
      assert.equal(page.status, 200);
      const body = await page.text();
      assert.match(body, /\[private\]/);
      assert.match(body, /Harbor Pictures LLC/);
      assert.match(body, /https:\/\/www\.pirate\.example\/sunrise\.mp4/);
      assert.match(body, /\[invalid\]/);
      for (const p of [...PERSONAL, 'elsewhere.example']) assert.ok(!body.includes(p), `"${p}" must not be on the public page`);

      const list = await s.api('/v1/public/notices');
      assert.deepEqual(
        list.body.notices.map((n: any) => [n.notice_id, n.sender]),
        [[copyrightId, 'Harbor Pictures LLC']],
      );
      assert.match(await (await fetch(`${s.url}/notices`)).text(), new RegExp(`/notices/${copyrightId}/public`));
      assert.deepEqual(
        (await eventsOf(s, copyrightId)).map((e) => e.type),
        ['publication.queued', 'publication.published'],
      );
    });

    test('on request: only the notice’s own reporter may ask; the request queues it for review; withheld, it stays private', async () => {
      assert.equal((await s.api(`/v1/notices/${phishingId}/publication`, { token: bob.token, method: 'POST' })).status, 404, 'another reporter’s notice');
      const r = await s.api(`/v1/notices/${phishingId}/publication`, { token: alice.token, method: 'POST' });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.status, 'pending_review');
      assert.equal(r.body.redactions, undefined, 'the reporter does not get the originals back through this');
      assert.equal((await s.api(`/v1/notices/${phishingId}/publication`, { token: alice.token, method: 'POST' })).status, 200, 'asking again changes nothing');
      assert.equal((await s.api(`/v1/public/notices/${phishingId}`)).status, 404, 'queued is not published');
      const w = await s.api(`/v1/publications/${phishingId}/withhold`, { token: s.adminToken, body: { reason: 'names a victim' } });
      assert.equal(w.status, 200, JSON.stringify(w.body));
      assert.equal(w.body.status, 'withheld');
      assert.equal((await s.api(`/v1/public/notices/${phishingId}`)).status, 404);
      assert.equal((await fetch(`${s.url}/notices/${phishingId}/public`)).status, 404);
      assert.deepEqual(
        (await eventsOf(s, phishingId)).map((e) => [e.type, e.actor]),
        [
          ['publication.queued', `principal:${alice.id}`],
          ['publication.withheld', `principal:${(await s.api('/v1/me', { token: s.adminToken })).body.id}`],
        ],
      );
      const timeline = await s.api(`/v1/notices/${phishingId}/events`, { token: alice.token });
      const withheld = timeline.body.events.find((e: any) => e.type === 'publication.withheld');
      assert.ok(withheld, 'the reporter sees its notice was withheld');
      assert.equal(withheld.data?.reason, undefined, 'but not the desk’s reason');
    });

    test('kinds never published refuse a request: threats by default, CSAM always', async () => {
      for (const id of [threatId, csamId]) {
        const r = await s.api(`/v1/notices/${id}/publication`, { token: alice.token, method: 'POST' });
        assert.equal(r.status, 403, JSON.stringify(r.body));
        assert.equal(r.body.reason, 'publication_not_allowed');
      }
      const all = await s.api('/v1/publications', { token: s.adminToken });
      assert.ok(!all.body.publications.some((p: any) => p.notice_id === threatId || p.notice_id === csamId));
    });

    test('the console lists redactions with the replaced text marked; Publish and Withhold are CSRF-protected forms', async () => {
      const second = await file(s, alice.token, copyright());
      const adminId = (await s.api('/v1/me', { token: s.adminToken })).body.id;
      const staff = await webSession(s, adminId, '/staff/publications');
      const page = await (await staff.get('/staff/publications')).text();
      assert.match(page, new RegExp(`Notice ${second}`));
      assert.match(page, /<mark class="redacted email" title="email: jane@harborpictures.test">\[private\]<\/mark>/);
      assert.match(page, /<mark class="redacted invalid_url"[^>]*>\[invalid\]<\/mark>/);
      const forged = await staff.post(`/staff/publications/${second}/publish`, {}, { csrf: false });
      assert.equal(forged.status, 403);
      assert.equal((await s.api(`/v1/public/notices/${second}`)).status, 404);
      const done = await staff.post(`/staff/publications/${second}/publish`, {});
      assert.equal(done.status, 303);
      assert.equal((await s.api(`/v1/public/notices/${second}`)).status, 200);
      const w = await staff.post(`/staff/publications/${second}/withhold`, { reason: 'taken down on request' });
      assert.equal(w.status, 303);
      assert.equal((await s.api(`/v1/public/notices/${second}`)).status, 404, 'a published record can be taken down');
      const reporterPage = await (await (await webSession(s, alice.id, '/my')).get('/staff/publications')).text();
      assert.doesNotMatch(reporterPage, /jane@harborpictures/, 'the console is for staff');
    });
  });

  describe(`publication, SAFEHARBOR_PUBLICATION_POLICY (${store} store)`, () => {
    let s: TestServer;
    let alice: { token: string; id: string };
    before(async () => {
      const config = configFromEnv({
        SAFEHARBOR_PUBLICATION_POLICY: JSON.stringify({ kinds: { copyright: 'never', phishing: 'all', threat: 'on_request' }, reviewRequired: false }),
      });
      s = await startTestServer(store, { config: { publicationPolicy: config.publicationPolicy } });
      await s.loadZones(ZONES);
      alice = await s.reporter('alice@rights.test');
    });
    after(async () => s?.close());

    test('copyright "never": not queued, and a request is refused', async () => {
      const id = await file(s, alice.token, copyright());
      assert.deepEqual((await s.api('/v1/publications', { token: s.adminToken })).body.publications, []);
      assert.equal((await s.api(`/v1/notices/${id}/publication`, { token: alice.token, method: 'POST' })).status, 403);
    });

    test('phishing "all" without review: published as processing completes, by the system; the public list pages by keyset', async () => {
      const a = await file(s, alice.token, phishing('a'));
      const b = await file(s, alice.token, phishing('b'));
      const c = await file(s, alice.token, phishing('c'));
      for (const id of [a, b, c]) {
        const r = await s.api(`/v1/public/notices/${id}`);
        assert.equal(r.status, 200, JSON.stringify(r.body));
        assert.equal(r.body.record.sender.name, '[private]');
        assert.equal(r.body.record.sender.company, 'Example Bank AG');
        assert.equal(r.body.record.explanation, 'The page imitates the Example Bank login. Reported by [private], [private].');
        assert.deepEqual(
          (await eventsOf(s, id)).map((e) => [e.type, e.actor]),
          [
            ['publication.queued', 'system'],
            ['publication.published', 'system'],
          ],
        );
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      for (let i = 0; i < 5; i++) {
        const r: { body: { notices: { notice_id: string }[]; next_cursor: string | null } } = await s.api(
          `/v1/public/notices?limit=1${cursor ? `&cursor=${cursor}` : ''}`,
        );
        seen.push(...r.body.notices.map((n) => n.notice_id));
        cursor = r.body.next_cursor;
        if (!cursor) break;
      }
      assert.deepEqual(seen, [c, b, a], 'newest first, each once, and the last page says it is the last');
      assert.equal((await s.api('/v1/public/notices?cursor=nonsense')).status, 422);
    });

    test('a processed notice of a kind the policy publishes but without a publication (processed before the policy said so) is queued by the background sweep, no page load needed', async () => {
      const id = await file(s, alice.token, phishing('late'));
      // As a notice processed under an earlier policy stands: processed, nothing queued.
      await sql`DELETE FROM publications WHERE notice_id = ${id}::uuid`.execute(s.store.db);
      s.server.daemon.publications.kick();
      await waitUntil(
        async () => (await s.api(`/v1/public/notices/${id}`)).status,
        (status) => status === 200,
        10_000,
        'the sweep published the notice',
      );
    });

    test('threat "on_request": the reporter’s request publishes it at once when no review is required', async () => {
      const id = await file(s, alice.token, threat);
      assert.equal((await s.api(`/v1/public/notices/${id}`)).status, 404, 'not before the request');
      const r = await s.api(`/v1/notices/${id}/publication`, { token: alice.token, method: 'POST' });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.status, 'published');
      const pub = await s.api(`/v1/public/notices/${id}`);
      assert.equal(pub.status, 200);
      assert.ok(!JSON.stringify(pub.body).includes('Ola'), 'the reporter’s name is private');
    });
  });
}
