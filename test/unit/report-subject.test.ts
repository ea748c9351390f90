// The reader's subject classifier: each kind from the kind of message a desk really receives, the
// regime from the law it cites, and the same answer whatever the wording, paragraph order or
// format (HTML or plain text) — the classifier reads meaning, not a layout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifySubject, detectRegime, kindOfXarf } from '../../src/reader/subject.ts';
import { readMail, readText } from '../../src/reader/index.ts';
import type { ReportKind } from '../../src/domain/report-kinds.ts';

const SIGN = `\nRegards,\nAlex Reporter\nalex@reporter.test\n`;

/** One realistic message per kind, as paragraphs (the metamorphic tests reorder them). */
export const MESSAGES: Record<ReportKind, string[]> = {
  copyright: [
    'I am the photographer and copyright owner of the image "Harbour at Dawn", published on my site.',
    'The page https://proxied.example/gallery/harbour copies my photograph without permission.',
    'I have a good faith belief that this use is not authorized by the copyright owner, its agent or the law. Under penalty of perjury, the information here is accurate and I am the owner of the exclusive right.',
  ],
  trademark: [
    'We own the registered trademark HARBOR® (EUIPO registration no. 018123456) for bags and clothing.',
    'The shop at https://proxied.example/shop sells counterfeit HARBOR bags using our logo and brand name, which creates a likelihood of confusion with our genuine products.',
    'Please remove the listings.',
  ],
  phishing: [
    'The page https://proxied.example/secure/login is a phishing site impersonating Example Bank.',
    'It shows a fake login page that harvests customer credentials and card numbers and sends them to a C2 server.',
    'Please take it down as soon as possible; our customers are receiving links to it by SMS.',
  ],
  csam: [
    'I came across images of child sexual abuse at https://proxied.example/album/123.',
    'The pictures show minors, clearly under 12, in sexual situations. I did not download or keep anything.',
    'Please act on this at once and pass it to NCMEC.',
  ],
  threat: [
    'A post at https://proxied.example/forum/thread/99 says the author will kill my family and me next week.',
    'It also publishes our home address, so we have been doxxed as well. This is a credible threat of violence.',
    'The police have been informed; please remove the post.',
  ],
  ncsei: [
    'Intimate images of me are posted at https://proxied.example/u/leaks without my consent.',
    'My ex-boyfriend uploaded the nude photos after we broke up. This is revenge porn.',
    'I never agreed to them being shared; please remove them.',
  ],
  whois: [
    'We request disclosure of the WHOIS registrant data for the domain shown at https://proxied.example/.',
    'The domain is used to defraud our customers and we have a legitimate interest under Art. 6(1)(f) GDPR in identifying the registrant in order to bring legal action.',
    "We ask for the registrant's name and the registrant's e-mail address. We make this request in good faith and will process the data lawfully and only for this purpose.",
  ],
  general: [
    'The site at https://proxied.example/ is a hate site that publishes antisemitic propaganda, in breach of your acceptable use policy.',
    'It also sends spam to our users from its contact forms.',
    'Please enforce your terms of service.',
  ],
};

const text = (k: ReportKind, order?: number[]) => (order ?? MESSAGES[k].map((_, i) => i)).map((i) => MESSAGES[k][i]).join('\n\n') + SIGN;

test('each kind from a realistic message', () => {
  for (const kind of Object.keys(MESSAGES) as ReportKind[]) {
    const s = classifySubject(text(kind));
    assert.equal(s.kind, kind, `${kind}: ${JSON.stringify(s)}`);
    assert.equal(s.source, 'text');
    assert.ok(s.confidence > 0.3, `${kind}: confident (${s.confidence})`);
    assert.ok(s.evidence.length > 0, `${kind}: says which words decided`);
  }
});

test('copyright stays the answer when copyright words are there, even beside a trademark or a WHOIS look-up', () => {
  const dmca = `${text('copyright')}\nOur WHOIS lookup shows the domain uses your service. The site also shows our trademark logo.`;
  assert.equal(classifySubject(dmca).kind, 'copyright');
  const none = classifySubject('Are we still on for lunch on Friday?');
  assert.deepEqual([none.kind, none.source, none.confidence], ['copyright', 'default', 0], 'no words of any kind: the default, with no confidence');
});

test('metamorphic: rewording with synonyms gives the same kind', () => {
  const rewordings: Record<ReportKind, string> = {
    copyright: 'This page reproduces my own original artwork; it is a pirated copy posted without my permission. I hold the copyright.',
    trademark:
      'This store offers knock-off goods bearing our registered mark, confusingly similar to our genuine products. Our trade mark is registered with the USPTO.',
    phishing: 'This page is a spoofed bank sign-in that captures passwords; it also drops a trojan (malware) on visitors.',
    csam: 'The album contains CSAM: child pornography involving underage children.',
    threat: 'The author threatens to shoot him and incites violence against his family; it reads as a death threat.',
    ncsei: 'Someone shared sexually explicit photos of me taken without my consent; these are non-consensual intimate pictures.',
    whois:
      'Please tell us who registered this domain: we need the domain owner information (registrant details) for a court case; the registrar WHOIS shows nothing.',
    general: 'The site breaks your terms of use: it sends unsolicited bulk e-mail and hosts hate speech.',
  };
  for (const [kind, reworded] of Object.entries(rewordings) as [ReportKind, string][]) {
    assert.equal(classifySubject(reworded).kind, kind, `${kind} reworded`);
    assert.equal(classifySubject(reworded).kind, classifySubject(text(kind)).kind);
  }
});

