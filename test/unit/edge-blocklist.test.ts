import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildBlocklist,
  edgeKeyForUrl,
  nginxMapKey,
  nginxUri,
  renderNginxMap,
  safeBaseUrl,
  NGINX_MAX_KEY_BYTES,
  type BlocklistInput,
} from '../../src/domain/edge-blocklist.ts';
import { normaliseUrl } from '../../src/domain/url.ts';

const N1 = '11111111-1111-4111-8111-111111111111';
const N2 = '22222222-2222-4222-8222-222222222222';
const BASE = 'https://desk.example';

const input = (over: Partial<BlocklistInput> = {}): BlocklistInput => ({
  publicBaseUrl: BASE,
  urls: [
    { url: 'https://shop.example/b.mp4', noticeId: N2 },
    { url: 'https://shop.example/a.mp4', noticeId: N1 },
  ],
  terminatedZones: ['pirate.example'],
  courtOrderedDomains: [{ domain: 'court.example', orderId: 'case-1' }],
  ...over,
});

/** The key lines of one map block in a rendering. */
function mapBlock(text: string, variable: string): string[] {
  const start = text.split('\n').findIndex((l) => l.startsWith('map ') && l.includes(` ${variable} {`));
  assert.ok(start >= 0, `no map for ${variable}`);
  const out: string[] = [];
  for (const l of text.split('\n').slice(start + 1)) {
    if (l === '}') break;
    out.push(l.trim());
  }
  return out;
}

const key = (url: string) => {
  const k = edgeKeyForUrl(url);
  assert.ok(k.ok, `${url}: ${!k.ok ? k.why : ''}`);
  return k.key;
};

test('the version is a content hash: independent of input order and duplicates, different for different content', () => {
  const a = buildBlocklist(input());
  const b = buildBlocklist(
    input({
      urls: [
        { url: 'https://shop.example/a.mp4', noticeId: N1 },
        { url: 'https://shop.example/b.mp4', noticeId: N2 },
        { url: 'https://shop.example/a.mp4', noticeId: N2 }, // a second notice about the same URL
      ],
      terminatedZones: ['PIRATE.example.', 'pirate.example'],
    }),
  );
  assert.match(a.version, /^[0-9a-f]{64}$/);
  assert.equal(a.version, b.version);
  assert.deepEqual(a, b);
  assert.deepEqual(a.urls, [
    { url: 'https://shop.example/a.mp4', notice_id: N1 },
    { url: 'https://shop.example/b.mp4', notice_id: N2 },
  ]);
  assert.equal(renderNginxMap(a).text, renderNginxMap(b).text, 'the rendering is deterministic too');
  assert.notEqual(buildBlocklist(input({ terminatedZones: [] })).version, a.version);
  assert.notEqual(buildBlocklist(input({ courtOrderedDomains: [] })).version, a.version);
  assert.notEqual(buildBlocklist(input({ urls: [{ url: 'https://shop.example/a.mp4', noticeId: N1 }] })).version, a.version);
  assert.notEqual(
    buildBlocklist(
      input({
        urls: [
          { url: 'https://shop.example/a.mp4', noticeId: N2 },
          { url: 'https://shop.example/b.mp4', noticeId: N2 },
        ],
      }),
    ).version,
    a.version,
    'the notice behind a URL is content',
  );
  assert.notEqual(buildBlocklist(input({ publicBaseUrl: 'https://other.example' })).version, a.version);
  const empty = buildBlocklist({ publicBaseUrl: BASE, urls: [], terminatedZones: [] });
  assert.equal(empty.version, buildBlocklist({ publicBaseUrl: BASE + '/', urls: [], terminatedZones: [], courtOrderedDomains: [] }).version);
});

test('bad input is skipped with a reason, never rendered', () => {
  const doc = buildBlocklist(
    input({
      urls: [
        { url: 'https://shop.example/a.mp4', noticeId: 'not-a-uuid";' },
        { url: 'ftp://shop.example/x', noticeId: N1 },
        { url: 'no url at all', noticeId: N1 },
      ],
      terminatedZones: ['bad zone";}', ''],
      courtOrderedDomains: [{ domain: 'evil.example; include /etc/passwd' }],
    }),
  );
  assert.equal(doc.urls.length, 0);
  assert.deepEqual(doc.zones, []);
  assert.deepEqual(doc.domains, []);
  assert.equal(doc.counts.skipped, 6);
  const text = renderNginxMap(doc).text;
  for (const bad of ['not-a-uuid', 'bad zone', 'passwd', 'ftp:']) assert.ok(!text.includes(bad), `${bad} must not reach the file`);
});

