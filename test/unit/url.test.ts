import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_URL_LENGTH, normaliseHost, normaliseUrl, type UrlVerdict } from '../../src/domain/url.ts';

function accepts(input: string, url: string, host: string): void {
  assert.deepEqual(normaliseUrl(input), { ok: true, url, host } satisfies UrlVerdict, `input ${JSON.stringify(input)}`);
}

function rejects(input: string, reason: string): void {
  assert.deepEqual(normaliseUrl(input), { ok: false, reason } satisfies UrlVerdict, `input ${JSON.stringify(input)}`);
}

test('accepts a plain http and https URL unchanged', () => {
  accepts('http://example.com/', 'http://example.com/', 'example.com');
  accepts('https://example.com/a/b.html?x=1', 'https://example.com/a/b.html?x=1', 'example.com');
});

test('trims surrounding whitespace, angle brackets and quotes', () => {
  accepts('   https://example.com/a  ', 'https://example.com/a', 'example.com');
  accepts('\n\thttps://example.com/a \r\n', 'https://example.com/a', 'example.com');
  accepts('<https://example.com/a>', 'https://example.com/a', 'example.com');
  accepts('  < https://example.com/a >  ', 'https://example.com/a', 'example.com');
  accepts('"https://example.com/a"', 'https://example.com/a', 'example.com');
  accepts("'https://example.com/a'", 'https://example.com/a', 'example.com');
  accepts('`https://example.com/a`', 'https://example.com/a', 'example.com');
  accepts('\u201Chttps://example.com/a\u201D', 'https://example.com/a', 'example.com');
  accepts('\u2018https://example.com/a\u2019', 'https://example.com/a', 'example.com');
  accepts('\u00ABhttps://example.com/a\u00BB', 'https://example.com/a', 'example.com');
  accepts('<"https://example.com/a">', 'https://example.com/a', 'example.com');
  accepts('\u00A0https://example.com/a\u00A0', 'https://example.com/a', 'example.com');
});

test('a URL without a scheme is taken as http', () => {
  accepts('example.com/path', 'http://example.com/path', 'example.com');
  accepts('www.example.com', 'http://www.example.com/', 'www.example.com');
  accepts('Example.COM/Path?q=1', 'http://example.com/Path?q=1', 'example.com');
  accepts('example.com:8080/x', 'http://example.com:8080/x', 'example.com');
  accepts('example.com:8080', 'http://example.com:8080/', 'example.com');
  accepts('//example.com/x', 'http://example.com/x', 'example.com');
});

test('rejects schemes other than http and https, naming the scheme', () => {
  for (const [input, scheme] of [
    ['ftp://example.com/file.zip', 'ftp:'],
    ['javascript:alert(1)', 'javascript:'],
    ['JaVaScRiPt:alert(1)', 'javascript:'],
    ['data:text/html,<b>x</b>', 'data:'],
    ['file:///etc/passwd', 'file:'],
    ['mailto:abuse@example.com', 'mailto:'],
    ['ws://example.com/socket', 'ws:'],
    ['blob:https://example.com/uuid', 'blob:'],
  ] as const) {
    rejects(input, `unsupported scheme "${scheme}": only http and https URLs can be acted on`);
  }
});

test('scheme is case-insensitive and lower-cased, host is lower-cased, path case is kept', () => {
  accepts('HTTP://EXAMPLE.COM/Some/Path', 'http://example.com/Some/Path', 'example.com');
  accepts('HtTpS://WWW.Example.Com/A?B=C', 'https://www.example.com/A?B=C', 'www.example.com');
});

test('rejects empty input', () => {
  rejects('', 'empty: no URL was given');
  rejects('   \n\t ', 'empty: no URL was given');
  rejects('<>', 'empty: no URL was given');
  rejects('""', 'empty: no URL was given');
});

test('rejects input without a host', () => {
  rejects('http://', 'no host: the URL has no domain name or IP address');
  rejects('https:///', 'no host: the URL has no domain name or IP address');
  rejects('http:', 'no host: the URL has no domain name or IP address');
  rejects('http://user:pass@/', 'no host: the URL has no domain name or IP address');
  rejects('/just/a/path', 'no host: "/just/a/path" is a relative address; give the full URL including the domain name, e.g. https://example.com/page');
  rejects('?q=1', 'no host: "?q=1" is a relative address; give the full URL including the domain name, e.g. https://example.com/page');
});

