import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readNotice, readMail, parseAcns, parseMime } from '../../src/reader/index.ts';

const run = promisify(execFile);
const read = (content: string, name = 'notice.txt') => readNotice({ name, content });

// ---------------------------------------------------------------------------------------------
// Hand-written notices (not from any corpus).

const FORM_TAKEDOWN = `Copyright Infringement Report — submitted via web form

Your full name: Priya Raman
Company: Lantern Type Foundry Ltd
Email: legal@lanterntype.example
Phone: +44 20 7946 0321
Street address: 14 Wharf Road, London N1 7GR
Country: GB

Describe the copyrighted work:
The "Harbour Sans" font family (12 weights), designed and sold by Lantern Type Foundry.

Where can we see an authorised example of the work?
https://lanterntype.example/fonts/harbour-sans
https://lanterntype.example/licensing

URLs of the allegedly infringing material:
https://cdn.freefontz.example/downloads/harbour-sans-full.zip
https://freefontz.example/font/harbour-sans/
https://mirror.fontdump.example/h/harbour_sans_all_weights.rar

Statements:
[x] I have a good faith belief that use of the material in the manner complained of is not authorized by the copyright owner, its agent, or the law.
[x] I swear, under penalty of perjury, that the information in the notification is accurate and that I am authorized to act on behalf of the owner of an exclusive right that is allegedly infringed.

Signature: Priya Raman
`;

const LAWYER_LETTER = `BRIGHTWATER & COLE LLP
200 Market Street, Suite 1800
San Francisco, CA 94105
Tel. (415) 555-0142

March 3, 2026

VIA E-MAIL: abuse@provider.example

Re: Notice of Copyright Infringement Pursuant to 17 U.S.C. § 512(c)

Dear Designated Agent:

We represent Northlight Pictures, Inc. ("Northlight"), the exclusive owner of the copyright in the
motion picture "The Quiet Meridian" (U.S. Copyright Reg. No. PA 2-345-678). Northlight's authorised
trailer is available on its official website at https://northlight.example/films/quiet-meridian and
the film is distributed only through licensed services.

It has come to our attention that your system is being used to distribute unauthorized copies of
the film. The infringing copies can be found at the following locations:

  1. https://streamvault.example/watch/quiet-meridian-2026-1080p
  2. https://streamvault.example/dl/qm2026.mkv
  3. http://files.cheapcine.example/q/quiet.meridian.2026.webrip.mp4

We request that you expeditiously remove or disable access to the material identified above.

We have a good faith belief that the use of the material in the manner complained of is not
authorized by Northlight, its agents, or the law. The information in this notification is
accurate, and under penalty of perjury, we are authorized to act on behalf of Northlight, the
owner of the exclusive rights allegedly infringed.

Very truly yours,

/s/ Daniel Okafor
Daniel Okafor
dokafor@brightwatercole.example
`;

const COUNTER = `Subject: Counter notification regarding my removed project

To the designated agent,

My repository was disabled after a complaint from Lantern Type Foundry. The material that was
removed and the location where it appeared before it was removed:
https://code.host.example/mkovacs/harbour-layout-engine

The project is a layout engine I wrote myself; it does not contain any of the complainant's fonts.

I swear, under penalty of perjury, that I have a good faith belief that the material was removed
or disabled as a result of a mistake or misidentification of the material to be removed or disabled.

I consent to the jurisdiction of the Federal District Court for the judicial district in which my
address is located, and I will accept service of process from the person who provided the original
notification or an agent of such person.

Name: Marta Kovács
Address: Váci út 12, 1132 Budapest, Hungary
Phone: +36 1 555 0199
Email: marta.kovacs@mail.example

Signed,
Marta Kovács
`;

const RETRACTION = `Hello,

On February 2 we sent you a copyright notice concerning several pages on your network. After
reviewing the matter with our client we have concluded that one of those pages was reported in
error: it hosts a licensed review excerpt.

We hereby withdraw our notice with respect to the following URL only, and ask that you reinstate it:

https://reviews.example/blog/2026/02/quiet-meridian-review

The remaining URLs in our notice are not affected.

Kind regards,
Daniel Okafor
Brightwater & Cole LLP
`;

