// Property-based tests (fast-check, fixed seeds so a failure can be replayed) over every parser
// that reads what outsiders send: URLs, URL lists, CSV files, MIME messages, ACNS XML, X-ARF and
// XARF, and the notice reader. Whatever the input — random text, invalid UTF-8, hostile URLs,
// entity bombs, deep nesting, huge inputs — they answer (a result or a stated refusal), never
// throw, and keep their own laws (normalising twice changes nothing, no URL is lost or made up).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { normaliseUrl, MAX_URL_LENGTH } from '../../src/domain/url.ts';
import { foldUrlList, splitUrlText } from '../../src/domain/url-list.ts';
import { readCsvFile } from '../../src/domain/csv-file.ts';
import { parseMime, parseAcns, readNotice, readText } from '../../src/reader/index.ts';
import { parseXarfJson, parseXarfPlain } from '../../src/reader/xarf.ts';

const SEED = 20261207;
const runs = (numRuns: number) => ({ seed: SEED, numRuns });

/** Strings a hostile sender would try: control characters, lone surrogates, bidi overrides, NUL, huge runs. */
const hostileChar = fc.constantFrom(
  '\u0000',
  '\u0007',
  '\u202e',
  '\ud800',
  '\udfff',
  '\ufeff',
  '\r',
  '\n',
  '\t',
  '%',
  '%00',
  '@',
  ':',
  '/',
  '\\',
  '[',
  ']',
  '#',
  '?',
  '..',
  'ß',
  'ǅ',
  '☃',
  '\u00ad',
);
const hostileText = fc.array(fc.oneof(fc.string({ unit: 'binary' }), hostileChar), { maxLength: 40 }).map((a) => a.join(''));
const hostileUrl = fc.oneof(
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc
    .tuple(fc.constantFrom('http://', 'https://', 'ftp://', 'javascript:', '//', 'hxxp://', 'HTTPS://', ''), hostileText, fc.domain(), hostileText)
    .map(([a, b, c, d]) => a + b + c + d),
  fc.tuple(fc.webUrl(), hostileText).map(([u, t]) => u + t),
  fc.ipV6().map((ip) => `http://[${ip}]/x`),
  fc.ipV4Extended().map((ip) => `http://${ip}/x`),
);

test('normaliseUrl answers every string, and a normalised URL normalises to itself', () => {
  fc.assert(
    fc.property(fc.oneof(hostileUrl, hostileText), (raw) => {
      const v = normaliseUrl(raw);
      if (!v.ok) {
        assert.equal(typeof v.reason, 'string');
        assert.ok(v.reason.length > 0);
        return;
      }
      assert.ok(v.url.length <= MAX_URL_LENGTH);
      assert.ok(!/[\u0000-\u001f\u007f\s]/.test(v.url), `no control character or space in ${JSON.stringify(v.url)}`);
      const again = normaliseUrl(v.url);
      assert.ok(again.ok, `${v.url} normalises again`);
      assert.equal(again.url, v.url);
      assert.equal(again.host, v.host);
    }),
    runs(3000),
  );
});

test('a URL list keeps every entry: each is an item or a folded duplicate or a skipped blank', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(hostileUrl, hostileText, fc.constant(''), fc.constant('https://a.example/x')), { maxLength: 60 }), (raw) => {
      const list = foldUrlList(raw);
      assert.equal(list.items.length + list.duplicatesFolded + list.blanksSkipped, raw.length);
    }),
    runs(800),
  );
  fc.assert(
    fc.property(hostileText, (text) => {
      for (const line of splitUrlText(text)) assert.equal(typeof line, 'string');
    }),
    runs(1000),
  );
});

test('CSV files: any text is read or refused with a CsvFileError naming the line, never another error', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(hostileText, fc.constant('"'), fc.constant('a,"b\nc",d'), fc.constant(',,,')), { maxLength: 20 }), (lines) => {
      try {
        const rows = readCsvFile(lines.join('\n'));
        for (const r of rows) assert.ok(Number.isInteger(r.line) && r.line >= 1);
      } catch (err) {
        assert.equal((err as Error).name, 'CsvFileError', String(err));
      }
    }),
    runs(800),
  );
});

