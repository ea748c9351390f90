// Every one of Cloudflare's eight abuse report types, created with the official `cloudflare` SDK
// against Safeharbor (only baseURL changes), read back with get and list, and refused with the
// form's own field names where a type's rules are broken; on both stores, with real SMTP.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Cloudflare from 'cloudflare';
import { storeKinds } from '../support/stores.ts';
import { startSmtp, type ReceivedMail, type TestSmtp } from '../support/smtp.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { KIND_RULES, REPORT_KINDS, type ReportKind } from '../../src/domain/report-kinds.ts';

const ZONES = `account_id,account_name,account_email,zone,mode,origin
acct-1,Pirate Films Ltd,owner@piratefilms.test,piratefilms.example,proxied,8.8.8.8
`;

type Params = Cloudflare.AbuseReports.AbuseReportCreateParams;
type Report = Cloudflare.AbuseReports.AbuseReportGetResponse;

const common = (accountId: string, path: string) => ({
  account_id: accountId,
  name: 'Robin Reporter',
  email: 'robin@reporter.test',
  email2: 'robin@reporter.test',
  company: 'Reporter Ltd',
  urls: `https://piratefilms.example/${path}`,
  comments: 'Seen today.',
});

/** One valid form of each type, as the SDK's types describe it. */
function form(kind: ReportKind, accountId: string): Params {
  const c = common(accountId, kind);
  const justification = `The page at /${kind} is abusive: details for the ${kind} report.`;
  switch (kind) {
    case 'copyright':
      return {
        ...c,
        act: 'abuse_dmca',
        address1: '1 Studio Way',
        city: 'Los Angeles',
        state: 'CA',
        country: 'US',
        agent_name: 'Harbor Pictures',
        original_work: 'The film "Sunrise"',
        signature: 'Robin Reporter',
        agree: 1,
        host_notification: 'send',
        owner_notification: 'send',
      };
    case 'trademark':
      return {
        ...c,
        act: 'abuse_trademark',
        justification,
        trademark_number: 'EU 018123456',
        trademark_office: 'EUIPO',
        trademark_symbol: 'HARBOR',
        host_notification: 'send',
        owner_notification: 'send',
      };
    case 'phishing':
      return {
        ...c,
        act: 'abuse_phishing',
        justification,
        original_work: 'https://bank.test/login',
        host_notification: 'send',
        owner_notification: 'send-anon',
      };
    case 'csam':
      return { ...c, act: 'abuse_children', justification, ncmec_notification: 'send-anon', host_notification: 'send-anon', owner_notification: 'none' };
    case 'threat':
      return { ...c, act: 'abuse_threat', justification, host_notification: 'send', owner_notification: 'send' };
    case 'ncsei':
      return { ...c, act: 'abuse_ncsei', ncsei_subject_representation: true, host_notification: 'send-anon', owner_notification: 'send-anon' };
    case 'whois':
      return {
        ...c,
        act: 'abuse_registrar_whois',
        owner_notification: 'none',
        reg_who_request: {
          reg_who_legal_basis: 'Art. 6(1)(f) GDPR: the domain infringes our mark and we must serve the registrant.',
          reg_who_request_type: 'disclosure',
          reg_who_requested_data_elements: ['registrant_name', 'registrant_email'],
          reg_who_good_faith_affirmation: true,
          reg_who_lawful_processing_agreement: true,
        },
      };
    case 'general':
      return {
        ...c,
        act: 'abuse_general',
        justification,
        source_ips: '192.0.2.1\n192.0.2.2',
        ports_protocols: '80/TCP, 53/UDP',
        host_notification: 'send',
        owner_notification: 'send',
      };
  }
}

async function sdkError(p: Promise<unknown>): Promise<InstanceType<typeof Cloudflare.APIError>> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof Cloudflare.APIError, `expected the SDK's APIError, got ${String(e)}`);
    return e;
  }
  assert.fail('the call succeeded but should have failed');
}
const messages = (e: InstanceType<typeof Cloudflare.APIError>) => e.errors.map((x) => x.message ?? '');