const COUNTER_RETRACTION = `Dear abuse team,

I would like to withdraw my counter notice of last week concerning
https://code.host.example/mkovacs/harbour-layout-engine

The complainant and I have settled the matter; the repository may stay offline.

Thank you,
Marta Kovács
`;

const REVERSAL = `Notice of reinstatement

After further review, Example Hosting has reconsidered the takedown notice it previously processed
against the project below. Upon further consideration we have determined that the notice does not
meet the requirements of our copyright policy, because the code is licensed under the MIT License
and the license terms appear to be met.

We have therefore decided to reject the notice and restore the content previously disabled:
https://code.host.example/ossdev/tiny-parser

— Example Hosting Trust & Safety
`;

const NOT_A_NOTICE = `Hi there,

Could you tell me whether your plans include IPv6 on the load balancers, and what the monthly price
for an extra 100 GB of bandwidth would be? Our site is https://bakery.example.

Thanks,
Tom
`;

const ACNS_XML = `<?xml version="1.0" encoding="UTF-8"?>
<Infringement xmlns="http://www.acns.net/ACNS">
 <Case><ID>ABC-2026-000123</ID><Status>Open</Status><Severity>Normal</Severity></Case>
 <Complainant><Entity>Northlight Pictures, Inc.</Entity><Contact>Rights Desk</Contact>
  <Address>200 Market Street, San Francisco, CA 94105</Address><Phone>+1 415 555 0100</Phone><Email>rights@northlight.example</Email></Complainant>
 <Service_Provider><Entity>Example Hosting</Entity><Email>abuse@hosting.example</Email></Service_Provider>
 <Source><TimeStamp>2026-03-01T21:14:05Z</TimeStamp><IP_Address>198.51.100.23</IP_Address><Port>51413</Port>
  <Type>BitTorrent</Type><SubType BaseType="P2P" Protocol="BITTORRENT"/><Number_Files>1</Number_Files></Source>
 <Content><Item><TimeStamp>2026-03-01T21:10:00Z</TimeStamp><Title>The Quiet Meridian &amp; Extras</Title>
  <FileName>The.Quiet.Meridian.2026.1080p.mkv</FileName><FileSize>4312345678</FileSize>
  <Hash Type="SHA1">5b0f3a9c1e2d4f6a7b8c9d0e1f2a3b4c5d6e7f80</Hash></Item></Content>
</Infringement>`;

const ACNS_MAIL_TEXT = `-----BEGIN PGP SIGNED MESSAGE-----
Hash: SHA256

Dear Example Hosting,

Northlight Pictures, Inc. has a good faith belief that the activity described below is not
authorized by the copyright owner, its agent, or the law. The information in this notice is
accurate and, under penalty of perjury, we are authorized to act on behalf of the owner.

- --- evidence follows ---
${ACNS_XML}

Regards,
Rights Desk, Northlight Pictures
-----BEGIN PGP SIGNATURE-----

iQEzBAEBCAAdFiEEexampleexampleexampleexampleAAoJEexampleexample
=abcd
-----END PGP SIGNATURE-----
`;

