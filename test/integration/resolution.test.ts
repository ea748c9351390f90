// Resolution details over real HTTP: hostname origins through DNS (answered or failed), IPv6
// origins, what a reporter may see of the log, rate limits and the OpenAPI document.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { storeKinds } from '../support/stores.ts';
import { startTestServer, dmcaNotice, type TestServer } from '../support/server.ts';
import type { HostResolver } from '../../src/services/dns.ts';
import { configFromEnv } from '../../src/config.ts';

// The DNS of the test world: one name answers, one does not exist. The code under test is
// resolution and recording, not the system resolver.
const dns: HostResolver = {
  async resolve(host) {
    if (host === 'origin.hoster.example') return { ok: true, ips: ['192.0.2.10', '1.0.0.1'] };
    return { ok: false, error: `DNS lookup of ${host} failed: ENOTFOUND` };
  },
};

for (const kind of storeKinds()) {
  describe(`resolution details (${kind} store)`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(kind, { dns, config: { rateLimitPerMinute: 40 } });
      await s.loadZones(
        'account_id,account_name,account_email,zone,mode,origin\n' +
          'a1,Named Origin,o1@named.test,named.example,proxied,origin.hoster.example\n' +
          'a2,Lost Origin,o2@lost.test,lost.example,proxied,gone.hoster.example\n' +
          'a3,Six Origin,o3@six.test,six.example,proxied,2606:4700:4700::1111\n',
      );
    });
    after(async () => s?.close());

    test('a hostname origin is resolved by DNS and placed; a failed lookup is recorded, not a crash', async () => {
      const { token } = await s.reporter();
      const res = await s.api('/v1/notices', { token, body: dmcaNotice(['https://www.named.example/a', 'https://lost.example/b', 'https://six.example/c']) });
      assert.equal(res.status, 201);
      const [named, lost, six] = res.body.items;
      assert.equal(named.state, 'forwarded');
      assert.deepEqual(named.hosting_provider, { name: 'Cloudflare, Inc.', asn: 13335, abuse_email: null }, 'the first public address with a known network');
      assert.equal(lost.state, 'forwarded', 'the owner still gets the notice');
      assert.equal(lost.hosting_provider, null);
      assert.equal(six.hosting_provider.asn, 13335);
      const rows = await s.store.db
        .selectFrom('notice_items')
        .select(['zone', 'origin', 'origin_ips', 'origin_resolution'])
        .where('notice_id', '=', res.body.id)
        .orderBy('position')
        .execute();
      assert.deepEqual(
        rows.map((r) => [r.origin, r.origin_ips, r.origin_resolution]),
        [
          ['origin.hoster.example', ['192.0.2.10', '1.0.0.1'], 'dns'],
          ['gone.hoster.example', [], 'dns_failed'],
          ['2606:4700:4700::1111', ['2606:4700:4700::1111'], 'ip'],
        ],
      );
      const staffView = await s.api(`/v1/notices/${res.body.id}/events`, { token: s.adminToken });
      const failed = staffView.body.events.find((e: { type: string; data: { dns_error?: string } | null }) => e.type === 'item.resolved' && e.data?.dns_error);
      assert.match(failed.data.dns_error, /gone\.hoster\.example failed: ENOTFOUND/);
      assert.equal(failed.after.account_id, 'a2');

      const reporterView = await s.api(`/v1/notices/${res.body.id}/events`, { token });
      const text = JSON.stringify(reporterView.body);
      assert.ok(!text.includes('hoster.example') && !text.includes('192.0.2.10') && !text.includes('2606:4700'), 'no origin in the reporter timeline');
      assert.ok(!text.includes('"account_id"'), 'no account ids in the reporter timeline');
      assert.ok(!text.includes('o1@named.test'), 'no customer e-mail in the reporter timeline');
    });

    test('the OpenAPI 3.1 document describes the API and the notice schema', async () => {
      const res = await s.api('/openapi.json');
      assert.equal(res.status, 200);
      assert.equal(res.body.openapi, '3.1.0');
      for (const p of [
        '/v1/notices',
        '/v1/notices/{id}',
        '/v1/notices/{id}/events',
        '/v1/principals',
        '/client/v4/accounts/{account_id}/abuse-reports/{report_type}',
      ]) {
        assert.ok(res.body.paths[p], p);
      }
      // One schema per kind, told apart by kind; which elements each needs depends on its regime, so
      // the document lists every field and the 422 names what is missing.
      const variants = res.body.components.schemas.ReportInput.oneOf as { properties: Record<string, { const?: string }>; required: string[] }[];
      assert.deepEqual(variants.map((v) => v.properties.kind!.const).sort(), [
        'copyright',
        'csam',
        'general',
        'ncsei',
        'phishing',
        'threat',
        'trademark',
        'whois',
      ]);
      for (const v of variants) assert.deepEqual(v.required.sort(), ['kind', 'urls']);
      const copyright = variants.find((v) => v.properties.kind!.const === 'copyright')!;
      for (const f of ['work', 'claimant', 'statements', 'signature', 'notify', 'regime']) assert.ok(copyright.properties[f], f);
      const trademark = variants.find((v) => v.properties.kind!.const === 'trademark')!;
      assert.ok(trademark.properties.trademark && !trademark.properties.work);
    });

    test('each caller is rate limited on its own, with a clear 429', async () => {
      const a = await s.reporter();
      const b = await s.reporter();
      const statuses: number[] = [];
      for (let i = 0; i < 45; i++) statuses.push((await s.api('/v1/notices?limit=1', { token: a.token })).status);
      assert.ok(statuses.slice(0, 35).every((x) => x === 200));
      const limited = await s.api('/v1/notices?limit=1', { token: a.token });
      assert.equal(limited.status, 429);
      assert.match(limited.body.errors[0].message, /rate limit of 40 requests per minute exceeded/);
      assert.equal((await s.api('/v1/notices?limit=1', { token: b.token })).status, 200, 'another caller is not affected');
      assert.equal((await s.api('/healthz')).status, 200);
    });

    test('guessed tokens share the allowance of the address they come from: a new guess does not start afresh', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 45; i++) statuses.push((await s.api('/v1/notices?limit=1', { token: `sh_guess_${i}_${Math.random()}` })).status);
      assert.ok(
        statuses.slice(0, 35).every((x) => x === 401),
        'a wrong token is refused',
      );
      assert.ok(
        statuses.slice(40).every((x) => x === 429),
        `after 40 guesses from one address they are limited: ${statuses.join(',')}`,
      );
      const anonymous = await s.api('/v1/notices?limit=1');
      assert.equal(anonymous.status, 429, 'the same address without a token shares that allowance');
      const b = await s.reporter();
      assert.equal((await s.api('/v1/notices?limit=1', { token: b.token })).status, 200, 'a valid token from that address has its own');
    });
  });
}

