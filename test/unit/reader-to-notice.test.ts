// From a reading to the report body of its kind and regime (src/intake/reading-to-notice.ts): the
// reader's fields land where each kind keeps them, the body passes the one validation of reports,
// and what a kind's row of KIND_RULES requires but the message lacks is named to the sender.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readMail } from '../../src/reader/index.ts';
import { readsAsReport, reportFromReading } from '../../src/intake/reading-to-notice.ts';
import { parseReport } from '../../src/domain/report-submission.ts';
import type { ReportKind } from '../../src/domain/report-kinds.ts';

const read = (text: string, subject = 'Report') =>
  readMail({ subject, from: { name: 'Alex Reporter', address: 'alex@reporter.test' }, text, html: null, attachments: [] });
const build = (text: string, subject = 'Report') => reportFromReading(read(text, subject), { subject, sender: 'alex@reporter.test' });
const SIGN = '\n\nRegards,\nAlex Reporter\nalex@reporter.test\n';

const COMPLETE: Record<Exclude<ReportKind, 'copyright'>, string> = {
  trademark:
    'We own the registered trademark HARBOR® (EUIPO registration no. 018123456). The shop at https://proxied.example/shop sells counterfeit HARBOR bags under our brand.',
  phishing: 'The page https://proxied.example/login is a phishing page impersonating Example Bank: a fake login page that harvests credentials.',
  csam: 'I found child sexual abuse material at https://proxied.example/album/1: the images show minors in sexual situations.',
  threat: 'A post at https://proxied.example/thread/9 threatens to kill my family and publishes our home address. It is a credible threat of violence.',
  ncsei: 'Intimate images of me are posted at https://proxied.example/u/leaks without my consent by my ex-boyfriend; this is revenge porn.',
  whois:
    "We request disclosure of the WHOIS registrant data of https://proxied.example/. Our legal basis is a legitimate interest under Art. 6(1)(f) GDPR: the domain defrauds our customers and we need to bring legal action. We ask for the registrant's name and the registrant's e-mail. We make this request in good faith and will process the data lawfully and only for this purpose.",
  general: 'The site https://proxied.example/ sends spam and hosts hate speech in breach of your acceptable use policy; please enforce your terms of service.',
};

test('each kind: the body of its kind and default regime, valid as it stands', () => {
  for (const [kind, text] of Object.entries(COMPLETE) as [ReportKind, string][]) {
    const r = read(text + SIGN);
    assert.ok(readsAsReport(r), `${kind} reads as a report`);
    const b = reportFromReading(r, { subject: 'Report', sender: 'alex@reporter.test' });
    assert.deepEqual([b.kind, b.regime], [kind, 'terms'], kind);
    assert.deepEqual(b.missing, [], `${kind}: ${JSON.stringify(b.missing)}`);
    const p = parseReport(b.body);
    assert.ok(p.ok, `${kind}: ${JSON.stringify(!p.ok && p.errors)}`);
    assert.equal(b.body.kind, kind);
    assert.ok((b.body.urls as string[]).length >= 1, `${kind}: its URL`);
    assert.ok(!('notify' in b.body), `${kind}: notification choices are the kind's defaults`);
  }
});

test('each kind’s own fields are mapped from what the reader found', () => {
  assert.deepEqual(build(COMPLETE.trademark + SIGN).body.trademark, { number: '018123456', office: 'EUIPO', symbol: 'HARBOR' });
  assert.equal(build(COMPLETE.phishing + SIGN).body.impersonated, 'Example Bank');
  assert.equal(build(COMPLETE.ncsei + SIGN).body.subject_representation, true, 'images "of me": the person shown');
  assert.equal(
    build('On behalf of my client, intimate images of her are posted at https://proxied.example/u/x without her consent (revenge porn).' + SIGN).body
      .subject_representation,
    false,
  );
  const whois = build(COMPLETE.whois + SIGN).body.whois_request as Record<string, unknown>;
  assert.deepEqual(whois.requested_data, ['registrant_name', 'registrant_email']);
  assert.equal(whois.request_type, 'disclosure');
  assert.match(whois.legal_basis as string, /legitimate interest/);
  const phishing = build(COMPLETE.phishing + SIGN).body;
  assert.deepEqual(phishing.claimant, { name: 'Alex Reporter', email: 'alex@reporter.test' });
  assert.match(phishing.explanation as string, /fake login page/);
  assert.deepEqual(phishing.urls, ['https://proxied.example/login']);
});