for (const store of storeKinds()) {
  describe(`Cloudflare's eight report types through the official SDK (${store} store)`, () => {
    let smtp: TestSmtp;
    let s: TestServer;
    let r: { token: string; id: string; accountId: string };
    let client: Cloudflare;
    const ids = new Map<ReportKind, string>();
    let lastBody: { abuse_rand?: string; request?: { act: string } } = {};

    before(async () => {
      smtp = await startSmtp();
      s = await startTestServer(store, { smtpUrl: smtp.url });
      await s.loadZones(ZONES);
      r = await s.reporter('robin@reporter.test');
      client = new Cloudflare({
        baseURL: `${s.url}/client/v4`,
        apiToken: r.token,
        maxRetries: 0,
        // The SDK returns only "success"; the report id (abuse_rand) is read off the wire.
        fetch: async (input: string | URL | Request, init?: RequestInit) => {
          const res = await fetch(input, init);
          if (init?.method === 'POST') lastBody = await res.clone().json();
          return res;
        },
      });
    });
    after(async () => {
      await s?.close();
      await smtp?.close();
    });

    test('create: one report of every type is filed as a notice of its kind', async () => {
      for (const kind of REPORT_KINDS) {
        const act = KIND_RULES[kind].cloudflare.act;
        assert.equal(await client.abuseReports.create(act, form(kind, r.accountId)), 'success', act);
        assert.deepEqual(lastBody.request, { act });
        const id = lastBody.abuse_rand!;
        ids.set(kind, id);
        const native = await s.api(`/v1/notices/${id}`, { token: r.token });
        assert.equal(native.status, 200);
        assert.equal(native.body.kind, kind, act);
        assert.equal(native.body.channel, 'cloudflare_api');
      }
      const n = await s.api(`/v1/notices/${ids.get('general')}`, { token: r.token });
      assert.deepEqual(n.body.report.network, { source_ips: ['192.0.2.1', '192.0.2.2'], ports_protocols: ['80/TCP', '53/UDP'] });
      const w = await s.api(`/v1/notices/${ids.get('whois')}`, { token: r.token });
      assert.equal(w.body.report.whois_request.request_type, 'disclosure');
      const t = await s.api(`/v1/notices/${ids.get('trademark')}`, { token: r.token });
      assert.deepEqual(t.body.report.trademark, { number: 'EU 018123456', office: 'EUIPO', symbol: 'HARBOR' });
    });

    test('get and list: each report with its Cloudflare type; the type filter selects one kind', async () => {
      for (const kind of REPORT_KINDS) {
        const got = (await client.abuseReports.get(ids.get(kind)!, { account_id: r.accountId })) as Report;
        assert.equal(got.type, KIND_RULES[kind].cloudflare.type, kind);
        assert.equal(got.domain, 'piratefilms.example');
        assert.deepEqual(got.urls, [`https://piratefilms.example/${kind}`]);
      }
      const all = (await client.abuseReports.list({ account_id: r.accountId, per_page: 50 })).result as unknown as { reports: Report[] };
      assert.deepEqual(new Set(all.reports.map((x) => x.type)), new Set(REPORT_KINDS.map((k) => KIND_RULES[k].cloudflare.type)));
      for (const kind of ['phishing', 'csam', 'whois'] as const) {
        const type = KIND_RULES[kind].cloudflare.type as NonNullable<Cloudflare.AbuseReports.AbuseReportListParams['type']>;
        const page = (await client.abuseReports.list({ account_id: r.accountId, type })).result as unknown as { reports: Report[] };
        assert.deepEqual(
          page.reports.map((x) => x.id),
          [ids.get(kind)],
          type,
        );
      }
      const phish = (await client.abuseReports.get(ids.get('phishing')!, { account_id: r.accountId })) as Report;
      assert.match(phish.justification ?? '', /details for the phishing report/);
    });

    test("each type's rules, broken, are refused with the form's field named; nothing is filed", async () => {
      const before = (await s.api('/v1/notices?limit=500', { token: r.token })).body.notices.length;
      const refuse = async (kind: ReportKind, patch: Record<string, unknown>, field: RegExp) => {
        const body = { ...form(kind, r.accountId), ...patch } as Record<string, unknown>;
        for (const [k, v] of Object.entries(patch)) if (v === undefined) delete body[k];
        const e = await sdkError(client.abuseReports.create(KIND_RULES[kind].cloudflare.act, body as never));
        assert.equal(e.status, 400);
        assert.ok(
          messages(e).some((m) => field.test(m)),
          `${kind}: ${messages(e).join(' | ')}`,
        );
      };
      await refuse('trademark', { trademark_number: undefined }, /^trademark_number: /);
      await refuse('trademark', { owner_notification: 'send-anon' }, /^owner_notification: trademark reports cannot be anonymous/);
      await refuse('phishing', { owner_notification: 'none' }, /^owner_notification: /);
      await refuse('phishing', { justification: undefined }, /^justification: justification is required/);
      await refuse('csam', { ncmec_notification: undefined }, /^ncmec_notification: /);
      await refuse('threat', { email2: 'other@reporter.test' }, /^email2: Provided emails did not match/);
      await refuse('ncsei', { ncsei_subject_representation: undefined }, /^ncsei_subject_representation: /);
      await refuse(
        'whois',
        { reg_who_request: { ...(form('whois', r.accountId) as { reg_who_request: object }).reg_who_request, reg_who_legal_basis: undefined } },
        /^reg_who_request\.reg_who_legal_basis: /,
      );
      await refuse('whois', { reg_who_request: undefined }, /^reg_who_request: whois_request is required/);
      await refuse('general', { source_ips: Array.from({ length: 31 }, (_, i) => `192.0.2.${i + 1}`).join('\n') }, /^source_ips: .*at most 30/);
      await refuse('general', { ports_protocols: 'http' }, /^ports_protocols \(entry 1\): /);
      await refuse('copyright', { signature: 'Someone Else' }, /^signature: signature must be your full name/);
      await refuse('copyright', { owner_notification: 'send-anon' }, /^owner_notification: .*§512\(g\)/);
      const after = (await s.api('/v1/notices?limit=500', { token: r.token })).body.notices.length;
      assert.equal(after, before);
    });

    test("an anonymous phishing report reaches the owner without the reporter's identity; a CSAM report is not passed on to the owner", async () => {
      const phishing = ids.get('phishing')!;
      const toOwner = (m: ReceivedMail, id: string) => Boolean(m.parsed.subject?.includes(id)) && m.envelopeTo.includes('owner@piratefilms.test');
      const mails = await smtp.waitFor((all) => all.some((m) => toOwner(m, phishing)));
      const owner = mails.find((m) => toOwner(m, phishing))!;
      const text = owner.parsed.text ?? '';
      assert.ok(!text.includes('robin@reporter.test') && !text.includes('Robin Reporter'), text);
      assert.match(text, /phishing or malware/);
      // The owner learns that content was disabled and why in general terms (its statement of
      // reasons), never the report itself nor who made it.
      const csam = await smtp.waitFor((all) => all.some((m) => toOwner(m, ids.get('csam')!)));
      for (const m of csam.filter((x) => toOwner(x, ids.get('csam')!))) {
        assert.match(m.parsed.subject!, /Content disabled/);
        const body = m.parsed.text ?? '';
        assert.ok(!body.includes('details for the csam report') && !body.includes('robin@reporter.test') && !body.includes('Robin Reporter'), body);
      }
    });
  });
}