/** A MIME message built from random parts, boundaries that collide, bad encodings and bytes that are not UTF-8. */
const mimeMessage = fc
  .tuple(
    fc.array(
      fc.tuple(
        fc.constantFrom('text/plain', 'text/html', 'application/xml', 'application/json', 'message/rfc822', 'multipart/mixed'),
        fc.constantFrom('base64', 'quoted-printable', '7bit', 'x-unknown'),
        hostileText,
      ),
      {
        maxLength: 6,
      },
    ),
    fc.constantFrom('b', 'b--', '', '"quoted boundary"', 'x'.repeat(200)),
    fc.uint8Array({ maxLength: 200 }),
  )
  .map(([parts, boundary, junk]) => {
    const head = `From: =?utf-8?B?${Buffer.from('Sender ☃').toString('base64')}?= <a@b.test>\r\nSubject: =?x-unknown?Q?=FF=FE?=\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=${boundary}\r\n\r\n`;
    const body = parts.map(([type, enc, text]) => `--${boundary}\r\nContent-Type: ${type}\r\nContent-Transfer-Encoding: ${enc}\r\n\r\n${text}\r\n`).join('');
    return Buffer.concat([Buffer.from(head + body, 'utf8'), Buffer.from(junk), Buffer.from(`\r\n--${boundary}--\r\n`)]);
  });

test('MIME: random messages, colliding boundaries and invalid bytes are parsed into parts, and read', () => {
  fc.assert(
    fc.property(mimeMessage, (raw) => {
      const parts = parseMime(raw);
      assert.ok(Array.isArray(parts.attachments));
      const r = readNotice({ name: 'message.eml', content: raw });
      assert.ok(Array.isArray(r.infringing_urls));
    }),
    runs(300),
  );
});

test('MIME bombs: deep nesting and thousands of parts are read without blowing the stack', () => {
  const depth = 2000;
  let nested = 'Content-Type: text/plain\r\n\r\nhttps://deep.example/x\r\n';
  for (let i = 0; i < depth; i++) nested = `Content-Type: multipart/mixed; boundary=b${i}\r\n\r\n--b${i}\r\n${nested}--b${i}--\r\n`;
  const deep = readNotice({ name: 'deep.eml', content: `From: a@b.test\r\nSubject: deep\r\nMIME-Version: 1.0\r\n${nested}` });
  assert.ok(Array.isArray(deep.infringing_urls));
  const many = Array.from({ length: 5000 }, (_, i) => `--m\r\nContent-Type: text/plain\r\n\r\nhttps://many.example/${i}\r\n`).join('');
  const wide = readNotice({
    name: 'wide.eml',
    content: `From: a@b.test\r\nSubject: wide\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n${many}--m--\r\n`,
  });
  assert.ok(Array.isArray(wide.infringing_urls));
});

test('ACNS XML: entity bombs and external entities are refused, not expanded; deep nesting and junk are answered', () => {
  const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('')}]><Infringement xmlns="http://www.acns.net/ACNS">&lol9;</Infringement>`;
  const bomb = parseAcns(laughs);
  assert.equal(bomb.ok, false);
  const external = parseAcns(
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><Infringement xmlns="http://www.acns.net/ACNS"><Case><ID>&xxe;</ID></Case></Infringement>',
  );
  assert.equal(external.ok, false);
  assert.ok(!JSON.stringify(external).includes('root:'), 'no file was read');
  const deep = `<Infringement xmlns="http://www.acns.net/ACNS">${'<a>'.repeat(20000)}${'</a>'.repeat(20000)}</Infringement>`;
  assert.equal(typeof parseAcns(deep).ok, 'boolean');
  fc.assert(
    fc.property(hostileText, fc.constantFrom('', '<Infringement xmlns="http://www.acns.net/ACNS">', '<?xml version="1.0"?>', '<![CDATA['), (text, prefix) => {
      const r = parseAcns(prefix + text);
      assert.equal(typeof r.ok, 'boolean');
      if (!r.ok) assert.ok(r.reason.length > 0);
    }),
    runs(1000),
  );
});

test('X-ARF and XARF: random and deeply nested JSON, and random report text, are answered', () => {
  fc.assert(
    fc.property(fc.oneof(fc.json({ maxDepth: 6 }), hostileText), (text) => {
      assert.equal(typeof parseXarfJson(text).ok, 'boolean');
      assert.equal(typeof parseXarfPlain(text).ok, 'boolean');
    }),
    runs(1000),
  );
  const deep = '['.repeat(100000) + ']'.repeat(100000);
  assert.equal(typeof parseXarfJson(deep).ok, 'boolean');
});

test('the reader: any text is read, and every infringing URL it reports stands in the text', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.oneof(hostileText, hostileUrl, fc.constantFrom('## Please provide the infringing URLs:', '**Original work:**', 'Signature: /s/', '- ', '\n\n')),
        { maxLength: 30 },
      ),
      (pieces) => {
        const text = pieces.join(' \n');
        const r = readText(text);
        for (const u of r.infringing_urls) {
          const host = u.replace(/^[a-z]+:\/\//i, '').split(/[/?#:]/)[0]!;
          assert.ok(text.toLowerCase().includes(host.toLowerCase()) || /^xn--|\.xn--/.test(host), `${u} comes from the text`);
        }
      },
    ),
    runs(500),
  );
});