const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE Infringement [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<Infringement xmlns="http://www.acns.net/ACNS"><Case><ID>&lol9;</ID></Case>
<Source><IP_Address>203.0.113.9</IP_Address><TimeStamp>2026-01-01T00:00:00Z</TimeStamp></Source></Infringement>`;

const XXE = `<?xml version="1.0"?>
<!DOCTYPE Infringement [ <!ENTITY secret SYSTEM "file:///etc/passwd"> ]>
<Infringement xmlns="http://www.acns.net/ACNS"><Case><ID>&secret;</ID></Case></Infringement>`;

// ---------------------------------------------------------------------------------------------

test('a form-based takedown: kind, URLs in their roles, claimant, all six elements', () => {
  const r = read(FORM_TAKEDOWN);
  assert.equal(r.kind, 'takedown');
  assert.deepEqual(r.infringing_urls, [
    'https://cdn.freefontz.example/downloads/harbour-sans-full.zip',
    'https://freefontz.example/font/harbour-sans/',
    'https://mirror.fontdump.example/h/harbour_sans_all_weights.rar',
  ]);
  assert.deepEqual(r.original_urls, ['https://lanterntype.example/fonts/harbour-sans', 'https://lanterntype.example/licensing']);
  assert.equal(r.claimant.name, 'Priya Raman');
  assert.equal(r.claimant.email, 'legal@lanterntype.example');
  assert.equal(r.claimant.company, 'Lantern Type Foundry Ltd');
  assert.equal(r.claimant.phone, '+44 20 7946 0321');
  assert.equal(r.claimant.country, 'GB');
  assert.match(r.claimant.address ?? '', /14 Wharf Road/);
  assert.deepEqual(r.elements, {
    signature: true,
    copyrighted_work: true,
    infringing_material: true,
    contact_information: true,
    good_faith_statement: true,
    accuracy_and_authority_statement: true,
  });
  assert.deepEqual(r.missing, []);
});

test("a free-form lawyer's letter: infringing list apart from the official site, /s/ signature", () => {
  const r = read(LAWYER_LETTER);
  assert.equal(r.kind, 'takedown');
  assert.deepEqual(r.infringing_urls, [
    'https://streamvault.example/watch/quiet-meridian-2026-1080p',
    'https://streamvault.example/dl/qm2026.mkv',
    'http://files.cheapcine.example/q/quiet.meridian.2026.webrip.mp4',
  ]);
  assert.deepEqual(r.original_urls, ['https://northlight.example/films/quiet-meridian']);
  assert.equal(r.claimant.name, 'Daniel Okafor');
  assert.equal(r.claimant.email, 'dokafor@brightwatercole.example');
  assert.deepEqual(r.missing, []);
});

test('original-work URLs are never reported as infringing', () => {
  for (const doc of [FORM_TAKEDOWN, LAWYER_LETTER]) {
    const r = read(doc);
    for (const u of r.original_urls) assert.ok(!r.infringing_urls.includes(u), `${u} is original, not infringing`);
  }
  const labelled = read(`DMCA notice. I am the copyright owner.
Original work: https://mysite.example/photos/sunset-over-lake
Infringing URL: https://copycat.example/gallery/sunset.jpg
Copied from: https://mysite.example/photos/aurora
Unauthorized copy: https://copycat.example/gallery/aurora.jpg
I have a good faith belief that this use is not authorized by the copyright owner, its agent, or the law.
Under penalty of perjury, the information here is accurate and I am the owner of the exclusive right.
/s/ Ana Lima, ana@mysite.example`);
  assert.equal(labelled.kind, 'takedown');
  assert.deepEqual(labelled.infringing_urls, ['https://copycat.example/gallery/sunset.jpg', 'https://copycat.example/gallery/aurora.jpg']);
  assert.deepEqual(labelled.original_urls, ['https://mysite.example/photos/sunset-over-lake', 'https://mysite.example/photos/aurora']);
});

test('a takedown without the statements lists exactly what is missing', () => {
  const r = read(`Please take down https://copycat.example/gallery/sunset.jpg, it is a copy of my photograph.
Ana`);
  assert.equal(r.kind, 'takedown');
  assert.deepEqual(r.infringing_urls, ['https://copycat.example/gallery/sunset.jpg']);
  assert.equal(r.elements.good_faith_statement, false);
  assert.equal(r.elements.accuracy_and_authority_statement, false);
  assert.equal(r.elements.contact_information, false);
  assert.ok(r.missing.includes('good_faith_statement'));
  assert.ok(r.missing.includes('accuracy_and_authority_statement'));
  assert.ok(r.missing.includes('contact_information'));
  assert.ok(!r.missing.includes('infringing_material'));
});

test('a counter notice: §512(g)(3) elements and the disputed location', () => {
  const r = read(COUNTER);
  assert.equal(r.kind, 'counter_notice');
  assert.deepEqual(r.infringing_urls, ['https://code.host.example/mkovacs/harbour-layout-engine']);
  assert.deepEqual(r.elements, {
    signature: true,
    material_and_location: true,
    mistake_statement: true,
    contact_information: true,
    consent_to_jurisdiction: true,
  });
  assert.deepEqual(r.missing, []);
  assert.equal(r.claimant.name, 'Marta Kovács');
  assert.equal(r.claimant.email, 'marta.kovacs@mail.example');
});

test('a counter notice without consent to jurisdiction is missing that element', () => {
  const r = read(`This is my counter notice. My video at https://video.example/v/123 was removed by mistake.
I swear under penalty of perjury that the material was removed as a result of mistake or misidentification.
Marta Kovács, Váci út 12, Budapest, +36 1 555 0199`);
  assert.equal(r.kind, 'counter_notice');
  assert.equal(r.elements.consent_to_jurisdiction, false);
  assert.deepEqual(r.missing, ['consent_to_jurisdiction']);
});

test('a retraction, a counter notice retraction and a provider reversal', () => {
  const rt = read(RETRACTION);
  assert.equal(rt.kind, 'retraction');
  assert.deepEqual(rt.infringing_urls, ['https://reviews.example/blog/2026/02/quiet-meridian-review']);
  assert.deepEqual(rt.elements, {});
  assert.deepEqual(rt.missing, []);
  const cr = read(COUNTER_RETRACTION);
  assert.equal(cr.kind, 'counter_notice_retraction');
  assert.deepEqual(cr.infringing_urls, ['https://code.host.example/mkovacs/harbour-layout-engine']);
  const rv = read(REVERSAL);
  assert.equal(rv.kind, 'reversal');
  assert.deepEqual(rv.infringing_urls, ['https://code.host.example/ossdev/tiny-parser']);
});

test('retractions in other words: standing down, licensing, the problem fixed, a dropped complaint', () => {
  const letters = [
    `Further to our notice of 12 May, the infringing files have been removed by the repository owner from https://code.host.example/q/w, so we no longer object to the repository being available. You may re-enable it. We do not wish to pursue this matter further.\n\nLegal team, Example Games Ltd.`,
    `Dear Sir or Madam,\n\nWe hereby rescind the copyright complaint filed on 2019-04-02 against https://code.host.example/foo/baz. Kindly disregard our earlier request and reinstate the material.\n\nJohn Smith, Legal Counsel`,
    `Hello,\n\nThe developer has now been granted a licence for our artwork, so please restore https://code.host.example/studio/game and we drop our complaint.\n\nJane Doe`,
  ];
  for (const letter of letters) assert.equal(read(letter).kind, 'retraction', letter);
});

