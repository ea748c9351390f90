// Every kind of report through the native API, on both stores, with a real SMTP server: each is
// filed (kind and regime stored), refused with field errors when an element is missing, and then
// routed and acted on as its row of report-kinds.ts says — forwarded to the owner and the host,
// or kept with staff (WHOIS), or disabled at once with a hotline report and no forwarding (CSAM).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { storeKinds } from '../support/stores.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';
import { startTestServer, waitUntil, type TestServer } from '../support/server.ts';
import { importNetworks } from '../../src/services/network-import.ts';
import { createPrincipal } from '../../src/services/principals.ts';
import { REPORT_KINDS, type ReportKind } from '../../src/domain/report-kinds.ts';

const ZONES = `account_id,account_name,account_email,zone,mode,origin
p1,Proxied Owner,owner@proxied.test,proxied.example,proxied,8.8.8.8
h1,Hosted Owner,owner@hosted.test,hosted.example,hosted,198.51.100.1
`;
const HOST_DESK = 'network-abuse@google.test';
const reporter = { name: 'Alex Reporter', email: 'alex@reporter.test', company: 'Reporter GmbH', address: '1 Main St, Berlin', country: 'DE' };

/** A complete report of each kind (its default regime), about one proxied and one hosted URL of its own. */
function body(kind: ReportKind): Record<string, unknown> {
  const b: Record<string, unknown> = { kind, urls: [`https://proxied.example/${kind}`, `https://hosted.example/${kind}`], claimant: reporter };
  switch (kind) {
    case 'copyright':
      return {
        ...b,
        regime: 'dmca',
        work: { description: 'The photo "Harbour at dawn"' },
        statements: { good_faith_belief: true, accuracy_and_authority: true },
        signature: reporter.name,
        claimant: { ...reporter, address: '1 Main St, Berlin', country: 'DE' },
      };
    case 'trademark':
      return { ...b, explanation: 'The shop sells counterfeits under our mark.', trademark: { number: 'EU 018123456', office: 'EUIPO', symbol: 'HARBOR' } };
    case 'ncsei':
      return { ...b, subject_representation: true, explanation: 'Intimate photos of me posted without my consent.' };
    case 'whois':
      return {
        ...b,
        whois_request: {
          legal_basis: 'Art. 6(1)(f) GDPR: the domain infringes our trademark and we need to serve the registrant.',
          request_type: 'disclosure',
          requested_data: ['registrant_name', 'registrant_email'],
          good_faith_affirmation: true,
          lawful_processing_agreement: true,
        },
      };
    case 'phishing':
      // The reporter's identity stays with us: neither the owner nor the host learns it.
      return { ...b, explanation: 'The page asks for bank logins while pretending to be Example Bank.', notify: { owner: 'send-anon', host: 'send-anon' } };
    case 'csam':
      return { ...b, explanation: 'Images of the sexual abuse of a child.', notify: { hotline: 'send-anon' } };
    default:
      return { ...b, explanation: `A ${kind} report: the page breaks the acceptable-use policy.` };
  }
}

/** One element left out per kind, and the field the refusal names. */
const MISSING: Record<ReportKind, [string, string]> = {
  copyright: ['signature', 'signature'],
  trademark: ['trademark', 'trademark'],
  phishing: ['explanation', 'explanation'],
  csam: ['explanation', 'explanation'],
  threat: ['urls', 'urls'],
  ncsei: ['subject_representation', 'subject_representation'],
  whois: ['whois_request', 'whois_request'],
  general: ['claimant', 'claimant'],
};