test('rejects an email address pasted instead of a URL', () => {
  rejects('abuse@example.com', '"abuse@example.com" looks like an email address, not a web address');
});

test('rejects whitespace inside the host', () => {
  rejects('http://exa mple.com/', 'host "exa mple.com" contains whitespace');
  rejects('exa mple.com/x', 'host "exa mple.com" contains whitespace');
  rejects('http://example.com /path', 'host "example.com " contains whitespace');
  rejects('http://a\u00A0b.com/', 'host "a\u00A0b.com" contains whitespace');
  rejects('http://a\u3000b.com/', 'host "a\u3000b.com" contains whitespace');
  rejects('http://a%20b.com/', 'host "a%20b.com" contains whitespace');
});

test('rejects line breaks, tabs and control characters anywhere', () => {
  const lineBreak = 'URL contains a line break or tab: paste it on a single line';
  rejects('http://exam\nple.com/', lineBreak);
  rejects('http://example.com/a\nb', lineBreak);
  rejects('http://example.com/a\r\nb', lineBreak);
  rejects('http://example.com/a\tb', lineBreak);
  rejects('http://example.com/a\u2028b', lineBreak);
  rejects('http://example.com/\u0000', 'URL contains the control character U+0000');
  rejects('http://example.com/\u0001x', 'URL contains the control character U+0001');
  rejects('http://example.com/\u007F', 'URL contains the control character U+007F');
  rejects('http://example.com/\u0085', 'URL contains the control character U+0085');
});

test('spaces in the path are percent-encoded as a browser does', () => {
  accepts('http://example.com/a b/c', 'http://example.com/a%20b/c', 'example.com');
});

test('rejects hosts that are not valid DNS names or IP addresses', () => {
  rejects('http://a<b.com/', 'host "a<b.com" contains "<", which is not allowed in a domain name');
  rejects('http://a^b.com/', 'host "a^b.com" contains "^", which is not allowed in a domain name');
  rejects('http://a!b.com/', 'host "a!b.com" contains "!", which is not allowed in a domain name');
  rejects('http://a*b.com/', 'host "a*b.com" contains "*", which is not allowed in a domain name');
  rejects('http://a..b.com/', 'host "a..b.com" has an empty label (two dots in a row, or a leading dot)');
  rejects('http://.example.com/', 'host ".example.com" has an empty label (two dots in a row, or a leading dot)');
  rejects('http://-a.com/', 'host "-a.com" has a label that begins or ends with a hyphen: "-a"');
  rejects('http://a-.example.com/', 'host "a-.example.com" has a label that begins or ends with a hyphen: "a-"');
  rejects('http://a_b.c_m/', 'host "a_b.c_m" has an invalid top-level label "c_m"');
  rejects('http://xn--zz.com/', 'host "xn--zz.com" is not a valid internationalised domain name');
  rejects('http://a%zz.com/', 'host "a%zz.com" contains an invalid percent-encoded sequence');
  const label64 = 'a'.repeat(64);
  rejects(`http://www.${label64}.com/`, `host "www.${label64}.com" has a label of 64 characters; the DNS limit is 63`);
  const long = 'abcdefghi.'.repeat(26) + 'com'; // 263 characters
  rejects(`http://${long}/`, 'host name is too long (263 characters; the DNS limit is 253)');
});

test('accepts DNS names at the limits and names with underscores', () => {
  const label63 = 'a'.repeat(63);
  accepts(`http://${label63}.com/`, `http://${label63}.com/`, `${label63}.com`);
  const host253 = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(57)}.com`;
  assert.equal(host253.length, 253);
  accepts(`http://${host253}/`, `http://${host253}/`, host253);
  accepts('http://my_site.example.com/', 'http://my_site.example.com/', 'my_site.example.com');
  accepts('http://a--b.example.com/', 'http://a--b.example.com/', 'a--b.example.com');
});

