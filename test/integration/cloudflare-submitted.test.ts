// The reporter's side of Cloudflare's Abuse Reports API (the SDK's abuseReports.submitted):
// what happened to each report a reporter filed, through the official SDK.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Cloudflare from 'cloudflare';
import { storeKinds } from '../support/stores.ts';
import { startTestServer, waitUntil, type TestServer } from '../support/server.ts';

const ZONES = `account_id,account_name,account_email,zone,mode,origin
c1,Stream Site,owner@streamsite.test,streamsite.example,proxied,1.1.1.1
c2,Hosted Pages,ops@hostedpages.test,hostedpages.example,hosted,198.51.100.9
`;

function dmcaReport(accountId: string, urls: string[]) {
  return {
    account_id: accountId,
    act: 'abuse_dmca' as const,
    name: 'Jane Doe',
    email: 'jane@harborpictures.test',
    email2: 'jane@harborpictures.test',
    address1: '1 Studio Way',
    city: 'Los Angeles',
    state: 'CA',
    country: 'US',
    agent_name: 'Harbor Pictures LLC',
    original_work: 'The feature film "Sunrise Over Harbor" (2025)',
    signature: 'Jane Doe',
    agree: 1 as const,
    urls: urls.join('\n'),
    host_notification: 'send' as const,
    owner_notification: 'send' as const,
  };
}

type SubmittedPage = {
  result: { reports: Array<{ id: string; status: string; denial_reason: string | null; domain: string }> };
  result_info: { total_count: number };
};

for (const kind of storeKinds()) {
  describe(`Cloudflare SDK: submitted reports (${kind} store)`, () => {
    let s: TestServer;
    let alice: { token: string; id: string; accountId: string };
    let client: Cloudflare;
    const file = async (urls: string[]) => {
      const res = await client.abuseReports.create('abuse_dmca', dmcaReport(alice.accountId, urls)).asResponse();
      return ((await res.json()) as { abuse_rand: string }).abuse_rand;
    };

    before(async () => {
      s = await startTestServer(kind);
      await s.loadZones(ZONES);
      alice = await s.reporter('alice@rights.test');
      client = new Cloudflare({ apiToken: alice.token, baseURL: `${s.url}/client/v4`, maxRetries: 0 });
    });
    after(async () => s?.close());

    test('status follows what was done: submitted while under review, accepted once acted on, denied when nothing is ours', async () => {
      const hosted = await file(['https://hostedpages.example/sunrise.mp4']);
      const proxied = await file(['https://streamsite.example/watch/sunrise']);
      const offNetwork = await file(['https://nowhere.example/a', 'https://elsewhere.example/b']);
      const list = await waitUntil(
        async () => (await client.abuseReports.submitted.list({ account_id: alice.accountId })) as unknown as SubmittedPage,
        (p) => p.result.reports.length === 3 && p.result.reports.every((r) => r.status !== 'submitted' || r.id === hosted),
        10_000,
        'all three processed',
      );
      const byId = new Map(list.result.reports.map((r) => [r.id, r]));
      assert.equal(list.result_info.total_count, 3);
      assert.deepEqual([byId.get(hosted)!.status, byId.get(hosted)!.denial_reason], ['submitted', null]);
      assert.deepEqual([byId.get(proxied)!.status, byId.get(proxied)!.denial_reason], ['accepted', null]);
      assert.deepEqual([byId.get(offNetwork)!.status, byId.get(offNetwork)!.denial_reason], ['denied', 'not_on_cloudflare']);

      // Staff reject the hosted URL: the report is denied, "unable to confirm".
      const r = await s.api(`/v1/notices/${hosted}/review`, {
        token: s.adminToken,
        body: { action: 'reject', reason: 'material_not_found', state: 'pending_review' },
      });
      assert.equal(r.status, 200);
      const one = await client.abuseReports.submitted.get(hosted, { account_id: alice.accountId });
      assert.equal(one.status, 'denied');
      assert.equal(one.denial_reason, 'unable_to_confirm');
      assert.deepEqual(one.urls, ['https://hostedpages.example/sunrise.mp4']);
      assert.equal(one.original_work, 'The feature film "Sunrise Over Harbor" (2025)');
      assert.equal(one.domain, 'hostedpages.example');
    });

    test('another reporter sees none of them', async () => {
      const bob = await s.reporter('bob@rights.test');
      const asBob = new Cloudflare({ apiToken: bob.token, baseURL: `${s.url}/client/v4`, maxRetries: 0 });
      const list = (await asBob.abuseReports.submitted.list({ account_id: bob.accountId })) as unknown as SubmittedPage;
      assert.deepEqual(list.result.reports, []);
      const alices = (await client.abuseReports.submitted.list({ account_id: alice.accountId })) as unknown as SubmittedPage;
      await assert.rejects(
        asBob.abuseReports.submitted.get(alices.result.reports[0]!.id, { account_id: bob.accountId }),
        (e: unknown) => e instanceof Cloudflare.NotFoundError,
      );
      await assert.rejects(asBob.abuseReports.submitted.list({ account_id: alice.accountId }), (e: unknown) => e instanceof Cloudflare.PermissionDeniedError);
    });
  });
}