describe('callers behind a load balancer (SAFEHARBOR_TRUSTED_PROXIES)', () => {
  const guesses = async (s: TestServer, forwardedFor: string, n: number) => {
    const statuses: number[] = [];
    for (let i = 0; i < n; i++) statuses.push((await s.api('/v1/notices?limit=1', { headers: { 'x-forwarded-for': forwardedFor } })).status);
    return statuses;
  };

  test('with the balancer trusted, each forwarded address has its own allowance', async () => {
    const s = await startTestServer('embedded', { config: { rateLimitPerMinute: 5, trustedProxies: ['127.0.0.1', '::1'] } });
    try {
      assert.deepEqual(await guesses(s, '198.51.100.7', 6), [401, 401, 401, 401, 401, 429]);
      assert.deepEqual(await guesses(s, '198.51.100.8', 1), [401], 'another caller behind the same balancer is not limited');
    } finally {
      await s.close();
    }
  });

  test('without it, X-Forwarded-For is not believed: a caller cannot pick a fresh address for each request', async () => {
    const s = await startTestServer('embedded', { config: { rateLimitPerMinute: 5 } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push(...(await guesses(s, `198.51.100.${i + 1}`, 1)));
      assert.deepEqual(statuses, [401, 401, 401, 401, 401, 429]);
    } finally {
      await s.close();
    }
  });

  test('a mistyped proxy is refused at start, naming the variable', () => {
    assert.deepEqual(configFromEnv({ SAFEHARBOR_TRUSTED_PROXIES: '10.0.0.0/8, 192.0.2.1' }).trustedProxies, ['10.0.0.0/8', '192.0.2.1']);
    assert.deepEqual(configFromEnv({}).trustedProxies, []);
    assert.throws(() => configFromEnv({ SAFEHARBOR_TRUSTED_PROXIES: '10.0.0.0/33' }), /SAFEHARBOR_TRUSTED_PROXIES: "10.0.0.0\/33" is neither/);
  });
});