test('rejects single-label hosts and bare public suffixes', () => {
  rejects('http://localhost/', 'host "localhost" is a single label, not a public domain name such as example.com');
  rejects('localhost:8080', 'host "localhost" is a single label, not a public domain name such as example.com');
  rejects('http://intranet/x', 'host "intranet" is a single label, not a public domain name such as example.com');
  rejects('http://com/', 'host "com" is a public suffix (like "com" or "co.uk"), not a website: give the full domain name, e.g. example.com');
  rejects('https://co.uk/', 'host "co.uk" is a public suffix (like "com" or "co.uk"), not a website: give the full domain name, e.g. example.co.uk');
  rejects('http://CO.UK./x', 'host "co.uk" is a public suffix (like "com" or "co.uk"), not a website: give the full domain name, e.g. example.co.uk');
  rejects('http://gov.uk/', 'host "gov.uk" is a public suffix (like "com" or "co.uk"), not a website: give the full domain name, e.g. example.gov.uk');
  // Wildcard rule *.ck: foo.ck is itself a public suffix, www.ck is an exception.
  rejects('http://foo.ck/', 'host "foo.ck" is a public suffix (like "com" or "co.uk"), not a website: give the full domain name, e.g. example.foo.ck');
  accepts('http://www.ck/', 'http://www.ck/', 'www.ck');
});

test('registrable domains, private-section suffixes and unknown TLDs are accepted', () => {
  accepts('http://example.co.uk/', 'http://example.co.uk/', 'example.co.uk');
  accepts('http://www.example.co.uk/', 'http://www.example.co.uk/', 'www.example.co.uk');
  // github.io is in the private section of the PSL: a real site, not rejected.
  accepts('https://github.io/', 'https://github.io/', 'github.io');
  accepts('https://someone.github.io/repo', 'https://someone.github.io/repo', 'someone.github.io');
  accepts('http://example.zzzz/', 'http://example.zzzz/', 'example.zzzz');
});

test('IDN hosts become punycode', () => {
  accepts('http://bücher.example/', 'http://xn--bcher-kva.example/', 'xn--bcher-kva.example');
  accepts('http://BÜCHER.example/', 'http://xn--bcher-kva.example/', 'xn--bcher-kva.example');
  accepts('http://xn--bcher-kva.example/', 'http://xn--bcher-kva.example/', 'xn--bcher-kva.example');
  accepts('http://例え.テスト/パス', 'http://xn--r8jz45g.xn--zckzah/%E3%83%91%E3%82%B9', 'xn--r8jz45g.xn--zckzah');
  accepts('http://example\u3002com/', 'http://example.com/', 'example.com'); // ideographic full stop
});

test('strips trailing dots from the host', () => {
  accepts('http://example.com./', 'http://example.com/', 'example.com');
  accepts('http://example.com../a', 'http://example.com/a', 'example.com');
  accepts('http://example.com.:8080/', 'http://example.com:8080/', 'example.com');
});

test('drops default ports and keeps others', () => {
  accepts('http://example.com:80/a', 'http://example.com/a', 'example.com');
  accepts('https://example.com:443/a', 'https://example.com/a', 'example.com');
  accepts('http://example.com:443/a', 'http://example.com:443/a', 'example.com');
  accepts('https://example.com:80/a', 'https://example.com:80/a', 'example.com');
  accepts('http://example.com:8080/a', 'http://example.com:8080/a', 'example.com');
  accepts('http://example.com:08080/a', 'http://example.com:8080/a', 'example.com');
  accepts('http://example.com:/a', 'http://example.com/a', 'example.com');
  accepts('http://example.com:65535/', 'http://example.com:65535/', 'example.com');
});

test('rejects invalid ports', () => {
  rejects('http://example.com:0/', 'invalid port "0": a port must be a number from 1 to 65535');
  rejects('http://example.com:65536/', 'invalid port "65536": a port must be a number from 1 to 65535');
  rejects('http://example.com:99999/', 'invalid port "99999": a port must be a number from 1 to 65535');
  rejects('http://example.com:http/', 'invalid port "http": a port must be a number from 1 to 65535');
  rejects('http://example.com:-1/', 'invalid port "-1": a port must be a number from 1 to 65535');
  rejects('example.com:abc/', 'invalid port "abc": a port must be a number from 1 to 65535');
});

test('drops the fragment', () => {
  accepts('http://example.com/a#section-2', 'http://example.com/a', 'example.com');
  accepts('http://example.com/a#', 'http://example.com/a', 'example.com');
  accepts('http://example.com/a?x=1#frag?y', 'http://example.com/a?x=1', 'example.com');
  accepts('http://example.com#top', 'http://example.com/', 'example.com');
});

