import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldUrlList, splitUrlText, type ListedUrl } from '../../src/domain/url-list.ts';

const ok = (submitted: string, url: string, host: string): ListedUrl => ({ submitted, ok: true, url, host });

test('an empty list folds to nothing', () => {
  assert.deepEqual(foldUrlList([]), { items: [], duplicatesFolded: 0, blanksSkipped: 0 });
});

test('valid URLs are normalised and kept in the order given, with what was submitted', () => {
  assert.deepEqual(foldUrlList(['https://b.example/2', '  HTTPS://A.Example/1  ', 'c.example/3']), {
    items: [
      ok('https://b.example/2', 'https://b.example/2', 'b.example'),
      ok('HTTPS://A.Example/1', 'https://a.example/1', 'a.example'),
      ok('c.example/3', 'http://c.example/3', 'c.example'),
    ],
    duplicatesFolded: 0,
    blanksSkipped: 0,
  });
});

test('blank and whitespace-only lines are skipped and counted', () => {
  const r = foldUrlList(['', '   ', '\t', '\r\n', '\u00A0', '\uFEFF', '\u2028', 'https://a.example/']);
  assert.equal(r.blanksSkipped, 7);
  assert.equal(r.duplicatesFolded, 0);
  assert.deepEqual(r.items, [ok('https://a.example/', 'https://a.example/', 'a.example')]);
  assert.deepEqual(foldUrlList(['', ' ']), { items: [], duplicatesFolded: 0, blanksSkipped: 2 });
});

test('duplicates after normalisation are folded into the first occurrence and counted', () => {
  const r = foldUrlList([
    'https://a.example/x',
    'HTTPS://A.EXAMPLE/x',
    'https://a.example:443/x',
    'https://a.example/x#fragment',
    '<https://a.example/x>',
    'https://user:pw@a.example/x',
    'https://a.example./x',
    'https://a.example/%78',
    'https://a.example/X', // path case matters: a different URL
    'http://a.example/x', // so does the scheme
  ]);
  assert.deepEqual(r.items, [
    ok('https://a.example/x', 'https://a.example/x', 'a.example'),
    ok('https://a.example/X', 'https://a.example/X', 'a.example'),
    ok('http://a.example/x', 'http://a.example/x', 'a.example'),
  ]);
  assert.equal(r.duplicatesFolded, 7);
  assert.equal(r.blanksSkipped, 0);
});

test('an IDN and its punycode form are the same URL', () => {
  const r = foldUrlList(['https://bücher.example/buch', 'https://xn--bcher-kva.example/buch', 'https://BÜCHER.example/buch']);
  assert.deepEqual(r.items, [ok('https://bücher.example/buch', 'https://xn--bcher-kva.example/buch', 'xn--bcher-kva.example')]);
  assert.equal(r.duplicatesFolded, 2);
});

test('a homograph is not folded into the real domain', () => {
  const r = foldUrlList(['https://apple.com/x', 'https://\u0430pple.com/x']);
  assert.equal(r.items.length, 2);
  assert.equal(r.duplicatesFolded, 0);
  assert.deepEqual(r.items[1], ok('https://\u0430pple.com/x', 'https://xn--pple-43d.com/x', 'xn--pple-43d.com'));
});

test('invalid entries are kept as items with their reason, in place', () => {
  const r = foldUrlList(['https://a.example/1', 'javascript:alert(1)', 'https://b.example/2', 'ftp://files.example/f', 'localhost/x']);
  assert.equal(r.items.length, 5);
  assert.deepEqual(
    r.items.map((i) => i.submitted),
    ['https://a.example/1', 'javascript:alert(1)', 'https://b.example/2', 'ftp://files.example/f', 'localhost/x'],
  );
  assert.deepEqual(r.items[1], {
    submitted: 'javascript:alert(1)',
    ok: false,
    reason: 'unsupported scheme "javascript:": only http and https URLs can be acted on',
  });
  assert.deepEqual(r.items[3], {
    submitted: 'ftp://files.example/f',
    ok: false,
    reason: 'unsupported scheme "ftp:": only http and https URLs can be acted on',
  });
  assert.deepEqual(r.items[4], {
    submitted: 'localhost/x',
    ok: false,
    reason: 'host "localhost" is a single label, not a public domain name such as example.com',
  });
});

test('identical invalid entries are folded (after trimming), differing ones are not', () => {
  const r = foldUrlList(['not a url', '  not a url  ', 'not a url', 'NOT A URL', 'javascript:alert(1)', 'JavaScript:alert(1)']);
  assert.deepEqual(
    r.items.map((i) => [i.submitted, i.ok]),
    [
      ['not a url', false],
      ['NOT A URL', false],
      ['javascript:alert(1)', false],
      ['JavaScript:alert(1)', false],
    ],
  );
  assert.equal(r.duplicatesFolded, 2);
});

