// The transparency report end to end, on both stores, over real HTTP: a dataset whose true counts
// the test knows is seeded through the API, the Cloudflare-compatible API and the web form, with
// staff decisions (disable, reject), a counter notice, a complaint reversed by a second staff
// member (content restored), legal process, a warning and a termination, across two half-years
// (the receipt time of the earlier half's notices is moved back in the store: no API sets it).
// Every figure of the JSON is checked against the dataset, the CSV against the JSON, period errors
// by field, and the most-reported list: refused to anonymous callers and reporters unless
// SAFEHARBOR_TRANSPARENCY_PUBLIC_TOP=on.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { storeKinds } from '../support/stores.ts';
import { startTestServer, dmcaNotice, waitUntil, type TestServer } from '../support/server.ts';
import { webSession } from '../support/web-session.ts';
import { createPrincipal } from '../../src/services/principals.ts';
import { halfYearOf } from '../../src/transparency/domain/period.ts';
import { KIND_RULES, REPORT_KINDS, type ReportKind } from '../../src/domain/report-kinds.ts';
import { CHANNELS } from '../../src/domain/notice.ts';

const ZONES = `account_id,account_name,account_email,zone,mode,origin
p1,Proxied Films,owner@proxied.test,proxied.example,proxied,203.0.113.7
h1,Hosted Shop,owner@hosted.test,hosted.example,hosted,198.51.100.9
`;
const DAY = 86_400_000;
const claimant = { name: 'Alex Reporter', email: 'alex@reporter.test', company: 'Reporter GmbH', address: '1 Main St, Berlin', country: 'DE' };
const counterNotice = (urls: string[]) => ({
  material: { urls, description: 'My own product photo' },
  statements: { good_faith_mistake: true, consent_to_jurisdiction: true, accept_service_of_process: true },
  subscriber: { name: 'Olive Owner', address: '9 Elm Street, Springfield, IL 62701', country: 'US', phone: '+1 217 555 0199', email: 'owner@hosted.test' },
  reason: 'owner',
  signature: 'Olive Owner',
});

/** What the test filed: enough to count every figure by itself. */
interface Filed {
  id: string;
  kind: ReportKind;
  channel: (typeof CHANNELS)[number];
  trusted: boolean;
  /** Per URL: the zone on our network it is in, off the network, or not a URL. */
  urls: ('hosted.example' | 'proxied.example' | 'off' | 'invalid')[];
  /** In the earlier half-year (receipt moved back) or the current one. */
  earlier: boolean;
}

const onNetwork = (u: Filed['urls'][number]) => u === 'hosted.example' || u === 'proxied.example';
const median = (xs: number[]) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = (s.length - 1) / 2;
  return Math.round(((s[Math.floor(mid)]! + s[Math.ceil(mid)]!) / 2) * 100) / 100;
};

function parseCsv(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.trimEnd().split('\r\n');
  assert.equal(lines[0], 'figure,value');
  for (const line of lines.slice(1)) {
    const m = /^([^,]+),(.*)$/.exec(line)!;
    out.set(m[1]!, m[2]!.startsWith('"') ? m[2]!.slice(1, -1).replace(/""/g, '"') : m[2]!);
  }
  return out;
}

function flatten(v: unknown, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (v === null || typeof v !== 'object') out.set(prefix, v === null ? '' : String(v));
  else for (const [k, x] of Object.entries(v)) flatten(x, prefix ? `${prefix}.${k}` : k, out);
  return out;
}