test('drops userinfo, using the real host after the last @', () => {
  accepts('http://user:pass@example.com/a', 'http://example.com/a', 'example.com');
  accepts('http://user@example.com/a', 'http://example.com/a', 'example.com');
  accepts('http://@example.com/a', 'http://example.com/a', 'example.com');
  accepts('http://a@b@example.com/a', 'http://example.com/a', 'example.com');
  // The classic deception: the host is evil.example, not trusted.example.
  accepts('http://trusted.example.com@evil.example/a', 'http://evil.example/a', 'evil.example');
});

test('percent-encoding: upper-case hex, decode unreserved, keep the rest', () => {
  accepts('http://example.com/%7euser/%41%42%43', 'http://example.com/~user/ABC', 'example.com');
  accepts('http://example.com/a%2db%2ec%5fd%7Ee', 'http://example.com/a-b.c_d~e', 'example.com');
  accepts('http://example.com/%30%39%61%7A', 'http://example.com/09az', 'example.com');
  accepts('http://example.com/a%2fb', 'http://example.com/a%2Fb', 'example.com');
  accepts('http://example.com/a%2Fb', 'http://example.com/a%2Fb', 'example.com');
  accepts('http://example.com/%3a%40%21%24%26', 'http://example.com/%3A%40%21%24%26', 'example.com');
  accepts('http://example.com/100%25', 'http://example.com/100%25', 'example.com');
  accepts('http://example.com/%c3%a9', 'http://example.com/%C3%A9', 'example.com');
  accepts('http://example.com/\u00e9', 'http://example.com/%C3%A9', 'example.com');
  accepts('http://example.com/%20', 'http://example.com/%20', 'example.com');
  // A % that does not start an escape is left alone, as browsers send it.
  accepts('http://example.com/50%/%zz', 'http://example.com/50%/%zz', 'example.com');
  // The query gets the same treatment.
  accepts('http://example.com/?q=%7e%2f%c3%a9', 'http://example.com/?q=~%2F%C3%A9', 'example.com');
  // Escapes in the host are decoded by the URL parser.
  accepts('http://ex%41mple.com/', 'http://example.com/', 'example.com');
});

test('keeps the query string as is: order, repeats, plus signs and an empty query', () => {
  accepts('http://example.com/p?b=2&a=1&b=3', 'http://example.com/p?b=2&a=1&b=3', 'example.com');
  accepts('http://example.com/p?q=a+b&empty=&flag', 'http://example.com/p?q=a+b&empty=&flag', 'example.com');
  accepts('http://example.com/p?', 'http://example.com/p?', 'example.com');
  accepts('http://example.com?x=1', 'http://example.com/?x=1', 'example.com');
});

test('resolves . and .. path segments, including encoded ones', () => {
  accepts('http://example.com/a/./b/../c', 'http://example.com/a/c', 'example.com');
  accepts('http://example.com/../../x', 'http://example.com/x', 'example.com');
  accepts('http://example.com/a/b/..', 'http://example.com/a/', 'example.com');
  accepts('http://example.com/a/%2e%2E/b', 'http://example.com/b', 'example.com');
  accepts('http://example.com/a/.%2e/b', 'http://example.com/b', 'example.com');
  // A dot that is part of a name is not a segment.
  accepts('http://example.com/a%2E%2E/b', 'http://example.com/a../b', 'example.com');
});

test('an empty path becomes /', () => {
  accepts('http://example.com', 'http://example.com/', 'example.com');
  accepts('https://example.com:8443', 'https://example.com:8443/', 'example.com');
});

test('IPv4 literal hosts are accepted in canonical dotted-quad form', () => {
  accepts('http://192.0.2.1/a', 'http://192.0.2.1/a', '192.0.2.1');
  accepts('http://192.0.2.1:8080/', 'http://192.0.2.1:8080/', '192.0.2.1');
  accepts('http://0xC0.0.2.1/', 'http://192.0.2.1/', '192.0.2.1');
  accepts('http://3221225985/', 'http://192.0.2.1/', '192.0.2.1');
  rejects('http://256.1.1.1/', 'invalid IPv4 address "256.1.1.1"');
  rejects('http://1.2.3.4.5/', 'invalid IPv4 address "1.2.3.4.5"');
  rejects('http://example.123/', 'host "example.123" ends in a numeric label, so it is read as an IPv4 address, and it is not a valid one');
});