test('an invalid entry never folds into a valid URL, whatever it spells', () => {
  const r = foldUrlList(['https://a.example/x', 'invalid:https://a.example/x', 'https://a.example/x\n']);
  assert.equal(r.items.length, 2);
  assert.equal(r.items[0]!.ok, true);
  assert.deepEqual(r.items[1], {
    submitted: 'invalid:https://a.example/x',
    ok: false,
    reason: 'unsupported scheme "invalid:": only http and https URLs can be acted on',
  });
  assert.equal(r.duplicatesFolded, 1, 'a trailing newline is trimmed, so the third is the first again');
});

test('line breaks and headers smuggled inside one entry make it invalid, not several URLs', () => {
  const r = foldUrlList(['https://a.example/x\r\nhttps://b.example/y', 'https://a.example/x%0d%0aSet-Cookie:%20a=b']);
  assert.deepEqual(r.items[0], {
    submitted: 'https://a.example/x\r\nhttps://b.example/y',
    ok: false,
    reason: 'URL contains a line break or tab: paste it on a single line',
  });
  // Encoded CR/LF stays encoded: the URL is valid and cannot split anything later.
  assert.deepEqual(r.items[1], ok('https://a.example/x%0d%0aSet-Cookie:%20a=b', 'https://a.example/x%0D%0ASet-Cookie:%20a=b', 'a.example'));
});

test('NUL and unpaired surrogates: judged as given, stored as U+FFFD', () => {
  const r = foldUrlList(['https://a.example/x\u0000y', 'https://a.example/x\u0000y', 'https://a\uD800.example/', 'https://a.example/\uDC00']);
  assert.deepEqual(r.items[0], { submitted: 'https://a.example/x\uFFFDy', ok: false, reason: 'URL contains the control character U+0000' });
  assert.equal(r.duplicatesFolded, 1);
  assert.equal(r.items[1]!.ok, false);
  assert.equal(r.items[1]!.submitted, 'https://a\uFFFD.example/');
  assert.deepEqual(r.items[2], ok('https://a.example/\uFFFD', 'https://a.example/%EF%BF%BD', 'a.example'));
  for (const i of r.items) assert.equal(/\u0000|[\uD800-\uDFFF]/.test(i.submitted), false, i.submitted);
  // A real astral character (a surrogate pair) is kept as is.
  assert.deepEqual(foldUrlList(['https://a.example/😀']).items[0], ok('https://a.example/😀', 'https://a.example/%F0%9F%98%80', 'a.example'));
});

test('an entry that is too long is one invalid item, not an error for the list', () => {
  const long = `https://a.example/${'x'.repeat(9000)}`;
  const r = foldUrlList([long, 'https://b.example/']);
  assert.equal(r.items.length, 2);
  assert.deepEqual(r.items[0], { submitted: long, ok: false, reason: `URL is too long (${long.length} characters; the limit is 8192)` });
  assert.equal(r.items[1]!.ok, true);
});

test('counts add up on a large list with many duplicates, blanks and invalid entries', () => {
  const raw: string[] = [];
  for (let i = 0; i < 50_000; i++) raw.push(`https://site${i % 10_000}.example/p/${i % 20_000}`);
  for (let i = 0; i < 5_000; i++) raw.push('');
  for (let i = 0; i < 5_000; i++) raw.push(`mailto:x${i % 100}@a.example`);
  const r = foldUrlList(raw);
  assert.equal(r.blanksSkipped, 5_000);
  assert.equal(r.items.filter((i) => i.ok).length, 20_000);
  assert.equal(r.items.filter((i) => !i.ok).length, 100);
  assert.equal(r.items.length + r.duplicatesFolded + r.blanksSkipped, raw.length);
});

test('splitUrlText: one entry per line, any line ending, BOM dropped, nothing else touched', () => {
  assert.deepEqual(splitUrlText('a\nb\r\nc\rd'), ['a', 'b', 'c', 'd']);
  assert.deepEqual(splitUrlText(''), ['']);
  assert.deepEqual(splitUrlText('\n'), ['', '']);
  assert.deepEqual(splitUrlText('\uFEFFhttps://a.example/\n\uFEFFx'), ['https://a.example/', 'x']);
  assert.deepEqual(splitUrlText('  a  \n\tb'), ['  a  ', '\tb'], "trimming is the fold's job");
  assert.deepEqual(splitUrlText('a,b\nc'), ['a,b', 'c'], 'commas are not separators');
  assert.deepEqual(splitUrlText('a\r\n\r\nb'), ['a', '', 'b']);
  assert.deepEqual(splitUrlText('a\u2028b'), ['a\u2028b'], 'only CR and LF end a line');
});

test('splitUrlText then foldUrlList: a pasted block with CRLF and blank lines', () => {
  const r = foldUrlList(splitUrlText('\uFEFFhttps://a.example/1\r\n\r\nhttps://a.example/1\r\n  https://b.example/2  \r\n'));
  assert.deepEqual(r, {
    items: [ok('https://a.example/1', 'https://a.example/1', 'a.example'), ok('https://b.example/2', 'https://b.example/2', 'b.example')],
    duplicatesFolded: 1,
    blanksSkipped: 2,
  });
});
