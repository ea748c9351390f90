// The Cloudflare-compatible Abuse Reports API, driven by the official `cloudflare` SDK exactly as
// a customer script would use it (only baseURL changes), on both stores, with real SMTP.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Cloudflare from 'cloudflare';
import { storeKinds } from '../support/stores.ts';
import { startSmtp, type TestSmtp } from '../support/smtp.ts';
import { startTestServer, waitUntil, type TestServer } from '../support/server.ts';
import { importNetworks } from '../../src/services/network-import.ts';

const ZONES = `account_id,account_name,account_email,zone,mode,origin
acct-1,Pirate Films Ltd,owner@piratefilms.test,piratefilms.example,proxied,8.8.8.8
acct-2,Hosted Shop,ops@hostedshop.test,hostedshop.example,hosted,198.51.100.7
`;

const PROXIED_1 = 'https://www.piratefilms.example/movies/sunrise.mp4';
const PROXIED_2 = 'https://piratefilms.example/stream/sunrise';
const HOSTED = 'https://hostedshop.example/bootleg/sunrise.zip';
const OFF_NETWORK = 'https://not-ours.example/sunrise.mp4';

type Report = Cloudflare.AbuseReports.AbuseReportGetResponse;
type ListPage = { reports: Report[] };

/** Every wire body the SDK received, so the raw envelope can be checked next to what the SDK returns. */
interface Wire {
  url: string;
  status: number;
  body: any;
}

function sdk(baseURL: string, apiToken: string | null, wire: Wire[] = []): Cloudflare {
  return new Cloudflare({
    baseURL,
    apiToken,
    // No token at all: the SDK refuses to send unless the Authorization header is explicitly omitted.
    ...(apiToken === null ? { defaultHeaders: { Authorization: null } } : {}),
    maxRetries: 0,
    fetch: async (input: string | URL | Request, init?: RequestInit) => {
      const res = await fetch(input, init);
      const text = await res.clone().text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      wire.push({ url: String(input), status: res.status, body });
      return res;
    },
  });
}

function dmcaReport(accountId: string, urls: string[], over: Record<string, unknown> = {}): Cloudflare.AbuseReports.AbuseReportCreateParams {
  return {
    account_id: accountId,
    act: 'abuse_dmca',
    name: 'Jane Doe',
    email: 'jane@harborpictures.test',
    email2: 'jane@harborpictures.test',
    company: 'Harbor Pictures LLC',
    tele: '+1 555 0100',
    address1: '1 Studio Way',
    city: 'Los Angeles',
    state: 'CA',
    country: 'US',
    agent_name: 'Harbor Pictures LLC',
    original_work: 'The feature film "Sunrise Over Harbor" (2025), https://studio.test/films/sunrise',
    signature: 'Jane Doe',
    agree: 1,
    urls: urls.join('\n'),
    host_notification: 'send',
    owner_notification: 'send',
    title: 'Sunrise Over Harbor',
    comments: 'Full copies of the film, streamed without licence.',
    ...over,
  } as Cloudflare.AbuseReports.AbuseReportCreateParams;
}

const firstMessage = (e: InstanceType<typeof Cloudflare.APIError>): string => e.errors[0]?.message ?? '(no message)';

/** The SDK's error for a call that must fail. */
async function sdkError(p: Promise<unknown>): Promise<InstanceType<typeof Cloudflare.APIError>> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof Cloudflare.APIError, `expected the SDK's APIError, got ${String(e)}`);
    return e;
  }
  assert.fail('the call succeeded but should have failed');
}