test('IPv6 literal hosts are accepted; host keeps the brackets as URL.hostname does', () => {
  accepts('http://[2001:DB8::1]/a', 'http://[2001:db8::1]/a', '[2001:db8::1]');
  accepts('https://[2001:db8:0:0:0:0:0:1]:443/', 'https://[2001:db8::1]/', '[2001:db8::1]');
  accepts('http://[::1]:8080/', 'http://[::1]:8080/', '[::1]');
  rejects('http://[1::2::3]/', 'invalid IPv6 address "[1::2::3]"');
  rejects('http://[fe80::1%25eth0]/', 'invalid IPv6 address "[fe80::1%25eth0]"');
});

test('URL length limit applies before and after normalisation', () => {
  const prefix = 'http://example.com/';
  const atLimit = prefix + 'a'.repeat(MAX_URL_LENGTH - prefix.length);
  assert.equal(MAX_URL_LENGTH, 8192);
  accepts(atLimit, atLimit, 'example.com');
  rejects(atLimit + 'a', 'URL is too long (8193 characters; the limit is 8192)');
  rejects(' '.repeat(10) + atLimit + 'a' + ' '.repeat(10), 'URL is too long (8193 characters; the limit is 8192)');
  // 4,019 characters pasted, but every é becomes %C3%A9.
  rejects(prefix + '\u00e9'.repeat(4000), 'URL is too long after normalisation (24019 characters; the limit is 8192)');
});

test('reasons quote at most 100 characters of the input', () => {
  const host = 'a!' + `${'b'.repeat(50)}.`.repeat(3) + 'com';
  rejects(`http://${host}/`, `host "${host.slice(0, 100)}…" contains "!", which is not allowed in a domain name`);
});

test('normalisation is idempotent', () => {
  const inputs = [
    ' <HTTPS://User:Pw@Bücher.Example.:443/a/./b/../%7ec%2f?q=%c3%a9&b=1#frag> ',
    'example.com/a b?x=%41',
    'http://[2001:DB8::1]:8080/%2e%2e/x?',
    'http://0xC0.0.2.1/%25%zz',
  ];
  for (const input of inputs) {
    const first = normaliseUrl(input);
    assert.equal(first.ok, true, input);
    if (!first.ok) continue;
    assert.deepEqual(normaliseUrl(first.url), first, input);
  }
});

test('a non-string is rejected rather than thrown on', () => {
  assert.deepEqual(normaliseUrl(undefined as unknown as string), { ok: false, reason: 'no URL was given' });
});

test('normaliseHost lower-cases, converts IDN to punycode and strips trailing dots', () => {
  assert.equal(normaliseHost('EXAMPLE.COM'), 'example.com');
  assert.equal(normaliseHost('Bücher.Example.'), 'xn--bcher-kva.example');
  assert.equal(normaliseHost('bücher.example'), 'xn--bcher-kva.example');
  assert.equal(normaliseHost('example.com...'), 'example.com');
  assert.equal(normaliseHost('example\u3002com'), 'example.com');
  assert.equal(normaliseHost('my_site.example.com'), 'my_site.example.com');
  // Syntax only: a bare public suffix or single label is a valid hostname.
  assert.equal(normaliseHost('com'), 'com');
  assert.equal(normaliseHost('co.uk'), 'co.uk');
  assert.equal(normaliseHost('localhost'), 'localhost');
  // Names that skip the URL parser (already plain lower-case ASCII) come out as it would give them.
  assert.equal(normaliseHost('ab--cd.example1'), 'ab--cd.example1');
  assert.equal(normaliseHost('host.1a'), 'host.1a');
  assert.equal(normaliseHost('xn--bcher-kva.example'), 'xn--bcher-kva.example');
});

test('normaliseHost returns null for anything that is not a DNS hostname', () => {
  for (const bad of [
    '',
    ' ',
    '.',
    '..',
    ' example.com',
    'exa mple.com',
    'a..b.com',
    '.example.com',
    'example.com/x',
    'example.com?x',
    'example.com#x',
    'user@example.com',
    'example.com:80',
    'ex%41mple.com',
    'http://example.com',
    '[::1]',
    '::1',
    '192.0.2.1',
    '3221225985',
    'example.123',
    'example.0x1f',
    '0x7f.1',
    '-a.com',
    'a-.com',
    'a!.com',
    'xn--zz.com',
    'a\u0000.com',
    `${'a'.repeat(64)}.com`,
    `${'abcdefghi.'.repeat(26)}com`,
  ]) {
    assert.equal(normaliseHost(bad), null, JSON.stringify(bad));
  }
  assert.equal(normaliseHost(42 as unknown as string), null);
});