for (const store of storeKinds()) {
  describe(`every kind of report (${store} store)`, () => {
    let smtp: TestSmtp;
    let s: TestServer;
    let alex: { token: string };
    let p1: string;
    const ids = new Map<ReportKind, string>();
    const items = async (kind: ReportKind) =>
      ((await s.api(`/v1/notices/${ids.get(kind)}`, { token: alex.token })).body.items as { state: string }[]).map((i) => i.state);
    const mailsOf = (kind: ReportKind) => smtp.mails.filter((m) => m.parsed.subject?.includes(ids.get(kind)!));
    const to = (kind: ReportKind, addr: string) => mailsOf(kind).filter((m) => m.envelopeTo.includes(addr));

    /** A console page as staff see it, signed in with the admin token through the sign-in form (no browser needed for reading). */
    const staffPage = async (path: string): Promise<string> => {
      const login = await fetch(`${s.url}/login`);
      const cookie = login.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
      const csrf = /name="_csrf" value="([^"]+)"/.exec(await login.text())![1]!;
      const signedIn = await fetch(`${s.url}/login/token`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
        body: new URLSearchParams({ _csrf: csrf, token: s.adminToken, next: path }),
      });
      const session = [cookie, ...signedIn.headers.getSetCookie().map((c) => c.split(';')[0])].join('; ');
      const page = await fetch(`${s.url}${path}`, { headers: { cookie: session } });
      assert.equal(page.status, 200, path);
      return page.text();
    };

    before(async () => {
      smtp = await startSmtp();
      s = await startTestServer(store, { smtpUrl: smtp.url });
      await s.loadZones(ZONES);
      await importNetworks(s.store.db, `cidr,asn,name,abuse_email\n8.8.8.0/24,15169,Google LLC,${HOST_DESK}\n`, 'system');
      alex = await s.reporter(reporter.email);
      p1 = (await createPrincipal(s.store.db, { role: 'customer', email: 'owner@proxied.test', accountId: 'p1', actor: 'system' })).token;
      for (const kind of REPORT_KINDS) {
        const r = await s.api('/v1/notices', { token: alex.token, body: body(kind) });
        assert.equal(r.status, 201, `${kind}: ${JSON.stringify(r.body)}`);
        ids.set(kind, r.body.id);
      }
      for (const kind of REPORT_KINDS) {
        await waitUntil(
          () => s.api(`/v1/notices/${ids.get(kind)}`, { token: alex.token }),
          (x) => x.body.status === 'processed',
          20_000,
          `${kind} processed`,
        );
      }
      // Every kind's acknowledgement is the last mail of its processing.
      await smtp.waitFor((m) => REPORT_KINDS.every((k) => m.some((x) => x.envelopeTo.includes(reporter.email) && x.parsed.subject?.includes(ids.get(k)!))));
    });
    after(async () => {
      await s?.close();
      await smtp?.close();
    });

    test('each kind is stored with its kind and default regime', async () => {
      const rows = await s.store.db.selectFrom('notices').select(['id', 'kind', 'regime']).execute();
      for (const kind of REPORT_KINDS) {
        const row = rows.find((r) => r.id === ids.get(kind))!;
        assert.equal(row.kind, kind);
        assert.equal(row.regime, kind === 'copyright' ? 'dmca' : 'terms');
      }
    });

    test('each kind without one of its elements is refused with the field named; an anonymous DMCA notice with the §512(g) reason', async () => {
      for (const kind of REPORT_KINDS) {
        const [drop, field] = MISSING[kind];
        const b = body(kind);
        delete b[drop];
        const r = await s.api('/v1/notices', { token: alex.token, body: b });
        assert.equal(r.status, 422, `${kind} without ${drop}`);
        const fields = (r.body.errors as { field: string }[]).map((e) => e.field);
        assert.ok(
          fields.some((f) => f === field || f.startsWith(`${field}.`)),
          `${kind}: ${JSON.stringify(r.body.errors)}`,
        );
      }
      const anon = await s.api('/v1/notices', { token: alex.token, body: { ...body('copyright'), notify: { owner: 'send-anon', host: 'send' } } });
      assert.equal(anon.status, 422);
      assert.match(JSON.stringify(anon.body.errors), /512\(g\)/);
    });

    test('forwarded kinds reach the owner and the host with their own wording; only DMCA notices speak of counter notices', async () => {
      for (const kind of ['copyright', 'trademark', 'phishing', 'threat', 'ncsei', 'general'] as const) {
        assert.deepEqual(await items(kind), ['forwarded', 'pending_review'], kind);
        const owner = to(kind, 'owner@proxied.test');
        const host = to(kind, HOST_DESK);
        assert.equal(owner.length, 1, `${kind}: one mail to the owner`);
        assert.equal(host.length, 1, `${kind}: one mail to the host`);
        assert.equal(to(kind, 'owner@hosted.test').length, 0, `${kind}: hosted content waits for staff`);
        const text = owner[0]!.parsed.text!;
        assert.ok(text.includes(`https://proxied.example/${kind}`));
        if (kind === 'copyright') assert.match(text, /counter notice/);
        else assert.doesNotMatch(text, /counter notice|DMCA|§ ?512/, kind); // not a bare 512: a timestamp may hold .512Z
      }
    });

    test('send-anon: the reporter of phishing (and, by default, of intimate imagery) is named to neither owner nor host', async () => {
      for (const kind of ['phishing', 'ncsei'] as const) {
        for (const m of [...to(kind, 'owner@proxied.test'), ...(kind === 'phishing' ? to(kind, HOST_DESK) : [])]) {
          const text = m.parsed.text!;
          assert.ok(!text.includes(reporter.email) && !text.includes(reporter.name), `${kind} → ${m.envelopeTo}`);
        }
      }
    });

    test('CSAM: every on-network URL disabled at receipt, proxied and hosted, on the edge blocklist; nothing forwarded', async () => {
      assert.deepEqual(await items('csam'), ['content_disabled', 'content_disabled']);
      const blocked = ((await s.api('/v1/edge/blocklist', { token: s.adminToken })).body.urls as { url: string }[]).map((u) => u.url);
      assert.ok(blocked.includes('https://proxied.example/csam') && blocked.includes('https://hosted.example/csam'), JSON.stringify(blocked));
      assert.equal(to('csam', HOST_DESK).length, 0, 'the host gets no report and no URLs');
      const l = await s.store.db.selectFrom('item_lifecycles').select(['kind', 'state']).where('notice_id', '=', ids.get('csam')!).execute();
      assert.equal(l.length, 2);
      for (const x of l) assert.equal((x.state as { takedown: { disabledBy: string } }).takedown.disabledBy, 'policy');
    });

    test('CSAM: each customer is told content was disabled for a child-safety report, without the reporter or a counter notice', async () => {
      for (const owner of ['owner@proxied.test', 'owner@hosted.test']) {
        const mails = to('csam', owner);
        assert.equal(mails.length, 1, owner);
        const text = mails[0]!.parsed.text!;
        assert.match(mails[0]!.parsed.subject!, /Content disabled after child sexual abuse material report/);
        assert.ok(!text.includes(reporter.email) && !text.includes(reporter.name), 'no reporter identity');
        assert.doesNotMatch(text, /counter notice/);
        assert.doesNotMatch(text, /Images of the sexual abuse/, 'the report itself is not passed on');
      }
    });

    test('CSAM: the hotline report is prepared for staff (reporter withheld as chosen), 403 for reporter and customer; evidence retained a year', async () => {
      const id = ids.get('csam')!;
      const r = await s.api(`/v1/notices/${id}/hotline-report`, { token: s.adminToken });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const p = r.body.payload;
      assert.deepEqual(p.reporter, { withheld: true });
      assert.deepEqual(
        p.urls.map((u: { url: string; zone: string; state: string }) => [u.url, u.zone, u.state]),
        [
          ['https://proxied.example/csam', 'proxied.example', 'content_disabled'],
          ['https://hosted.example/csam', 'hosted.example', 'content_disabled'],
        ],
      );
      assert.deepEqual(p.urls[0].originIps, ['8.8.8.8']);
      assert.deepEqual(p.urls[0].hostingProvider, { name: 'Google LLC', asn: 15169 });
      assert.equal(p.urls[0].account.id, 'p1');
      const notice = await s.store.db.selectFrom('notices').select(['created_at', 'retain_until']).where('id', '=', id).executeTakeFirstOrThrow();
      const days = (new Date(notice.retain_until!).getTime() - new Date(notice.created_at).getTime()) / 86_400_000;
      assert.equal(days, 365);
      await assert.rejects(s.store.db.deleteFrom('notices').where('id', '=', id).execute(), /retained until/);
      const events = (await s.api(`/v1/notices/${id}/events?scope=all&limit=1000`, { token: s.adminToken })).body.events as {
        type: string;
        data: { urls: number };
      }[];
      assert.equal(events.find((e) => e.type === 'notice.hotline_report_prepared')?.data.urls, 2, 'the preparation is on the timeline');
      assert.equal((await s.api(`/v1/notices/${id}/hotline-report`, { token: alex.token })).status, 403);
      assert.equal((await s.api(`/v1/notices/${id}/hotline-report`, { token: p1 })).status, 403);
      assert.equal((await s.api(`/v1/notices/${ids.get('phishing')}/hotline-report`, { token: s.adminToken })).status, 404);
      const html = await staffPage(`/staff/notices/${id}`);
      assert.match(html, /<h2 id="hotline-heading">Hotline report<\/h2>/);
      assert.match(html, /withheld at their request/);
    });

    test('WHOIS: kept with staff, not forwarded to the host or the owner; disabling is refused with the reason', async () => {
      assert.deepEqual(await items('whois'), ['pending_review', 'pending_review']);
      assert.equal(to('whois', HOST_DESK).length, 0);
      assert.equal(to('whois', 'owner@proxied.test').length, 0);
      const r = await s.api(`/v1/notices/${ids.get('whois')}/review`, { token: s.adminToken, body: { action: 'disable', state: 'pending_review' } });
      assert.equal(r.status, 409);
      assert.match(JSON.stringify(r.body), /disabling the content is not an action for a WHOIS data request/);
      assert.deepEqual(await items('whois'), ['pending_review', 'pending_review'], 'nothing changed');
    });

    test('a counter notice to a phishing report is refused: counter notices answer DMCA copyright notices', async () => {
      const r = await s.api(`/v1/notices/${ids.get('phishing')}/counter-notice`, {
        token: p1,
        body: {
          material: { urls: ['https://proxied.example/phishing'], description: 'My login page' },
          statements: { good_faith_mistake: true, consent_to_jurisdiction: true, accept_service_of_process: true },
          subscriber: {
            name: 'Pat Owner',
            address: '9 Elm Street, Springfield, IL 62701',
            country: 'US',
            phone: '+1 217 555 0199',
            email: 'owner@proxied.test',
          },
          reason: 'owner',
          signature: 'Pat Owner',
        },
      });
      assert.equal(r.status, 409, JSON.stringify(r.body));
      assert.match(JSON.stringify(r.body), /counter notices answer DMCA copyright notices.*phishing report/);
    });
  });
}
