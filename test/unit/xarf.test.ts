import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readNotice, readMail } from '../../src/reader/index.ts';
import { parseXarfJson, parseXarfPlain, MAX_XARF_BYTES } from '../../src/reader/xarf.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

test('XARF v4 copyright report (a .json file): a takedown of its InfringingUrl, the reporter as claimant, the material as the work', () => {
  const r = readNotice({ name: 'xarf.json', content: fixture('xarf-copyright.json') });
  assert.equal(r.kind, 'takedown');
  assert.deepEqual(r.infringing_urls, ['https://mirrorsite.example/watch/sunrise-over-harbor']);
  assert.deepEqual(r.original_urls, []);
  assert.equal(r.claimant.name, 'Jane Doe');
  assert.equal(r.claimant.company, 'Harbor Pictures LLC');
  assert.equal(r.claimant.email, 'jane@harborpictures.test');
  assert.equal(r.work, 'Sunrise Over Harbor (2025), motion picture');
  assert.equal(r.elements.infringing_material, true);
  assert.equal(r.elements.copyrighted_work, true);
  assert.ok(r.missing.includes('good_faith_statement'), 'a bare machine report carries no sworn statements');
  assert.deepEqual(
    { format: r.xarf?.format, category: r.xarf?.category, ip: r.xarf?.source_ip, port: r.xarf?.source_port, date: r.xarf?.date, id: r.xarf?.report_id },
    { format: 'xarf', category: 'copyright', ip: '192.0.2.10', port: 443, date: '2026-11-20T08:06:44.000Z', id: 'HP-2026-000417' },
  );
});

test('X-ARF v0.2 spam report (multipart .eml with report.txt): kind other, nothing to take down, the report kept', () => {
  const r = readNotice({ name: 'spam.eml', content: fixture('x-arf-spam.eml') });
  assert.equal(r.kind, 'other');
  assert.deepEqual(r.infringing_urls, []);
  assert.deepEqual(r.missing, []);
  assert.equal(r.xarf?.format, 'x-arf');
  assert.equal(r.xarf?.category, 'spam');
  assert.equal(r.xarf?.source_ip, '203.0.113.77');
  assert.equal(r.xarf?.source_port, 25);
  assert.equal(r.xarf?.service, 'smtp');
  assert.equal(r.xarf?.date, '2026-11-20T09:15:00.000Z', 'RFC 2822 date read as an instant');
  assert.equal(r.xarf?.reporter.email, 'reports@spamtrap.test');
});

test('X-ARF v0.2 copyright report.txt on its own: a takedown by IPv6 address, port and time', () => {
  const r = readNotice({ name: 'report.txt', content: fixture('x-arf-copyright-report.txt') });
  assert.equal(r.kind, 'takedown');
  assert.equal(r.xarf?.category, 'copyright');
  assert.equal(r.xarf?.source_ip, '2001:db8:1::20');
  assert.equal(r.xarf?.source_port, 51413);
  assert.equal(r.xarf?.report_id, 'HP-P2P-2026-11-20-0001', 'quoted scalar unquoted');
  assert.equal(r.elements.infringing_material, true, 'an address and a time identify the material');
  assert.equal(r.claimant.email, 'p2p@harborpictures.test');
});

test('an XARF JSON attachment next to a DMCA letter: the letter supplies the statements, the report the URL', () => {
  const letter = `I have a good faith belief that use of the material in the manner complained of is not authorized by the copyright owner, its agent, or the law.
I swear, under penalty of perjury, that the information in this notification is accurate and that I am authorized to act on behalf of the owner.

/s/ Jane Doe
Jane Doe, Harbor Pictures LLC
1 Studio Way, Los Angeles, CA 90001, USA
Email: jane@harborpictures.test
`;
  const r = readMail({
    subject: 'Copyright report',
    from: { name: 'Jane Doe', address: 'jane@harborpictures.test' },
    text: letter,
    html: null,
    attachments: [{ filename: 'xarf.json', contentType: 'application/json', content: fixture('xarf-copyright.json').toString('utf8') }],
  });
  assert.equal(r.kind, 'takedown');
  assert.deepEqual(r.infringing_urls, ['https://mirrorsite.example/watch/sunrise-over-harbor']);
  assert.deepEqual(r.missing, []);
});

// Not a copyright takedown for the reader; mail intake files it as a phishing report from its
// category and URL (test/integration/mail-kinds.test.ts).
test('non-copyright XARF v4 (phishing) is not a copyright takedown: its category and URL are kept for the report', () => {
  const doc = JSON.stringify({
    Version: '4',
    ReporterInfo: { ReporterOrg: 'PhishWatch', ReporterContactEmail: 'desk@phishwatch.test' },
    Report: { ReportClass: 'Content', ReportType: 'Phishing', Date: '2026-11-20T10:00:00Z', Url: 'https://mirrorsite.example/login' },
  });
  const r = readNotice({ name: 'body.txt', content: doc });
  assert.equal(r.kind, 'other');
  assert.deepEqual(r.infringing_urls, []);
  assert.equal(r.xarf?.category, 'phishing');
  assert.equal(r.xarf?.url, 'https://mirrorsite.example/login');
  assert.equal(r.subject?.kind, 'phishing');
});

test('XARF parsers refuse what they will not read, with the reason, and never throw', () => {
  assert.match((parseXarfJson('{"Report": ') as { reason: string }).reason, /malformed JSON/);
  assert.match((parseXarfJson('{"Report": {}}') as { reason: string }).reason, /no Report with a ReportClass/);
  assert.match((parseXarfJson(`{"Report":{"ReportType":"Copyright","X":"${'a'.repeat(MAX_XARF_BYTES)}"}}`) as { reason: string }).reason, /larger than/);
  assert.match(
    (parseXarfPlain('Reported-From: a@b.test\nCategory: abuse\nSource:\n  nested: value\n') as { reason: string }).reason,
    /not a "Key: value" line/,
  );
  assert.match((parseXarfPlain('Category: abuse\nReport-Type: spam\n') as { reason: string }).reason, /without Reported-From/);
  const p = parseXarfPlain('Reported-From: a@b.test\nCategory: abuse\nReport-Type: spam\nSource: 198.51.100.1\nPort: 99999\nDate: not a date\n');
  assert.ok(p.ok);
  assert.equal(p.report.source_port, null, 'a port beyond 65535 is not a port');
  assert.equal(p.report.date, null);
});

test('a letter that only mentions X-ARF keys in prose is still read as a letter', () => {
  const r = readNotice({
    name: 'letter.txt',
    content: 'Reported-From: our desk\nCategory: abuse\nSource: see below\n\nHello, this is a free-form letter with more text than keys.\n',
  });
  assert.equal(r.xarf, null);
  assert.deepEqual(r.warnings, []);
});