test('keys follow nginx $uri: escapes decoded, dot segments resolved, slashes merged, ASCII lower-cased', () => {
  assert.equal(key('https://Shop.example/Sunrise.MP4'), 'shop.example/sunrise.mp4');
  assert.equal(key('https://shop.example'), 'shop.example/');
  assert.equal(key('https://shop.example:8443/a'), 'shop.example/a', 'the port is ignored');
  assert.equal(key('http://shop.example/a'), key('https://shop.example/a'), 'the scheme is ignored');
  assert.equal(key('https://shop.example/a%20b'), 'shop.example/a b');
  assert.equal(key('https://shop.example/a%2Fb'), 'shop.example/a/b', 'nginx decodes %2F into a separator');
  assert.equal(key('https://shop.example/a%2F..%2Fb'), 'shop.example/b');
  assert.equal(key('https://shop.example/a/%2E%2E/b'), 'shop.example/b');
  assert.equal(key('https://shop.example//a//b/'), 'shop.example/a/b/');
  assert.equal(key('https://shop.example/a/./b/.'), 'shop.example/a/b/');
  assert.equal(key('https://shop.example/a/b/..'), 'shop.example/a/');
  assert.equal(key('https://shop.example/a+b;c'), 'shop.example/a+b;c');
  for (const p of ['/.hidden', '/a/.b', '/a..b', '/a/..b/', '/a/b.', '/...'])
    assert.equal(key('https://shop.example' + p), 'shop.example' + p, `${p} has no dot segment`);
  assert.equal(key('https://shop.example./a'), 'shop.example/a', 'a trailing dot on the host');
  assert.equal(key('https://[2001:db8::1]:8080/a'), '[2001:db8::1]/a');
  assert.equal(key('https://shop.example/%3F'), 'shop.example/?', 'a decoded "?" belongs to the path');
  assert.equal(key('https://shop.example/caf%C3%A9'), 'shop.example/caf\u00c3\u00a9', 'bytes, as a latin1 string');
  assert.equal(key('https://shop.example/%C3%89'), 'shop.example/\u00c3\u0089', 'non-ASCII is not lower-cased (nginx lower-cases ASCII only)');
  // The query: none or empty blocks the path; otherwise path + exact query.
  assert.deepEqual(edgeKeyForUrl('https://shop.example/a?'), { ok: true, key: 'shop.example/a', query: false });
  assert.deepEqual(edgeKeyForUrl('https://shop.example/watch?v=AbC'), { ok: true, key: 'shop.example/watch?v=abc', query: true });
  assert.deepEqual(
    edgeKeyForUrl('https://shop.example/a%2Fb?x=%2F'),
    { ok: true, key: 'shop.example/a/b?x=%2f', query: true },
    'the query stays raw, like $args',
  );
});

test('normalised URLs and nginx agree: what a browser sends for the stored URL gives the same key', () => {
  for (const raw of [
    'https://shop.example/a b/ü.mp4',
    'https://SHOP.example/./x/../Film%2emp4',
    'https://shop.example/%7euser/',
    'https://shop.example/a?b=c d',
  ]) {
    const n = normaliseUrl(raw);
    assert.ok(n.ok);
    const k = edgeKeyForUrl(n.url);
    assert.ok(k.ok, raw);
  }
  const n = normaliseUrl('https://SHOP.example/./x/../Film%2emp4');
  assert.deepEqual(n, { ok: true, url: 'https://shop.example/Film.mp4', host: 'shop.example' });
  assert.equal(key(n.ok ? n.url : ''), key('https://shop.example/film%2Emp4'));
});