test('standing firm is not a retraction: "we will not withdraw our notice", "we refuse to drop the complaint"', () => {
  const r = read(
    `Dear provider,\n\nWe will not withdraw our DMCA notice for https://code.host.example/q/w and we refuse to drop the complaint. The repository still infringes our copyright; please keep it disabled.\n\nExample Games Ltd.`,
  );
  assert.equal(r.kind, 'takedown');
  assert.deepEqual(r.infringing_urls, ['https://code.host.example/q/w']);
});

test('a complainant asking for content to be disabled again reads as a takedown, not "other"', () => {
  const r = read(
    `Dear provider,\n\nThe user has not removed the files. We request that you disable https://code.host.example/q/w again, as the fork still contains our proprietary code.\n\nExample Games Ltd.`,
  );
  assert.equal(r.kind, 'takedown');
  assert.deepEqual(r.infringing_urls, ['https://code.host.example/q/w']);
});

test('a message that is not a notice is "other" with no URLs to act on', () => {
  const r = read(NOT_A_NOTICE);
  assert.equal(r.kind, 'other');
  assert.deepEqual(r.infringing_urls, []);
  assert.deepEqual(r.missing, []);
});

test('ACNS 2.0 XML: IP, port, time and the work; complainant as claimant', () => {
  const r = readNotice({ name: 'notice.xml', content: Buffer.from(ACNS_XML) });
  assert.equal(r.kind, 'takedown');
  assert.ok(r.acns);
  assert.equal(r.acns.case_id, 'ABC-2026-000123');
  assert.equal(r.acns.ip, '198.51.100.23');
  assert.equal(r.acns.port, 51413);
  assert.equal(r.acns.timestamp, '2026-03-01T21:14:05Z');
  assert.equal(r.acns.protocol, 'BITTORRENT');
  assert.equal(r.acns.items[0]?.title, 'The Quiet Meridian & Extras');
  assert.equal(r.acns.items[0]?.hash, '5b0f3a9c1e2d4f6a7b8c9d0e1f2a3b4c5d6e7f80');
  assert.equal(r.claimant.email, 'rights@northlight.example');
  assert.equal(r.claimant.company, 'Northlight Pictures, Inc.');
  assert.equal(r.elements.infringing_material, true);
  assert.equal(r.elements.copyrighted_work, true);
  assert.deepEqual(r.warnings, []);
});