for (const store of storeKinds()) {
  describe(`transparency report (${store} store)`, () => {
    let s: TestServer;
    let reporter: { token: string; id: string; accountId: string };
    let flagger: { token: string; id: string };
    let staffB: string;
    let h1: string;
    const filed: Filed[] = [];
    const current = halfYearOf(new Date());
    const earlier = halfYearOf(new Date(current.start.getTime() - DAY));
    // Receipt times of the earlier half's notices, set by the test.
    const movedTo = new Map<string, Date>();
    const disabledNotices = new Set<string>();
    let restoredUrls = 0;
    let rejectedUrls = 0;

    const processed = (id: string, token: string) =>
      waitUntil(
        () => s.api(`/v1/notices/${id}`, { token }),
        (x) => x.body.status === 'processed',
        20_000,
        `${id} processed`,
      );
    const fileApi = async (f: Omit<Filed, 'id' | 'channel'>, body: Record<string, unknown>, who: { token: string } = reporter) => {
      const r = await s.api('/v1/notices', { token: who.token, body });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      await processed(r.body.id, who.token);
      filed.push({ ...f, id: r.body.id, channel: 'api' });
      return r.body.id as string;
    };
    const review = async (id: string, body: Record<string, unknown>) => {
      const r = await s.api(`/v1/notices/${id}/review`, { token: s.adminToken, body: { state: 'pending_review', ...body } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body.changed.length as number;
    };

    before(async () => {
      s = await startTestServer(store);
      await s.loadZones(ZONES);
      reporter = await s.reporter('desk@rights.test');
      flagger = await s.reporter('desk@apwg.test');
      const g = await s.api('/v1/trusted-flaggers', {
        token: s.adminToken,
        body: { principal_id: flagger.id, organisation: 'APWG e.V.', dsc_country: 'DE', dsc_reference: 'TF-1', kinds: ['phishing'] },
      });
      assert.equal(g.status, 201, JSON.stringify(g.body));
      const b = await s.api('/v1/principals', { token: s.adminToken, body: { role: 'staff', email: 'second@desk.test', name: 'Second Reviewer' } });
      staffB = b.body.token;
      h1 = (await createPrincipal(s.store.db, { role: 'customer', email: 'owner@hosted.test', accountId: 'h1', actor: 'system' })).token;

      // Earlier half-year. A: DMCA notice by API, two proxied URLs and one elsewhere (forwarded, not on the network).
      await fileApi(
        { kind: 'copyright', trusted: false, urls: ['proxied.example', 'proxied.example', 'off'], earlier: true },
        dmcaNotice(['https://proxied.example/a.mp4', 'https://proxied.example/b.mp4', 'https://elsewhere.example/x']),
      );
      // B: phishing through the web form, hosted: disabled by staff, then reversed on the customer's complaint (restored).
      const page = await fetch(`${s.url}/report?kind=phishing&regime=dsa`);
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
        urls: 'https://hosted.example/login',
        claimant_name: claimant.name,
        claimant_email: claimant.email,
        explanation: 'A copy of the Example Bank login page that collects passwords.',
        accurate_and_complete: 'yes',
      }))
        form.append(k, v);
      const posted = await fetch(`${s.url}/report`, { method: 'POST', body: form, redirect: 'manual', headers: { cookie } });
      assert.equal(posted.status, 303, await posted.text());
      const web = await s.store.db.selectFrom('notices').select('id').where('channel', '=', 'web').executeTakeFirstOrThrow();
      filed.push({ id: web.id, kind: 'phishing', channel: 'web', trusted: false, urls: ['hosted.example'], earlier: true });
      await processed(web.id, s.adminToken);
      assert.equal(await review(web.id, { action: 'disable', note: 'A copy of the bank login page.' }), 1);
      disabledNotices.add(web.id);
      const c = await s.api(`/v1/notices/${web.id}/complaints`, { token: h1, body: { text: 'This is our own staff login page.' } });
      assert.equal(c.status, 201, JSON.stringify(c.body));
      const d = await s.api(`/v1/complaints/${c.body.id}/decision`, { token: staffB, body: { outcome: 'reversed', reason: 'It is the shop’s own login.' } });
      assert.equal(d.status, 200, JSON.stringify(d.body));
      restoredUrls += 1;
      // C: trademark through the Cloudflare-compatible API, proxied: forwarded.
      const cf = await fetch(`${s.url}/client/v4/accounts/${reporter.accountId}/abuse-reports/abuse_trademark`, {
        method: 'POST',
        headers: { authorization: `Bearer ${reporter.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          act: 'abuse_trademark',
          name: 'Robin Reporter',
          email: 'robin@reporter.test',
          email2: 'robin@reporter.test',
          urls: 'https://proxied.example/shop',
          justification: 'The shop sells counterfeits under our mark.',
          trademark_number: 'EU 018123456',
          trademark_office: 'EUIPO',
          trademark_symbol: 'HARBOR',
          host_notification: 'send',
          owner_notification: 'send',
        }),
      });
      const cfBody = await cf.json();
      assert.equal(cf.status, 200, JSON.stringify(cfBody));
      filed.push({ id: cfBody.abuse_rand, kind: 'trademark', channel: 'cloudflare_api', trusted: false, urls: ['proxied.example'], earlier: true });
      await processed(cfBody.abuse_rand, reporter.token);

      // Current half-year. D: DMCA notice, two hosted URLs and one that is not a URL: both disabled, a counter notice for one.
      const dId = await fileApi(
        { kind: 'copyright', trusted: false, urls: ['hosted.example', 'hosted.example', 'invalid'], earlier: false },
        dmcaNotice(['https://hosted.example/photo1.jpg', 'https://hosted.example/photo2.jpg', 'not a url at all']),
      );
      assert.equal(await review(dId, { action: 'disable' }), 2);
      disabledNotices.add(dId);
      const cn = await s.api(`/v1/notices/${dId}/counter-notice`, { token: h1, body: counterNotice(['https://hosted.example/photo1.jpg']) });
      assert.equal(cn.status, 201, JSON.stringify(cn.body));
      // E: a trusted flagger's phishing report under the DSA, hosted: rejected.
      const eId = await fileApi(
        { kind: 'phishing', trusted: true, urls: ['hosted.example'], earlier: false },
        {
          kind: 'phishing',
          regime: 'dsa',
          urls: ['https://hosted.example/checkout'],
          claimant,
          explanation: 'The checkout page skims card numbers.',
          statements: { accurate_and_complete: true },
        },
        flagger,
      );
      rejectedUrls += await review(eId, { action: 'reject', reason: 'not_infringing' });
      // F: child abuse material on a proxied site: disabled at once by policy.
      const fId = await fileApi(
        { kind: 'csam', trusted: false, urls: ['proxied.example'], earlier: false },
        { kind: 'csam', urls: ['https://proxied.example/hidden/x.jpg'], explanation: 'Abuse imagery of a child.' },
      );
      disabledNotices.add(fId);

      // Legal process: a subpoena received in the earlier half (not answered), a court order now (its block rule applied).
      const sub = await s.api('/v1/legal-requests', {
        token: s.adminToken,
        body: {
          type: 'subpoena',
          authority: 'U.S. District Court',
          case_number: '3:26-mc-1',
          requesting_party: 'Harbor Pictures LLC',
          received_at: new Date(earlier.start.getTime() + 30 * DAY).toISOString().slice(0, 10),
          deadline: '2099-03-16',
          targets: { accounts: ['p1'] },
        },
      });
      assert.equal(sub.status, 201, JSON.stringify(sub.body));
      const order = await s.api('/v1/legal-requests', {
        token: s.adminToken,
        body: { type: 'court_order', authority: 'High Court', case_number: 'HC-1', requesting_party: 'Studios', block_rules: ['pirate-mirror.example'] },
      });
      assert.equal(order.status, 201, JSON.stringify(order.body));
      // Art. 23: the reporter warned. The hosting customer's account terminated.
      assert.equal((await s.api(`/v1/notifiers/${reporter.id}/warn`, { token: s.adminToken, body: { reason: 'Two unfounded notices.' } })).status, 201);
      const t = await s.api('/v1/accounts/p1/terminate', { token: s.adminToken, body: { reason: 'Repeat infringer.' } });
      assert.equal(t.status, 200, JSON.stringify(t.body));

      // The earlier half's notices were received on known days of it.
      let i = 0;
      for (const f of filed.filter((x) => x.earlier)) {
        const at = new Date(earlier.start.getTime() + (10 + 40 * i++) * DAY + 3_600_000);
        movedTo.set(f.id, at);
        await sql`UPDATE notices SET created_at = ${at} WHERE id = ${f.id}::uuid`.execute(s.store.db);
      }
    });
    after(async () => {
      await s?.close();
    });

    /** Hours from receipt to the first URL forwarded or disabled, per notice acted on, from the log. */
    const firstActionHours = async (of: Filed[]) => {
      const out: { kind: ReportKind; hours: number }[] = [];
      for (const f of of) {
        const n = await s.store.db.selectFrom('notices').select('created_at').where('id', '=', f.id).executeTakeFirstOrThrow();
        const events = await s.store.db.selectFrom('events').select(['at', 'after']).where('notice_id', '=', f.id).where('subject_type', '=', 'item').execute();
        const times = events
          .filter((e) => ['forwarded', 'content_disabled'].includes((e.after as { state?: string } | null)?.state ?? ''))
          .map((e) => new Date(e.at).getTime());
        if (times.length) out.push({ kind: f.kind, hours: (Math.min(...times) - new Date(n.created_at).getTime()) / 3_600_000 });
      }
      return out;
    };

    const expectedNotices = (of: Filed[]) => {
      const byKind = Object.fromEntries(REPORT_KINDS.map((k) => [k, of.filter((f) => f.kind === k).length]));
      const byChannel = Object.fromEntries(CHANNELS.map((c) => [c, of.filter((f) => f.channel === c).length]));
      return { total: of.length, from_trusted_flaggers: of.filter((f) => f.trusted).length, by_kind: byKind, by_channel: byChannel };
    };

    test('the earlier half-year: notices by kind and channel, URLs, actions, medians, the DSA categories, the legal request', async () => {
      const r = await s.api(`/v1/transparency?period=${earlier.half_year}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const of = filed.filter((f) => f.earlier);
      const j = r.body;
      assert.deepEqual(j.period, { from: earlier.from, to: earlier.to, label: earlier.label, half_year: earlier.half_year });
      const n = expectedNotices(of);
      assert.equal(j.notices.total, n.total);
      assert.equal(j.notices.from_trusted_flaggers, n.from_trusted_flaggers);
      assert.deepEqual(j.notices.by_kind, n.by_kind);
      assert.deepEqual(j.notices.by_channel, n.by_channel);
      const urls = of.flatMap((f) => f.urls);
      assert.equal(j.urls.reported, urls.length);
      assert.equal(j.urls.on_network, urls.filter(onNetwork).length);
      assert.equal(j.urls.not_on_network, urls.filter((u) => u === 'off').length);
      assert.equal(j.urls.share_on_network_percent, Math.round((urls.filter(onNetwork).length / urls.length) * 1000) / 10);
      // A's two proxied URLs and C's are forwarded; B's is disabled and restored.
      assert.equal(j.actions.urls_forwarded, 3);
      assert.equal(j.actions.urls_disabled, 1);
      assert.equal(j.actions.urls_restored, restoredUrls);
      const acted = await firstActionHours(of);
      assert.equal(j.actions.notices_acted_on, acted.length);
      assert.equal(j.actions.median_hours_to_first_action, median(acted.map((a) => a.hours)));
      assert.ok(j.actions.median_hours_to_first_action > 24 * 30, 'the actions came months after the moved receipts');
      // Every month of the half, with each notice in the month it was received.
      assert.equal(Object.keys(j.monthly).length, 6);
      for (const f of of) {
        const month = movedTo.get(f.id)!.toISOString().slice(0, 7);
        assert.ok(j.monthly[month][f.kind] >= 1, `${f.kind} in ${month}`);
      }
      assert.equal(
        Object.values(j.monthly as Record<string, Record<string, number>>).reduce((t, m) => t + Object.values(m).reduce((a, b) => a + b, 0), 0),
        of.length,
      );
      // DSA categories: copyright and trademark are intellectual property; phishing is scams and fraud.
      const ip = j.dsa.categories.STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS;
      const ipKinds = REPORT_KINDS.filter((k) => KIND_RULES[k].dsa.category === 'STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS');
      const ipFiled = of.filter((f) => ipKinds.includes(f.kind));
      assert.equal(ip.notices, ipFiled.length);
      assert.equal(ip.urls, ipFiled.flatMap((f) => f.urls).length);
      assert.equal(ip.urls_disabled, 0);
      assert.equal(ip.median_hours_to_action, median(acted.filter((a) => ipKinds.includes(a.kind)).map((a) => a.hours)));
      const scams = j.dsa.categories.STATEMENT_CATEGORY_SCAMS_AND_FRAUD;
      assert.deepEqual([scams.notices, scams.urls, scams.urls_disabled], [1, 1, 1]);
      // B's takedown under the DSA is on the ground of illegal content: one statement of reasons.
      assert.deepEqual([scams.legal_basis, scams.terms_basis], [1, 0]);
      assert.deepEqual(j.legal_requests.subpoena, { received: 1, complied: 0, objected: 0, withdrawn: 0, open: 1 });
      assert.equal(j.legal_requests.court_order.received, 0);
      // Things dated by their own time happened now, not in the earlier half.
      assert.deepEqual([j.counter_notices, j.retractions, j.dsa.complaints.received, j.accounts.terminated, j.strikes.issued], [0, 0, 0, 0, 0]);
    });

    test('the current half-year: takedowns, a counter notice, strikes, the complaint and its outcome, the court order, warnings, terminations', async () => {
      const r = await s.api('/v1/transparency');
      assert.equal(r.status, 200);
      const j = r.body;
      assert.equal(j.period.half_year, current.half_year, 'the current half-year by default');
      const of = filed.filter((f) => !f.earlier);
      const n = expectedNotices(of);
      assert.deepEqual(j.notices.by_kind, n.by_kind);
      assert.deepEqual(j.notices.by_channel, n.by_channel);
      assert.equal(j.notices.from_trusted_flaggers, 1);
      const urls = of.flatMap((f) => f.urls);
      assert.deepEqual(
        [j.urls.reported, j.urls.on_network, j.urls.invalid, j.urls.not_on_network],
        [urls.length, urls.filter(onNetwork).length, urls.filter((u) => u === 'invalid').length, 0],
      );
      // D's two URLs and F's by policy.
      assert.equal(j.actions.urls_disabled, 3);
      assert.equal(j.actions.urls_forwarded, 0);
      assert.equal(j.actions.urls_rejected, rejectedUrls);
      const acted = await firstActionHours(of);
      assert.equal(acted.length, of.filter((f) => disabledNotices.has(f.id)).length);
      assert.equal(j.actions.notices_acted_on, acted.length);
      assert.equal(j.actions.median_hours_to_first_action, median(acted.map((a) => a.hours)));
      assert.equal(j.counter_notices, 1);
      assert.equal(j.retractions, 0);
      // Strikes: B's and D's takedowns on h1 (F's account is p1: a third). Still counting: D's second URL and F's;
      // B's was reversed, D's first is disputed by the counter notice.
      assert.deepEqual(j.strikes, { issued: 3, in_force: 2 });
      assert.deepEqual(j.accounts, { terminated: 1, reinstated: 0 });
      assert.deepEqual(j.legal_requests.court_order, { received: 1, complied: 1, objected: 0, withdrawn: 0, open: 1 });
      assert.equal(j.legal_requests.subpoena.received, 0);
      const tf = j.dsa.categories.STATEMENT_CATEGORY_SCAMS_AND_FRAUD;
      assert.deepEqual([tf.notices, tf.from_trusted_flaggers, tf.urls_disabled, tf.median_hours_to_action], [1, 1, 0, null]);
      assert.equal(j.dsa.categories.STATEMENT_CATEGORY_PROTECTION_OF_MINORS.urls_disabled, 1);
      assert.equal(j.dsa.categories.STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS.urls_disabled, 2);
      const c = j.dsa.complaints;
      assert.deepEqual([c.received, c.from_customers, c.from_notifiers, c.reversed, c.upheld, c.open], [1, 1, 0, 1, 0, 0]);
      assert.equal(typeof c.median_hours_to_decide, 'number');
      assert.deepEqual(j.dsa.misuse, { notifiers_warned: 1, notifiers_suspended: 0, customers_warned: 0, customers_suspended: 0 });
      assert.deepEqual(j.dsa.service_restrictions, { suspended: 0, terminated: 1 });
    });

    test('a custom period of both halves adds them up; the CSV says exactly what the JSON says', async () => {
      const q = `from=${earlier.from}&to=${current.to}`;
      const j = (await s.api(`/v1/transparency?${q}`)).body;
      assert.equal(j.notices.total, filed.length);
      assert.equal(j.urls.reported, filed.flatMap((f) => f.urls).length);
      assert.equal(Object.keys(j.monthly).length, 12);
      assert.equal(j.period.half_year, null);
      const res = await fetch(`${s.url}/v1/transparency?${q}&format=csv`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/csv/);
      assert.match(res.headers.get('content-disposition') ?? '', /attachment; filename="transparency-.+\.csv"/);
      assert.deepEqual([...parseCsv(await res.text())], [...flatten(j)]);
    });

    test('a period that cannot be read: 422 naming the field, on the API and the page', async () => {
      const bad = await s.api('/v1/transparency?from=2026-02-30&to=2026-01-01');
      assert.equal(bad.status, 422);
      assert.deepEqual(
        bad.body.errors.map((e: { field: string }) => e.field),
        ['from'],
      );
      assert.equal((await s.api('/v1/transparency?period=2026-H3')).body.errors[0].field, 'period');
      assert.equal((await s.api('/v1/transparency?from=2026-03-01&to=2026-02-01')).body.errors[0].field, 'to');
      assert.equal((await s.api('/v1/transparency?format=xml')).body.errors[0].field, 'format');
      const page = await fetch(`${s.url}/transparency?from=2026-03-01&to=2026-02-01`);
      assert.equal(page.status, 400);
      const html = await page.text();
      assert.match(html, /must not be before from/);
      assert.match(html, /<a href="#to">To: to \(2026-02-01\) must not be before from/);
      assert.doesNotMatch(html, /data-chart=/, 'no figures for a period that is not one');
    });

    test('the page is public, linked from the nav, and its figures match the JSON', async () => {
      const res = await fetch(`${s.url}/transparency?period=${earlier.half_year}`);
      assert.equal(res.status, 200);
      const html = await res.text();
      assert.match(html, /<a href="\/transparency"[^>]*>Transparency<\/a>/);
      const j = (await s.api(`/v1/transparency?period=${earlier.half_year}`)).body;
      assert.match(html, new RegExp(`data-figure="notices"><strong>${j.notices.total}</strong>`));
      assert.match(html, new RegExp(`data-figure="urls"><strong>${j.urls.reported}</strong>`));
      assert.match(html, /href="\/v1\/transparency\?period=[0-9]{4}-H[12]&amp;format=csv"/);
      assert.doesNotMatch(html, /transparency\/top/, 'the most-reported list is not offered to the public');
      assert.match(html, /role="img"/);
    });

    test('the most-reported list: staff only by default (401 anonymous, 403 reporter, login or 403 page), with the counts', async () => {
      assert.equal((await s.api('/v1/transparency/top')).status, 401);
      assert.equal((await s.api('/v1/transparency/top', { token: reporter.token })).status, 403);
      const anon = await fetch(`${s.url}/transparency/top`, { redirect: 'manual' });
      assert.equal(anon.status, 303);
      assert.match(anon.headers.get('location') ?? '', /^\/login/);
      const asReporter = await webSession(s, reporter.id, '/my');
      assert.equal((await asReporter.get('/transparency/top')).status, 403);

      const r = await s.api(`/v1/transparency/top?from=${earlier.from}&to=${current.to}`, { token: s.adminToken });
      assert.equal(r.status, 200);
      const all = filed.flatMap((f) => f.urls);
      const zone = (z: string) => all.filter((u) => u === z).length;
      // Most URLs first; a tie by name.
      const expected = [
        ['hosted.example', 'h1', zone('hosted.example')],
        ['proxied.example', 'p1', zone('proxied.example')],
      ].sort((a, b) => (b[2] as number) - (a[2] as number) || String(a[0]).localeCompare(String(b[0])));
      assert.deepEqual(
        r.body.domains.map((d: { name: string; account_id: string; urls: number }) => [d.name, d.account_id, d.urls]),
        expected,
      );
      assert.deepEqual(
        r.body.accounts.map((a: { account_id: string; account_name: string }) => [a.account_id, a.account_name]),
        expected.map((e) => [e[1], e[1] === 'h1' ? 'Hosted Shop' : 'Proxied Films']),
      );
      assert.equal((await s.api('/v1/transparency/top?limit=0', { token: s.adminToken })).body.errors[0].field, 'limit');
      const me = await s.api('/v1/me', { token: s.adminToken });
      const staff = await webSession(s, me.body.id, '/staff');
      const page = await staff.get(`/transparency/top?from=${earlier.from}&to=${current.to}`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<th scope="row">hosted\.example<\/th>/);
      assert.match(await (await staff.get('/transparency')).text(), /href="\/transparency\/top\?period=/, 'staff are offered the list');
    });

    test('with SAFEHARBOR_TRANSPARENCY_PUBLIC_TOP=on the list is public', async () => {
      const open = await startTestServer(store, { config: { transparencyPublicTop: true } });
      try {
        await open.loadZones(ZONES);
        const rep = await open.reporter();
        const id = (await open.api('/v1/notices', { token: rep.token, body: dmcaNotice(['https://proxied.example/z']) })).body.id;
        await waitUntil(
          () => open.api(`/v1/notices/${id}`, { token: rep.token }),
          (x) => x.body.status === 'processed',
          20_000,
        );
        const r = await open.api('/v1/transparency/top');
        assert.equal(r.status, 200);
        assert.deepEqual(
          r.body.domains.map((d: { name: string; urls: number }) => [d.name, d.urls]),
          [['proxied.example', 1]],
        );
        const page = await fetch(`${open.url}/transparency/top`, { redirect: 'manual' });
        assert.equal(page.status, 200);
        assert.match(await (await fetch(`${open.url}/transparency`)).text(), /href="\/transparency\/top\?period=/);
      } finally {
        await open.close();
      }
    });
  });
}