test('paths nginx refuses (400) are left out with the reason', () => {
  assert.deepEqual(nginxUri('/a%00b'), { ok: false, why: 'nginx answers 400 to an encoded NUL byte (%00)' });
  assert.equal(nginxUri('/a%zz').ok, false);
  assert.equal(nginxUri('/a%').ok, false);
  assert.equal(nginxUri('/..').ok, false);
  assert.equal(nginxUri('/a/../../b').ok, false);
  const doc = buildBlocklist(
    input({
      urls: [
        { url: 'https://shop.example/a%00b', noticeId: N1 },
        { url: 'https://shop.example/ok', noticeId: N1 },
      ],
    }),
  );
  const r = renderNginxMap(doc);
  assert.deepEqual(r.skipped, [{ url: 'https://shop.example/a%00b', why: 'nginx answers 400 to an encoded NUL byte (%00)' }]);
  assert.equal(r.counts.paths, 1);
});

test('injection: quotes, braces, semicolons, $, backslashes and line breaks cannot leave their string', () => {
  const attacks = [
    'https://shop.example/x%22;%7D%20server%20%7B%20listen%2080;%20%7D%20map%20$a%20$b%20%7B',
    'https://shop.example/x%22%20%22pwned%22;%0Ainclude%20/etc/passwd;%0A',
    'https://shop.example/x%5C%22;',
    'https://shop.example/x%5C',
    'https://shop.example/$host$request_uri',
    'https://shop.example/%7B%7D;#',
    'https://shop.example/q?a=%22&b=\\";}',
    'https://shop.example/%FF%FE%0D%0A%09',
    'https://shop.example/~*^regex$',
  ];
  const doc = buildBlocklist(input({ urls: attacks.map((url) => ({ url, noticeId: N1 })), terminatedZones: [], courtOrderedDomains: [] }));
  const r = renderNginxMap(doc);
  assert.deepEqual(r.skipped, []);
  const entries = [...mapBlock(r.text, '$safeharbor_block_path').slice(1), ...mapBlock(r.text, '$safeharbor_block').slice(1)];
  assert.equal(entries.length, attacks.length);
  // Every entry is exactly: one quoted key (only \\ and \" escapes; \xHH in regex keys), one
  // quoted UUID, a semicolon.
  const LINE = /^"((?:[^"\\\n\r]|\\[\\"])*)" "[0-9a-f-]{36}";$/;
  const REGEX_LINE = /^"~\*\^(?:[a-z0-9/]|\\x[0-9a-f]{2})*\$" "[0-9a-f-]{36}";$/;
  for (const e of entries) assert.match(e, e.startsWith('"~') ? REGEX_LINE : LINE);
  // Nothing but the generated structure: count the blocks and the lines outside strings.
  const outside = r.text.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  assert.equal((outside.match(/\{/g) ?? []).length - (outside.match(/#[^\n]*\{/g) ?? []).length, 4, 'four map blocks, no more');
  assert.ok(!/[\x00-\x08\x0b-\x1f\x7f]/.test(r.text), 'no control characters in the file');
  // Keys with raw control bytes or invalid UTF-8 are byte regexes.
  assert.deepEqual(nginxMapKey('shop.example/\xff\r\n'), { text: '"~*^shop\\x2eexample/\\xff\\x0d\\x0a$"', regex: true });
  assert.deepEqual(nginxMapKey('shop.example/a"b\\c'), { text: '"shop.example/a\\"b\\\\c"', regex: false });
  // A key never starts with ~ (a regex) or \: it starts with the host.
  for (const e of entries.filter((x) => !x.startsWith('"~*^'))) assert.match(e, /^"shop\.example\//);
});

test('the desk URL in Link values cannot carry nginx variables or quotes', () => {
  assert.equal(safeBaseUrl('https://desk.example/'), 'https://desk.example');
  assert.equal(safeBaseUrl('https://desk.example/a$b"c{d}?q=1#f'), 'https://desk.example/a%24b%22c%7Bd%7D');
  assert.equal(safeBaseUrl('http://[::1]:8080/x/'), 'http://[::1]:8080/x');
  assert.throws(() => safeBaseUrl('javascript:alert(1)'));
  assert.throws(() => safeBaseUrl('not a url'));
  const doc = buildBlocklist(input({ publicBaseUrl: 'https://desk.example/$host' }));
  const links = mapBlock(renderNginxMap(doc).text, '$safeharbor_blocked_by');
  assert.deepEqual(links, [
    'default "";',
    '"~^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$" "<https://desk.example/%24host/notices/$1/public>; rel=\\"blocked-by\\"";',
    '"terminated" "<https://desk.example/%24host/>; rel=\\"blocked-by\\"";',
    '"court-order" "<https://desk.example/%24host/>; rel=\\"blocked-by\\"";',
    '"~^court-order:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$" "<https://desk.example/%24host/court-orders/$1/public>; rel=\\"blocked-by\\"";',
  ]);
  assert.equal(doc.notice_url_template, 'https://desk.example/%24host/notices/{notice_id}/public');
});

test('the map: zones and court orders by hostname, paths, exact queries; case twins folded', () => {
  const doc = buildBlocklist(
    input({
      urls: [
        { url: 'https://shop.example/Film.mp4', noticeId: N1 },
        { url: 'https://shop.example/film.mp4', noticeId: N2 }, // nginx would refuse two equal keys
        { url: 'https://shop.example/watch?v=1', noticeId: N2 },
        { url: 'https://shop.example/watch?V=1', noticeId: N2 },
      ],
      courtOrderedDomains: [{ domain: 'court.example' }, { domain: 'Pirate.Example' }],
    }),
  );
  const r = renderNginxMap(doc);
  assert.deepEqual(mapBlock(r.text, '$safeharbor_block_host'), [
    'hostnames;',
    'default "";',
    '".pirate.example" "terminated";',
    '".court.example" "court-order";',
  ]);
  assert.deepEqual(mapBlock(r.text, '$safeharbor_block_path'), ['default $safeharbor_block_host;', `"shop.example/film.mp4" "${N1}";`]);
  assert.deepEqual(mapBlock(r.text, '$safeharbor_block'), ['default $safeharbor_block_path;', `"shop.example/watch?v=1" "${N2}";`]);
  assert.equal(r.counts.case_twins, 2);
  assert.match(r.text, /^map "\$host\$uri" \$safeharbor_block_path \{$/m);
  assert.match(r.text, /^map "\$host\$uri\?\$args" \$safeharbor_block \{$/m);
  assert.match(r.text, /^map_hash_bucket_size 1024;$/m);
});

test('a court-ordered domain with an order id links to the order; other order ids fall back to the desk', () => {
  const order = '0d7f4c1e-9b1a-4a57-8c39-2f6e1d0b7a11';
  const doc = buildBlocklist(
    input({
      terminatedZones: [],
      courtOrderedDomains: [
        { domain: 'examplepirate.example', orderId: order },
        { domain: 'other.example', orderId: 'case-1"; evil' },
      ],
    }),
  );
  assert.deepEqual(mapBlock(renderNginxMap(doc).text, '$safeharbor_block_host'), [
    'hostnames;',
    'default "";',
    `".examplepirate.example" "court-order:${order}";`,
    '".other.example" "court-order";',
  ]);
  assert.notEqual(
    doc.version,
    buildBlocklist(input({ terminatedZones: [], courtOrderedDomains: [{ domain: 'examplepirate.example', orderId: order }] })).version,
    'the version moves with the domains',
  );
});

test("hash sizes grow with the longest key; keys beyond nginx's token limit are left out", () => {
  const long = 'https://shop.example/' + 'a'.repeat(3000);
  const tooLong = 'https://shop.example/' + 'b'.repeat(NGINX_MAX_KEY_BYTES);
  const r = renderNginxMap(
    buildBlocklist(
      input({
        urls: [
          { url: long, noticeId: N1 },
          { url: tooLong, noticeId: N1 },
        ],
      }),
    ),
  );
  assert.match(r.text, /^map_hash_bucket_size 4096;$/m);
  assert.equal(r.skipped.length, 1);
  assert.equal(r.skipped[0]!.url, tooLong);
  const many = Array.from({ length: 5000 }, (_, i) => ({ url: `https://shop.example/${i}`, noticeId: N1 }));
  assert.match(renderNginxMap(buildBlocklist(input({ urls: many }))).text, /^map_hash_max_size 16384;$/m);
});