test('ACNS inline in PGP-signed text: statements from the text, facts from the XML, signature from PGP', () => {
  const r = read(ACNS_MAIL_TEXT, 'mail.txt');
  assert.equal(r.kind, 'takedown');
  assert.equal(r.acns?.ip, '198.51.100.23');
  assert.equal(r.elements.good_faith_statement, true);
  assert.equal(r.elements.accuracy_and_authority_statement, true);
  assert.equal(r.elements.signature, true);
  assert.deepEqual(r.missing, []);
});

test('ACNS as a mail attachment (.eml, multipart, base64)', () => {
  const b64 = Buffer.from(ACNS_XML).toString('base64').replace(/.{76}/g, '$&\r\n');
  const eml = [
    'From: "Rights Desk" <rights@northlight.example>',
    'To: abuse@hosting.example',
    'Subject: =?UTF-8?Q?Copyright_infringement_notice_=E2=80=93_case_ABC-2026-000123?=',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    'We have a good faith belief that the use described in the attached notice is not authorized by t=',
    'he copyright owner, its agent, or the law. Under penalty of perjury, this notice is accurate and we are au=',
    'thorized to act on behalf of the owner.',
    '',
    'Rights Desk',
    '--b1',
    'Content-Type: application/xml; name="acns.xml"',
    'Content-Disposition: attachment; filename="acns.xml"',
    'Content-Transfer-Encoding: base64',
    '',
    b64,
    '--b1--',
    '',
  ].join('\r\n');
  const mail = parseMime(eml);
  assert.equal(mail.subject, 'Copyright infringement notice – case ABC-2026-000123');
  assert.equal(mail.from?.address, 'rights@northlight.example');
  assert.equal(mail.attachments.length, 1);
  const r = readNotice({ name: 'notice.eml', content: Buffer.from(eml) });
  assert.equal(r.kind, 'takedown');
  assert.equal(r.acns?.ip, '198.51.100.23');
  assert.equal(r.claimant.email, 'rights@northlight.example');
  assert.equal(r.elements.good_faith_statement, true);
  assert.equal(readMail(mail).acns?.case_id, 'ABC-2026-000123');
});

test('an XML entity-expansion bomb is refused without expanding it', () => {
  const t0 = process.hrtime.bigint();
  const p = parseAcns(BILLION_LAUGHS);
  assert.equal(p.ok, false);
  assert.match(p.ok ? '' : p.reason, /DTD|ENTITY|document type/i);
  const r = readNotice({ name: 'bomb.xml', content: BILLION_LAUGHS });
  assert.equal(r.acns, null);
  assert.equal(r.kind, 'other');
  assert.ok(r.warnings.some((w) => /refused/.test(w)));
  assert.ok(!JSON.stringify(r).includes('lollol'));
  assert.ok(Number(process.hrtime.bigint() - t0) / 1e6 < 500, 'refused quickly');
  // Inside a mail's text, the bomb is refused and the text is still read.
  const inMail = read(`${LAWYER_LETTER}\n\n${BILLION_LAUGHS}\n`);
  assert.equal(inMail.kind, 'takedown');
  assert.equal(inMail.acns, null);
  assert.ok(inMail.warnings.length > 0);
});

test('external entities are refused, oversized and malformed XML too', () => {
  const xxe = parseAcns(XXE);
  assert.equal(xxe.ok, false);
  const big = parseAcns(`<Infringement xmlns="http://www.acns.net/ACNS"><Notes>${'x'.repeat(1_100_000)}</Notes></Infringement>`);
  assert.equal(big.ok, false);
  assert.match(big.ok ? '' : big.reason, /larger/);
  const deep = parseAcns(`<Infringement>${'<a>'.repeat(200)}${'</a>'.repeat(200)}</Infringement>`);
  assert.equal(deep.ok, false);
  const broken = parseAcns('<Infringement><Case><ID>1</Case></Infringement>');
  assert.equal(broken.ok, false);
  assert.match(broken.ok ? '' : broken.reason, /malformed/);
});