for (const kind of storeKinds()) {
  describe(`Cloudflare Abuse Reports API through the official SDK (${kind} store)`, () => {
    let smtp: TestSmtp;
    let s: TestServer;
    let a: { token: string; id: string; accountId: string };
    let b: { token: string; id: string; accountId: string };
    let clientA: Cloudflare;
    let clientB: Cloudflare;
    const wireA: Wire[] = [];
    let reportId: string;

    before(async () => {
      smtp = await startSmtp();
      s = await startTestServer(kind, { smtpUrl: smtp.url });
      await s.loadZones(ZONES);
      const nets = await importNetworks(s.store.db, 'cidr,asn,name,abuse_email\n8.8.8.0/24,15169,Google LLC,network-abuse@google.test\n', 'system');
      assert.equal(nets.loaded, 1);
      a = await s.reporter('agency-a@rights.test');
      b = await s.reporter('agency-b@rights.test');
      assert.match(a.accountId, /^[0-9a-f]{32}$/, 'account ids look like Cloudflare account ids');
      assert.equal(a.accountId, a.id.replace(/-/g, ''));
      clientA = sdk(`${s.url}/client/v4`, a.token, wireA);
      clientB = sdk(`${s.url}/client/v4`, b.token);
    });
    after(async () => {
      await s?.close();
      await smtp?.close();
    });

    test('create: abuseReports.create files the report; the SDK returns "success" and the wire carries abuse_rand', async () => {
      const urls = [PROXIED_1, PROXIED_2, HOSTED, OFF_NETWORK];
      const result = await clientA.abuseReports.create('abuse_dmca', dmcaReport(a.accountId, urls));
      assert.equal(result, 'success');
      const raw = wireA.at(-1)!;
      assert.equal(raw.url, `${s.url}/client/v4/accounts/${a.accountId}/abuse-reports/abuse_dmca`);
      assert.equal(raw.status, 200);
      assert.deepEqual(Object.keys(raw.body).sort(), ['abuse_rand', 'request', 'result']);
      assert.deepEqual(raw.body.request, { act: 'abuse_dmca' });
      assert.equal(raw.body.result, 'success');
      assert.match(raw.body.abuse_rand, /^[0-9a-f-]{36}$/);
      reportId = raw.body.abuse_rand;

      // The forwarded notice reaches the site owner and the hosting provider's abuse desk; the reporter gets an acknowledgement.
      const mine = (await smtp.waitFor((m) => m.filter((x) => x.parsed.subject?.includes(reportId)).length >= 3)).filter((m) =>
        m.parsed.subject?.includes(reportId),
      );
      const to = (addr: string) => mine.filter((m) => m.envelopeTo.includes(addr));
      assert.equal(to('owner@piratefilms.test').length, 1);
      assert.equal(to('network-abuse@google.test').length, 1);
      assert.equal(to('jane@harborpictures.test').length, 1);
      assert.equal(to('ops@hostedshop.test').length, 0, 'hosted content waits for staff review, its customer is not mailed yet');
      const ownerMail = to('owner@piratefilms.test')[0]!.parsed.text!;
      assert.ok(ownerMail.includes(PROXIED_1) && ownerMail.includes(PROXIED_2));
      assert.ok(!ownerMail.includes(HOSTED) && !ownerMail.includes(OFF_NETWORK), 'the owner sees only its own URLs');
      assert.match(ownerMail, /Jane Doe/);
      assert.match(to('network-abuse@google.test')[0]!.parsed.text!, /8\.8\.8\.8/, 'the host is told the origin address');
      assert.match(to('jane@harborpictures.test')[0]!.parsed.text!, /Google LLC \(AS15169\), abuse contact network-abuse@google\.test/);
    });

    test('get: abuseReports.get shows the processed report, its URLs, submitter and mitigation summary', async () => {
      const report = await waitUntil(
        () => clientA.abuseReports.get(reportId, { account_id: a.accountId }),
        (r) => r.mitigation_summary.pending_count === 0 && r.mitigation_summary.external_host_notified,
        15_000,
        'report processed and host notified',
      );
      assert.equal(report.id, reportId);
      assert.equal(report.type, 'DMCA');
      assert.equal(report.domain, 'www.piratefilms.example');
      assert.ok(!Number.isNaN(Date.parse(report.cdate)) && report.cdate.endsWith('Z'), `cdate is RFC 3339: ${report.cdate}`);
      assert.ok(Math.abs(Date.parse(report.cdate) - Date.now()) < 120_000);
      assert.equal(report.status, 'in_review', 'the hosted URL waits for staff');
      assert.deepEqual(report.mitigation_summary, {
        accepted_url_count: 3, // two forwarded, one hosted under review; the off-network URL is not accepted
        active_count: 0,
        external_host_notified: true,
        in_review_count: 1,
        pending_count: 0,
      });
      assert.deepEqual(report.urls, [PROXIED_1, PROXIED_2, HOSTED, OFF_NETWORK]);
      assert.deepEqual(report.submitter, { name: 'Jane Doe', email: 'jane@harborpictures.test', company: 'Harbor Pictures LLC', telephone: '+1 555 0100' });
      assert.equal(report.original_work, 'The feature film "Sunrise Over Harbor" (2025), https://studio.test/films/sunrise');
      assert.match(report.justification!, /Title: Sunrise Over Harbor/);
      assert.match(report.justification!, /streamed without licence/);
      assert.ok(!JSON.stringify(report).includes('8.8.8.8') && !JSON.stringify(report).includes('198.51.100.7'), 'origin IPs never reach a reporter');

      const raw = wireA.at(-1)!;
      assert.equal(raw.status, 200);
      assert.equal(raw.body.success, true);
      assert.deepEqual(raw.body.errors, []);
    });

    test('native cross-check: GET /v1/notices/{id} holds the same URLs and states', async () => {
      const n = await s.api(`/v1/notices/${reportId}`, { token: a.token });
      assert.equal(n.status, 200, JSON.stringify(n.body));
      assert.equal(n.body.status, 'processed');
      assert.equal(n.body.channel, 'cloudflare_api');
      assert.deepEqual(
        n.body.items.map((i: { submitted_url: string; state: string; zone: string | null }) => [i.submitted_url, i.state, i.zone]),
        [
          [PROXIED_1, 'forwarded', 'piratefilms.example'],
          [PROXIED_2, 'forwarded', 'piratefilms.example'],
          [HOSTED, 'pending_review', 'hostedshop.example'],
          [OFF_NETWORK, 'not_on_network', null],
        ],
      );
      assert.deepEqual(n.body.items[0].hosting_provider, { name: 'Google LLC', asn: 15169, abuse_email: 'network-abuse@google.test' });
      assert.deepEqual(n.body.counts, { forwarded: 2, pending_review: 1, not_on_network: 1 });
      assert.equal(n.body.claimant.name, 'Jane Doe');
      assert.match(n.body.claimant.address, /1 Studio Way, Los Angeles, CA/);
      assert.equal(n.body.work.owner, 'Harbor Pictures LLC');

      // And the SDK's view agrees with the native counts.
      const r = await clientA.abuseReports.get(reportId, { account_id: a.accountId });
      assert.equal(r.mitigation_summary.in_review_count, n.body.counts.pending_review);
      assert.equal(r.mitigation_summary.accepted_url_count, n.body.counts.forwarded + n.body.counts.pending_review);
      assert.deepEqual(
        r.urls,
        n.body.items.map((i: { submitted_url: string }) => i.submitted_url),
      );
    });

    test('list: abuseReports.list finds the report with id, cdate, domain, status, type and mitigation_summary; filters and pages', async () => {
      // A second report, proxied only: nothing waits for review, so it is accepted.
      assert.equal(
        await clientA.abuseReports.create('abuse_dmca', dmcaReport(a.accountId, ['https://cdn.piratefilms.example/sunrise-trailer.mp4'])),
        'success',
      );
      const secondId = wireA.at(-1)!.body.abuse_rand as string;
      assert.notEqual(secondId, reportId);

      const page = await clientA.abuseReports.list({ account_id: a.accountId });
      const raw = wireA.at(-1)!;
      assert.equal(raw.body.success, true);
      assert.deepEqual(Object.keys(raw.body.result), ['reports'], 'result.reports, as Cloudflare documents');
      const { reports } = page.result as unknown as ListPage;
      assert.deepEqual(
        reports.map((r) => r.id),
        [secondId, reportId],
        'newest first, and only this reporter’s reports',
      );
      const found = reports.find((r) => r.id === reportId)!;
      const detail = await clientA.abuseReports.get(reportId, { account_id: a.accountId });
      for (const k of ['id', 'cdate', 'domain', 'status', 'type', 'mitigation_summary'] as const) {
        assert.deepEqual(found[k], detail[k], `list and get agree on ${k}`);
      }
      assert.equal(found.status, 'in_review');
      const second = reports.find((r) => r.id === secondId)!;
      assert.equal(second.status, 'accepted');
      assert.equal(second.domain, 'cdn.piratefilms.example');
      assert.equal(second.type, 'DMCA');
      assert.deepEqual(second.mitigation_summary, {
        accepted_url_count: 1,
        active_count: 0,
        external_host_notified: true,
        in_review_count: 0,
        pending_count: 0,
      });
      assert.ok(Date.parse(second.cdate) >= Date.parse(found.cdate));
      assert.equal(page.result_info.page, 1);
      assert.equal((page.result_info as { total_count?: number }).total_count, 2);

      const only = async (params: Omit<Cloudflare.AbuseReports.AbuseReportListParams, 'account_id'>) =>
        ((await clientA.abuseReports.list({ account_id: a.accountId, ...params })).result as unknown as ListPage).reports.map((r) => r.id);
      assert.deepEqual(await only({ status: 'in_review' }), [reportId]);
      assert.deepEqual(await only({ status: 'accepted' }), [secondId]);
      assert.deepEqual(await only({ domain: 'www.piratefilms.example' }), [reportId]);
      assert.deepEqual(await only({ sort: 'cdate,asc' }), [reportId, secondId], 'Cloudflare’s "property,order" sort');
      assert.deepEqual(await only({ sort: 'cdate,desc' }), [secondId, reportId]);
      assert.deepEqual(await only({ sort: 'domain,asc' }), [secondId, reportId], 'cdn.… before www.…');
      const badSort = await sdkError(clientA.abuseReports.list({ account_id: a.accountId, sort: 'origin,asc' }));
      assert.ok(badSort instanceof Cloudflare.BadRequestError);
      assert.equal((badSort.error as { success: boolean }).success, false);
      assert.match(firstMessage(badSort), /sort must be .*cdate,desc/);
      assert.deepEqual(await only({ type: 'PHISH' }), []);
      assert.deepEqual(await only({ created_after: new Date(Date.now() + 60_000).toISOString() }), []);
      assert.deepEqual(await only({ per_page: 1, page: 2 }), [reportId]);

      // Another reporter sees none of them.
      const bPage = await clientB.abuseReports.list({ account_id: b.accountId });
      assert.deepEqual((bPage.result as unknown as ListPage).reports, []);
      assert.equal((bPage.result_info as { total_count?: number }).total_count, 0);
    });

    test('validation errors come back as the SDK’s BadRequestError with the envelope and Cloudflare’s messages; nothing is filed', async () => {
      const before = ((await clientA.abuseReports.list({ account_id: a.accountId })).result as unknown as ListPage).reports.length;

      const missing = dmcaReport(a.accountId, [PROXIED_1]) as unknown as Record<string, unknown>;
      delete missing.name;
      delete missing.address1;
      delete missing.original_work;
      const e1 = await sdkError(clientA.abuseReports.create('abuse_dmca', missing as never));
      assert.ok(e1 instanceof Cloudflare.BadRequestError);
      assert.equal(e1.status, 400);
      const body1 = e1.error as {
        success: boolean;
        errors: { code: number; message: string }[];
        result: string;
        msg: string;
        request: { act: string };
        error_code: number;
      };
      assert.equal(body1.success, false);
      assert.equal(body1.result, 'error');
      assert.deepEqual(body1.request, { act: 'abuse_dmca' });
      assert.equal(typeof body1.error_code, 'number');
      assert.deepEqual(e1.errors, body1.errors, 'the SDK surfaces the envelope’s errors');
      for (const f of ['name', 'address1', 'original_work']) {
        assert.ok(
          e1.errors.some((x) => typeof x.code === 'number' && x.message.startsWith(`${f}:`)),
          `an error names ${f}: ${JSON.stringify(e1.errors)}`,
        );
        assert.match(body1.msg, new RegExp(`${f}:`));
      }

      const e2 = await sdkError(
        clientA.abuseReports.create('abuse_dmca', dmcaReport(a.accountId, [PROXIED_1], { email2: 'someone-else@harborpictures.test' })),
      );
      assert.ok(e2 instanceof Cloudflare.BadRequestError);
      assert.deepEqual(
        e2.errors.map((x) => x.message),
        ['email2: Provided emails did not match'],
      );

      const e3 = await sdkError(clientA.abuseReports.create('abuse_dmca', dmcaReport(a.accountId, [PROXIED_1], { agree: 0 })));
      assert.ok(e3 instanceof Cloudflare.BadRequestError);
      assert.equal(e3.errors.length, 1);
      assert.match(firstMessage(e3), /^agree: .*penalty of perjury/);

      const e4 = await sdkError(clientA.abuseReports.create('abuse_dmca', dmcaReport(a.accountId, [PROXIED_1], { signature: 'Somebody Else' })));
      assert.ok(e4 instanceof Cloudflare.BadRequestError);
      assert.deepEqual(
        e4.errors.map((x) => x.message?.split(':')[0]),
        ['signature'],
        JSON.stringify(e4.errors),
      );
      assert.match(firstMessage(e4), /full name/);

      const e5 = await sdkError(clientA.abuseReports.create('abuse_dmca', dmcaReport(a.accountId, [PROXIED_1], { act: 'abuse_general' })));
      assert.ok(e5 instanceof Cloudflare.BadRequestError);
      assert.match(firstMessage(e5), /act .* must equal the report type/);

      const after = ((await clientA.abuseReports.list({ account_id: a.accountId })).result as unknown as ListPage).reports.length;
      assert.equal(after, before, 'no rejected report was filed');
    });

    test('another reporter’s account id or report id: permission error and 404 through the SDK', async () => {
      // A's token on B's account.
      const e1 = await sdkError(clientA.abuseReports.list({ account_id: b.accountId }));
      assert.ok(e1 instanceof Cloudflare.PermissionDeniedError);
      assert.equal(e1.status, 403);
      assert.equal((e1.error as { success: boolean }).success, false);
      assert.equal(typeof e1.errors[0]!.code, 'number');
      assert.match(firstMessage(e1), new RegExp(a.accountId));
      const e2 = await sdkError(clientA.abuseReports.create('abuse_dmca', dmcaReport(b.accountId, [PROXIED_1])));
      assert.ok(e2 instanceof Cloudflare.PermissionDeniedError);
      const e3 = await sdkError(clientA.abuseReports.get(reportId, { account_id: b.accountId }));
      assert.ok(e3 instanceof Cloudflare.PermissionDeniedError);

      // B, on its own account, asking for A's report: as if it did not exist.
      const e4 = await sdkError(clientB.abuseReports.get(reportId, { account_id: b.accountId }));
      assert.ok(e4 instanceof Cloudflare.NotFoundError);
      assert.equal(e4.status, 404);
      assert.deepEqual((e4.error as { success: boolean; result: unknown }).success, false);
      assert.match(firstMessage(e4), /not found/);
      const unknown = await sdkError(clientA.abuseReports.get('00000000-0000-0000-0000-000000000000', { account_id: a.accountId }));
      assert.ok(unknown instanceof Cloudflare.NotFoundError);
      assert.deepEqual(
        unknown.errors.map((x) => x.code),
        e4.errors.map((x) => x.code),
        'someone else’s report and no report look the same',
      );
    });

    test('a missing or invalid token is rejected with AuthenticationError', async () => {
      const noToken = sdk(`${s.url}/client/v4`, null);
      const e1 = await sdkError(noToken.abuseReports.list({ account_id: a.accountId }));
      assert.ok(e1 instanceof Cloudflare.AuthenticationError);
      assert.equal(e1.status, 401);
      assert.equal((e1.error as { success: boolean }).success, false);
      assert.match(firstMessage(e1), /API token is required/);

      const bogus = sdk(`${s.url}/client/v4`, 'not-a-real-token');
      const e2 = await sdkError(bogus.abuseReports.get(reportId, { account_id: a.accountId }));
      assert.ok(e2 instanceof Cloudflare.AuthenticationError);
      assert.match(firstMessage(e2), /not valid or has been revoked/);
      const e3 = await sdkError(bogus.abuseReports.create('abuse_dmca', dmcaReport(a.accountId, [PROXIED_1])));
      assert.ok(e3 instanceof Cloudflare.AuthenticationError);
      assert.equal(typeof e3.errors[0]!.code, 'number');
    });
  });
}