test('metamorphic: reordering the paragraphs gives the same kind and the same confidence', () => {
  for (const kind of Object.keys(MESSAGES) as ReportKind[]) {
    const a = classifySubject(text(kind, [0, 1, 2]));
    const b = classifySubject(text(kind, [2, 0, 1]));
    const c = classifySubject(text(kind, [1, 2, 0]));
    assert.deepEqual([b.kind, b.confidence], [a.kind, a.confidence], kind);
    assert.deepEqual([c.kind, c.confidence], [a.kind, a.confidence], kind);
  }
});

test('metamorphic: the same message as HTML and as plain text reads as the same kind and regime', () => {
  for (const kind of Object.keys(MESSAGES) as ReportKind[]) {
    const html = `<html><body>${MESSAGES[kind].map((p) => `<p>${p.replace(/https:\/\/\S+?(?=[,.;]?\s)/g, (u) => `<a href="${u}">${u}</a>`)}</p>`).join('\n')}<p>Regards,<br>Alex Reporter<br>alex@reporter.test</p></body></html>`;
    const mail = { subject: 'Abuse report', from: { name: 'Alex Reporter', address: 'alex@reporter.test' }, attachments: [] };
    const plain = readMail({ ...mail, text: text(kind), html: null });
    const rich = readMail({ ...mail, text: null, html });
    assert.equal(rich.subject?.kind, kind, `${kind} as HTML`);
    assert.equal(plain.subject?.kind, kind, `${kind} as text`);
    assert.equal(rich.subject?.regime, plain.subject?.regime);
    assert.deepEqual(rich.infringing_urls, plain.infringing_urls, `${kind}: the same URLs`);
  }
});

test('URLs say nothing about the subject', () => {
  const s = classifySubject('Please look at https://proxied.example/phishing-malware-trademark-csam and tell me what you think of the colours.');
  assert.equal(s.source, 'default');
});

test('regime: the DSA when the message cites it, the DMCA when it cites §512, else the kind’s default', () => {
  assert.equal(detectRegime('This is a notice under Article 16 of the Digital Services Act.', 'phishing'), 'dsa');
  assert.equal(detectRegime('Notice pursuant to Regulation (EU) 2022/2065.', 'trademark'), 'dsa');
  assert.equal(detectRegime('Under Art. 16 we notify you of illegal content.', 'threat'), 'dsa');
  assert.equal(detectRegime('The content is illegal content under EU law and the law of Germany.', 'general'), 'dsa');
  assert.equal(detectRegime('This is a DMCA notice under 17 U.S.C. § 512(c).', 'copyright'), 'dmca');
  assert.equal(detectRegime('Please remove it.', 'copyright'), 'dmca');
  assert.equal(detectRegime('Please remove it.', 'phishing'), 'terms');
  assert.equal(detectRegime('A DMCA notice about our trademark.', 'trademark'), 'terms', 'a regime the kind cannot be made under gives its default');
  assert.equal(detectRegime('We notify you under the Digital Services Act of our WHOIS request.', 'whois'), 'terms', 'WHOIS requests have no DSA regime');
  assert.equal(
    classifySubject(`${text('copyright')}\nThis is a DMCA notice, and also one under the EU Digital Services Act.`).regime,
    'dmca',
    'a copyright notice citing both: DMCA',
  );
  assert.equal(classifySubject(`${MESSAGES.copyright.slice(0, 2).join('\n')}\nThis notice is made under the EU Digital Services Act.`).regime, 'dsa');
});

test('X-ARF: the report’s declared category decides, with full confidence', () => {
  assert.equal(kindOfXarf({ category: 'phishing', report_type: 'phishing' }), 'phishing');
  assert.equal(kindOfXarf({ category: 'fraud', report_type: null }), 'phishing');
  assert.equal(kindOfXarf({ category: 'malware', report_type: 'malware' }), 'phishing');
  assert.equal(kindOfXarf({ category: 'spam', report_type: null }), 'general');
  assert.equal(kindOfXarf({ category: 'copyright', report_type: null }), 'copyright');
  assert.equal(kindOfXarf({ category: 'abuse', report_type: 'child-abuse' }), 'csam');
  assert.equal(kindOfXarf({ category: 'trademark', report_type: null }), 'trademark');
  const s = classifySubject('Copyright notice: we own the copyright. DMCA.', { category: 'phishing', report_type: 'phishing' });
  assert.deepEqual([s.kind, s.source, s.confidence], ['phishing', 'xarf', 1]);
  const report = `Reported-From: reports@phishdesk.test
Category: fraud
Report-Type: phishing
Service: http
Version: 0.2
Date: 2026-11-20T08:00:00Z
Source-Type: uri
Source: https://proxied.example/secure/login
`;
  const r = readText(report);
  assert.equal(r.subject?.kind, 'phishing');
  assert.equal(r.xarf?.url, 'https://proxied.example/secure/login', 'the reported URL');
});