test('a reply quoting the original notice reads as what the sender wrote', () => {
  const reply = `I retract my DMCA notice for https://reviews.example/blog/2026/02/quiet-meridian-review; it was sent in error.

On Mon, 2 Feb 2026 at 10:00, Daniel Okafor <dokafor@brightwatercole.example> wrote:
> ${LAWYER_LETTER.split('\n').join('\n> ')}`;
  const r = read(reply);
  assert.equal(r.kind, 'retraction');
  assert.deepEqual(r.infringing_urls, ['https://reviews.example/blog/2026/02/quiet-meridian-review']);
});

test('pure: the same input reads the same, strings and buffers alike', () => {
  assert.deepEqual(read(LAWYER_LETTER), readNotice({ name: 'x.txt', content: Buffer.from(LAWYER_LETTER) }));
  assert.deepEqual(read(COUNTER), read(COUNTER));
});

test('other formats: an agency notice with <links> and [markdown](links), a DSA Art. 16 notice, a plain counter notice', () => {
  const agency = read(`Subject: Notice of Unauthorized Use - Ref #MX-55012

To whom it may concern,

MarkShield Ltd. acts as an authorised agent for Helios Records GmbH. We have identified the
following files being made available through your service without authorisation.

Copyrighted work: "Blue Hours" by Ana Sol (album, 2025)
Rightsholder: Helios Records GmbH
Reported link: <https://sharezone.example/f/8a7b6c/blue_hours_2025.zip>
Reported link: <https://sharezone.example/f/8a7b6d/blue_hours_flac.rar>

Copyrighted work: "Night Ferry" by Ana Sol (single)
Reported link: [download](https://dl.tunesbin.example/night-ferry.mp3)

We have a good faith belief that use of the material in the manner complained of is not authorised
by the copyright owner, its agent, or the law. We declare that the information in this notice is
accurate and, under penalty of perjury, that we are authorised to act on behalf of the owner.

MarkShield Ltd., 5 Dock Street, Dublin D01 F5P2, Ireland | +353 1 555 0188 | notices@markshield.example
Signed: Ciara Byrne, Enforcement Lead
`);
  assert.equal(agency.kind, 'takedown');
  assert.deepEqual(agency.infringing_urls, [
    'https://sharezone.example/f/8a7b6c/blue_hours_2025.zip',
    'https://sharezone.example/f/8a7b6d/blue_hours_flac.rar',
    'https://dl.tunesbin.example/night-ferry.mp3',
  ]);
  assert.equal(agency.claimant.name, 'Ciara Byrne');
  assert.equal(agency.claimant.email, 'notices@markshield.example');
  assert.deepEqual(agency.missing, []);

  const dsa = read(
    `# Notice under Article 16 of the Digital Services Act

**Notifier:** Studio Kettle SAS, 8 rue des Lilas, 75011 Paris, France — legal@studiokettle.example

**Explanation of why the content is illegal:** The pages below reproduce our animated short film
"Petit Nuage" in full, without licence, infringing our copyright (Code de la propriété intellectuelle, art. L.122-4).

**Exact electronic location of the content:**
- https://vidhub.example/v/petit-nuage-full
- https://vidhub.example/v/petit-nuage-hd

**Where our work is lawfully available:** https://studiokettle.example/films/petit-nuage

**Statement:** I confirm my bona fide belief that the information and allegations contained in this notice are accurate and complete.

Signed, Élodie Marchand
`,
    'notice.md',
  );
  assert.equal(dsa.kind, 'takedown');
  assert.deepEqual(dsa.infringing_urls, ['https://vidhub.example/v/petit-nuage-full', 'https://vidhub.example/v/petit-nuage-hd']);
  assert.deepEqual(dsa.original_urls, ['https://studiokettle.example/films/petit-nuage']);
  assert.equal(dsa.claimant.company, 'Studio Kettle SAS');
  // A DSA notice makes no §512(c)(3)(A)(vi) statement under penalty of perjury.
  assert.deepEqual(dsa.missing, ['accuracy_and_authority_statement']);

  const cn = read(`Hello,

My website https://bakery.example/recipes/sourdough was disabled because of a copyright claim by
"FoodPhotos Inc". The photos on that page were taken by me. I believe the material was removed as
a result of mistake or misidentification, and I state this under penalty of perjury.
I consent to the jurisdiction of the federal district court for my district and will accept service
of process from the claimant.

Tom Baker
12 Oak Lane, Leeds LS1 4AB, UK
+44 113 555 0100
`);
  assert.equal(cn.kind, 'counter_notice');
  assert.deepEqual(cn.infringing_urls, ['https://bakery.example/recipes/sourdough']);
  assert.equal(cn.claimant.name, 'Tom Baker');
  assert.deepEqual(cn.missing, []);
});

