// Hostile input at every intake route, over real HTTP (fast-check, fixed seed): random JSON and
// notices full of hostile URLs to the native and Cloudflare-compatible APIs, invalid UTF-8,
// nesting bombs, bodies over the limit, random forms and CSV files. Every answer is a 2xx or a
// 4xx with the errors shape — never a 5xx, never a dropped connection — and the server still
// serves afterwards.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import fc from 'fast-check';
import { storeKinds } from '../support/stores.ts';
import { dmcaNotice, startTestServer, type TestServer } from '../support/server.ts';

const SEED = 20261207;
const hostileText = fc
  .array(
    fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), fc.constantFrom('\u0000', '\ud800', '\u202e', '%00', '\r\n', '../', '%2e%2e/', '@', '[::1]', '\\')),
    { maxLength: 12 },
  )
  .map((a) => a.join(''));
const hostileUrl = fc.oneof(
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.tuple(fc.constantFrom('http://', 'https://', 'javascript:', 'file://', '//', ''), hostileText, fc.domain(), hostileText).map((p) => p.join('')),
  fc.ipV6().map((ip) => `http://[${ip}]/x`),
  fc.ipV4Extended().map((ip) => `http://${ip}/`),
);

/** A raw request whose body is exactly these bytes (fetch would re-encode a string). */
function rawPost(url: string, path: string, body: Buffer, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, url), { method: 'POST', headers: { ...headers, 'content-length': String(body.length) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function assertAnswered(what: string, status: number, text: string) {
  assert.ok(status < 500, `${what}: ${status} ${text.slice(0, 300)}`);
  if (status >= 400 && status !== 404) {
    const body = JSON.parse(text) as { errors?: { message?: string }[] };
    assert.ok(Array.isArray(body.errors) && body.errors.length > 0, `${what}: a ${status} says what is wrong: ${text.slice(0, 200)}`);
  }
}

for (const kind of storeKinds()) {
  describe(`hostile input at the intake routes (${kind} store)`, () => {
    let s: TestServer;
    let reporter: { token: string; accountId: string };
    before(async () => {
      // Thousands of requests from one token: the rate limit is not what is tested here.
      s = await startTestServer(kind, { config: { rateLimitPerMinute: 1_000_000 } });
      await s.loadZones('account_id,account_name,account_email,zone,mode,origin\na1,A,a@a.test,shop.example,proxied,203.0.113.5\n');
      reporter = await s.reporter();
    });
    after(async () => s?.close());

    test('random JSON bodies to POST /v1/notices are refused field by field, never a 5xx', async () => {
      await fc.assert(
        fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (value) => {
          const r = await s.api('/v1/notices', { token: reporter.token, body: JSON.stringify(value) });
          assertAnswered(`POST /v1/notices ${JSON.stringify(value).slice(0, 100)}`, r.status, JSON.stringify(r.body));
          assert.notEqual(r.status, 201, 'random JSON is not a notice');
        }),
        { seed: SEED, numRuns: 150 },
      );
    });

    test('valid notices full of hostile URLs are filed with each URL judged, or refused with the URL named', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.oneof(hostileUrl, fc.constant('https://shop.example/film')), { minLength: 1, maxLength: 25 }), async (urls) => {
          const r = await s.api('/v1/notices', { token: reporter.token, body: dmcaNotice(urls) });
          assertAnswered('POST /v1/notices (hostile URLs)', r.status, JSON.stringify(r.body));
          if (r.status === 201) {
            const counted = Object.values(r.body.counts as Record<string, number>).reduce((a, b) => a + b, 0);
            assert.ok(counted >= 1 && counted <= urls.length, 'every item comes from a submitted URL');
          } else
            assert.ok(
              (r.body.errors as { field: string }[]).some((e) => e.field.startsWith('urls')),
              JSON.stringify(r.body),
            );
        }),
        { seed: SEED, numRuns: 60 },
      );
    });

    test('random JSON to the Cloudflare-compatible API gets its error envelope, never a 5xx', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('abuse_dmca', 'abuse_phishing', 'abuse_general', 'abuse_trademark', 'nonsense'),
          fc.jsonValue({ maxDepth: 3 }),
          async (type, value) => {
            const r = await s.api(`/client/v4/accounts/${reporter.accountId}/abuse-reports/${type}`, { token: reporter.token, body: JSON.stringify(value) });
            assert.ok(r.status < 500, `${type}: ${r.status}`);
            if (r.status >= 400) assert.equal(r.body.success, false, JSON.stringify(r.body));
          },
        ),
        { seed: SEED, numRuns: 100 },
      );
    });

    test('invalid UTF-8, nesting bombs, wrong media types and bodies over the limit are refused with a reason', async () => {
      const auth = { authorization: `Bearer ${reporter.token}` };
      const json = { ...auth, 'content-type': 'application/json' };
      const cases: [string, Buffer, Record<string, string>, number[]][] = [
        [
          'invalid UTF-8',
          Buffer.from([0x7b, 0x22, 0x75, 0x72, 0x6c, 0x73, 0x22, 0x3a, 0x5b, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x5d, 0x7d]),
          json,
          [400, 422],
        ],
        ['a nesting bomb', Buffer.from('['.repeat(200_000) + ']'.repeat(200_000)), json, [400, 413, 422]],
        ['an object nesting bomb', Buffer.from('{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000)), json, [400, 413, 422]],
        ['truncated JSON', Buffer.from('{"urls":["https://shop.example/x"'), json, [400]],
        [
          'a prototype-pollution body',
          Buffer.from('{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}},"urls":["https://shop.example/p"]}'),
          json,
          [400, 422],
        ],
        ['XML sent as JSON', Buffer.from('<?xml version="1.0"?><!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>'), json, [400]],
        ['an unknown media type', Buffer.from('urls=x'), { ...auth, 'content-type': 'application/x-unknown' }, [415]],
      ];
      for (const [what, body, headers, expected] of cases) {
        const r = await rawPost(s.url, '/v1/notices', body, headers);
        assert.ok(expected.includes(r.status), `${what}: ${r.status} ${r.text.slice(0, 200)}`);
        assertAnswered(what, r.status, r.text);
      }
      const huge = await new Promise<{ status: number; text: string }>((resolve, reject) => {
        // Claims more than the 256 MB limit: refused from the header, before the body is read.
        const req = request(new URL('/v1/notices', s.url), { method: 'POST', headers: { ...json, 'content-length': String(300 * 1024 * 1024) } }, (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode!, text }));
        });
        req.on('error', reject);
        req.write('{"urls":[');
      });
      assert.equal(huge.status, 413);
      assert.match(huge.text, /larger than the 256 MB/);
    });

    test('random forms at the report form and random CSV at the zone import are answered, never a 5xx', async () => {
      // A real form session: the CSRF cookie and token from the form page, so the random fields reach the form's own checks.
      const page = await fetch(`${s.url}/report?kind=copyright&regime=dmca`);
      const cookie = page.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
      const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
      await fc.assert(
        fc.asyncProperty(
          fc.dictionary(
            fc.oneof(fc.constantFrom('kind', 'regime', 'urls', 'work_description', 'claimant_name', 'claimant_email', 'signature'), hostileText),
            hostileText,
            { maxKeys: 8 },
          ),
          async (form) => {
            const body = new URLSearchParams({ kind: 'copyright', regime: 'dmca', ...form, _csrf: csrf }).toString();
            const res = await fetch(`${s.url}/report`, {
              method: 'POST',
              headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
              body,
              redirect: 'manual',
            });
            assert.ok(res.status < 500, `POST /report: ${res.status}`);
            assert.notEqual(res.status, 403, 'the form was checked, not refused for its token');
          },
        ),
        { seed: SEED, numRuns: 60 },
      );
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.oneof(
              hostileText,
              fc.constant('account_id,account_name,account_email,zone,mode,origin'),
              fc.constant('a2,B,b@b.test,x.example,proxied,1.2.3.4'),
            ),
            { maxLength: 8 },
          ),
          async (lines) => {
            const res = await fetch(`${s.url}/v1/zones/import`, {
              method: 'POST',
              headers: { authorization: `Bearer ${s.adminToken}`, 'content-type': 'text/csv' },
              body: lines.join('\n'),
            });
            const text = await res.text();
            assertAnswered('POST /v1/zones/import', res.status, text);
          },
        ),
        { seed: SEED, numRuns: 60 },
      );
      const health = await s.api('/healthz');
      assert.equal(health.status, 200);
    });
  });
}