test('a missing element is named in the sender’s words, per kind', () => {
  const cases: [string, RegExp][] = [
    [
      'The shop at https://proxied.example/shop sells counterfeit goods under our registered trademark HARBOR®, registered at the EUIPO.',
      /registration number of your trademark/,
    ],
    ['Intimate images are posted at https://proxied.example/u/leaks without consent; this is revenge porn.', /whether you are the person shown/],
    ['We request the WHOIS registrant information of the domain behind https://proxied.example/ because it infringes our rights in a lawsuit.', /good faith/],
    ['Phishing! Fake login page.', /URLs \(full http/],
  ];
  for (const [text, expected] of cases) {
    const b = build(text + SIGN);
    assert.ok(
      b.missing.some((m) => expected.test(m)),
      `${b.kind}: ${JSON.stringify(b.missing)}`,
    );
  }
  const anonymous = reportFromReading(readMail({ subject: null, from: null, text: COMPLETE.phishing, html: null, attachments: [] }), {
    subject: null,
    sender: null,
  });
  assert.deepEqual(anonymous.missing, ['your full name', 'an e-mail address where we can reach you'], 'a phishing report needs its reporter');
  const csam = reportFromReading(readMail({ subject: null, from: null, text: COMPLETE.csam, html: null, attachments: [] }), { subject: null, sender: null });
  assert.deepEqual(csam.missing, [], 'a CSAM report may stay anonymous (DSA Art. 16(2)(c))');
});

test('DSA: the regime the message cites, with the Art. 16(2)(d) statement affirmed only when made', () => {
  const dsa = `Notice under Article 16 of the Digital Services Act. ${COMPLETE.threat} I believe in good faith that the information and allegations in this notice are accurate and complete.`;
  const b = build(dsa + SIGN);
  assert.deepEqual([b.kind, b.regime, b.missing], ['threat', 'dsa', []]);
  assert.deepEqual(b.body.statements, { accurate_and_complete: true });
  const without = build(`Notice under Article 16 of the Digital Services Act. ${COMPLETE.threat}` + SIGN);
  assert.equal(without.regime, 'dsa');
  assert.ok(!('statements' in without.body));
  assert.deepEqual(without.missing.length, 1);
  assert.match(without.missing[0]!, /accurate and complete \(EU Digital Services Act, Art\. 16\(2\)\(d\)\)/);
});

test('copyright: a DMCA notice is the notice it always was; a DSA one carries its work and explanation', () => {
  const dmca = build(
    'I am the copyright owner of the photograph "Harbour at Dawn". https://proxied.example/gallery/harbour copies it. I have a good faith belief that this use is not authorized by the copyright owner, its agent or the law. I swear under penalty of perjury that this notice is accurate and that I am the owner of the exclusive right.\n\n/s/ Alex Reporter\nAlex Reporter\n1 Main St, Berlin, Germany\nalex@reporter.test',
  );
  assert.deepEqual([dmca.kind, dmca.regime], ['copyright', 'dmca']);
  assert.ok(!('kind' in dmca.body), 'the DMCA body is unchanged: copyright by default');
  assert.deepEqual(dmca.body.statements, { good_faith_belief: true, accuracy_and_authority: true });
  const dsa = build(
    'Notice under the Digital Services Act: the page https://proxied.example/gallery/harbour copies my copyrighted photograph "Harbour at Dawn" without permission. I believe in good faith that the information and allegations in this notice are accurate and complete.' +
      SIGN,
    'Copyright notice',
  );
  assert.deepEqual([dsa.kind, dsa.regime, dsa.missing], ['copyright', 'dsa', []]);
  assert.equal(dsa.body.signature, 'Alex Reporter');
  assert.ok((dsa.body.work as { description: string }).description.length > 0);
  assert.ok(parseReport(dsa.body).ok);
});