test('a copy named beside the original work is acted on only when the question about the material lists nothing', () => {
  const form = (material: string) => `**Please describe the original work that has been copied. Include a URL to where it is posted online.**

The copier took my script and renamed it.

My script: https://code.example.org/jo/planner/main.js
Infringing copy: https://code.example.org/copier/planner-hack/hack.js

**What files should be taken down? Please provide URLs for each file.**

${material}

**Is the work licensed under an open source license?**

No

**Please type your full legal name below to sign this request.**

Jo Example
`;
  const listed = read(form('https://code.example.org/copier/planner-hack'), 'notice.md');
  assert.deepEqual(listed.infringing_urls, ['https://code.example.org/copier/planner-hack']);
  assert.deepEqual(listed.original_urls, ['https://code.example.org/jo/planner/main.js']);
  assert.ok(listed.other_urls.includes('https://code.example.org/copier/planner-hack/hack.js'));
  const seeAbove = read(form('See above.'), 'notice.md');
  assert.deepEqual(seeAbove.infringing_urls, ['https://code.example.org/copier/planner-hack/hack.js']);
  assert.deepEqual(seeAbove.original_urls, ['https://code.example.org/jo/planner/main.js']);
});

test('a plain-line form that asks in sentences: a label inside an answer is not a question of its own', () => {
  const r = read(`Please describe the original work that has been copied, with a URL to where it is posted online:

https://code.example.org/jo/planner

We found two copies of it:
https://code.example.org/copier/planner
https://code.example.org/other/planner

What files should be taken down? Please provide URLs for each file:

https://code.example.org/copier/planner

Is the work licensed under an open source license?

No

Please type your full legal name below to sign this request:

Jo Example
`);
  assert.deepEqual(r.infringing_urls, ['https://code.example.org/copier/planner']);
  assert.ok(r.original_urls.includes('https://code.example.org/jo/planner'));
  assert.equal(r.questions?.find((q) => q.question.startsWith('We found'))?.form_question, false);
  assert.equal(r.claimant.name, 'Jo Example');
});

test('a URL given both as the original work and as the material: named as the original it is never acted on; either way it is flagged', () => {
  const form = (work: string, material: string) => `**Please describe the original work that has been copied. Include a URL to where it is posted online.**

${work}

**What files should be taken down? Please provide URLs for each file.**

${material}

I have a good faith belief that use of the copyrighted materials described above is not authorized by the copyright owner, its agent, or the law.

I swear, under penalty of perjury, that the information in this notification is accurate and that I am the copyright owner.

**Please type your full legal name below to sign this request.**

Jo Example
`;
  const conflicting = (r: ReturnType<typeof read>) => {
    assert.ok(r.warnings.some((w) => /both as the original work and as material to act on/.test(w)));
    assert.ok(r.confidence!.original_urls <= 0.3 && r.confidence!.infringing_urls <= 0.3);
  };
  // Named as the original by its own label: it stays the original, and only the copy is acted on.
  const named = read(
    form('My original: https://code.example.org/jo/planner', 'https://code.example.org/copier/planner\nhttps://CODE.example.org/jo/planner/'),
    'notice.md',
  );
  assert.equal(named.kind, 'takedown');
  assert.deepEqual(named.infringing_urls, ['https://code.example.org/copier/planner']);
  assert.deepEqual(named.original_urls, ['https://code.example.org/jo/planner']);
  assert.deepEqual(named.url_conflicts, ['https://CODE.example.org/jo/planner/']);
  conflicting(named);
  // The only URL listed as material is the named original: nothing is left to act on.
  const only = read(form('My original: https://code.example.org/jo/planner', 'https://code.example.org/jo/planner'), 'notice.md');
  assert.deepEqual(only.infringing_urls, []);
  assert.deepEqual(only.original_urls, ['https://code.example.org/jo/planner']);
  assert.ok(only.missing.includes('infringing_material'));
  conflicting(only);
  // Only standing in the answer about the work (which often names the copy), and listed as the
  // material: it is the material, flagged all the same.
  const mentioned = read(form('https://code.example.org/copier/planner', 'https://code.example.org/copier/planner'), 'notice.md');
  assert.deepEqual(mentioned.infringing_urls, ['https://code.example.org/copier/planner']);
  assert.deepEqual(mentioned.original_urls, []);
  conflicting(mentioned);
  // No conflict: nothing said, confidence as read.
  const clean = read(form('https://code.example.org/jo/planner', 'https://code.example.org/copier/planner'), 'notice.md');
  assert.deepEqual(clean.url_conflicts, []);
  assert.ok(!clean.warnings.length);
  assert.ok(clean.confidence!.infringing_urls > 0.5);
});

test("a plain-line form: an answer's own prompt lines are not questions, whichever way its questions are marked", () => {
  const plain = `Please describe the original work that has been copied, with a URL to where it is posted online:

My planner app. The file names to be removed are shown below:
planner/main.js
planner/util.js

What files should be taken down? Please provide URLs for each file:

https://code.example.org/copier/planner

Where can we reach you? Please give your telephone number or street
address:
Phone number:
+1 555 0100
Address: 1 Main Street, Springfield

Further explanation (optional):

https://code.example.org/jo/notes

Please type your full legal name below to sign this request:

Jo Example
`;
  const r = read(plain);
  const q = (start: string) => r.questions?.find((x) => x.question.startsWith(start));
  // Pointing to the lines below, or another label for the details already asked for: lines of answers.
  assert.equal(q('My planner app')?.form_question, false);
  assert.equal(q('Phone number')?.form_question, false);
  // A field marked optional is one of the form's questions, even without asking in a sentence.
  assert.equal(q('Further explanation')?.form_question, true);
  assert.equal(r.claimant.name, 'Jo Example');
  assert.equal(r.claimant.address, '1 Main Street, Springfield');
  assert.equal(r.claimant.phone, '+1 555 0100');
  assert.deepEqual(r.infringing_urls, ['https://code.example.org/copier/planner']);
  assert.ok(!r.original_urls.includes('https://code.example.org/jo/notes'));
  // The same form with most questions in bold and the last one not: the same reading.
  const mixed = plain.replace(
    /^(Please describe.*:|What files.*:|Where can we reach you\?.*\naddress:|Further explanation \(optional\):)$/gm,
    (m) => `**${m}**`,
  );
  assert.notEqual(mixed, plain);
  const m = read(mixed, 'notice.md');
  assert.deepEqual(
    [m.claimant.name, m.claimant.address, m.claimant.phone, m.infringing_urls],
    [r.claimant.name, r.claimant.address, r.claimant.phone, r.infringing_urls],
  );
});

test('CLI: safeharbor read --json prints one JSON object per file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'reader-cli-'));
  try {
    writeFileSync(join(dir, 'letter.txt'), LAWYER_LETTER);
    writeFileSync(join(dir, 'counter.md'), COUNTER);
    writeFileSync(join(dir, 'acns.xml'), ACNS_XML);
    writeFileSync(join(dir, 'bomb.xml'), BILLION_LAUGHS);
    const files = ['letter.txt', 'counter.md', 'acns.xml', 'bomb.xml'].map((f) => join(dir, f));
    const { stdout } = await run(process.execPath, [join(import.meta.dirname, '../../bin/safeharbor.js'), 'read', '--json', ...files], { timeout: 60_000 });
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(lines.length, 4);
    assert.deepEqual(Object.keys(lines[0]!).slice(0, 7), ['file', 'kind', 'infringing_urls', 'original_urls', 'claimant', 'elements', 'missing']);
    assert.deepEqual(
      lines.map((l) => [l.file, l.kind]),
      [
        [files[0], 'takedown'],
        [files[1], 'counter_notice'],
        [files[2], 'takedown'],
        [files[3], 'other'],
      ],
    );
    assert.deepEqual(lines[0]!.infringing_urls, read(LAWYER_LETTER).infringing_urls);
    assert.ok(Array.isArray(lines[3]!.warnings));
    const failed = await run(process.execPath, [join(import.meta.dirname, '../../bin/safeharbor.js'), 'read', join(dir, 'nope.txt')]).then(
      () => null,
      (e: { code?: number; stdout?: string }) => e,
    );
    assert.equal(failed?.code, 1);
    assert.match(failed?.stdout ?? '', /"error"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
