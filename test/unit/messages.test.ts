import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BODY_URL_LIMIT,
  describeOutcome,
  hostMessage,
  ownerMessage,
  receiptMessage,
  reporterAcknowledgement,
  type MessageItem,
  type NoticeFacts,
  type OutgoingMessage,
} from '../../src/domain/messages.ts';
import { DMCA_STATEMENTS, type DmcaSubmission } from '../../src/domain/notice.ts';

const PROVIDER = 'Safeharbor';
const ID = '5b0c2c8e-1d2a-4c47-9a51-2f3e4d5c6b7a';
const AT = new Date('2025-06-01T12:34:56.000Z');
const ACCOUNT = { id: 'acct-1', name: 'Pirate Films Ltd', email: 'owner@piratefilms.example' };
const HOST = { name: 'Example Hosting', abuseEmail: 'abuse@hosting.example' };

function submission(patch: Partial<DmcaSubmission> = {}): DmcaSubmission {
  return {
    kind: 'copyright',
    regime: 'dmca',
    work: { description: 'The film "Sunrise" (2025)', urls: ['https://studio.example/sunrise', 'https://studio.example/trailer'], owner: 'Harbor Holdings' },
    claimant: {
      name: 'Jane Doe',
      company: 'Harbor Pictures',
      email: 'jane@studio.example',
      address: '1 Studio Way, Los Angeles, CA',
      phone: '+1 555 0100',
      country: 'US',
    },
    statements: { good_faith_belief: true, accuracy_and_authority: true },
    signature: '/s/ Jane Doe',
    notify: { owner: 'send', host: 'send' },
    comments: 'Please act quickly.',
    ...patch,
  } as DmcaSubmission;
}

function facts(patch: Partial<DmcaSubmission> = {}, statusUrl: string | null = 'https://desk.example/s/abc'): NoticeFacts {
  return { id: ID, createdAt: AT, submission: submission(patch), statusUrl, trustedFlagger: false };
}

function item(position: number, patch: Partial<MessageItem> = {}): MessageItem {
  return {
    position,
    submittedUrl: `https://piratefilms.example/${position}`,
    url: `https://piratefilms.example/${position}`,
    state: 'forwarded',
    reason: null,
    zone: 'piratefilms.example',
    hostName: 'Example Hosting',
    hostAsn: 64500,
    hostAbuseEmail: 'abuse@hosting.example',
    originIps: ['203.0.113.7'],
    ...patch,
  };
}

const items = (n: number, patch: Partial<MessageItem> = {}) => Array.from({ length: n }, (_, i) => item(i, patch));

/** A minimal RFC 4180 reader, to check the attachments round-trip. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  assert.equal(field, '', 'the CSV ends with CRLF');
  assert.equal(row.length, 0);
  return rows;
}

function assertSafeHeaders(m: OutgoingMessage): void {
  for (const [k, v] of [
    ['subject', m.subject],
    ['to', m.to],
  ] as const)
    assert.equal(/[\r\n\u0000]/.test(v), false, `${k}: ${JSON.stringify(v)}`);
  for (const a of m.attachments) assert.match(a.filename, /^[A-Za-z0-9._-]+$/);
}

// ---------------------------------------------------------------------------
// The site owner

test('owner: one message listing its URLs, the work, the claimant in full and the sworn statements', () => {
  const m = ownerMessage(PROVIDER, facts(), ACCOUNT, [item(0), item(1, { url: 'https://piratefilms.example/b?x=1' })]);
  assert.equal(m.recipientRole, 'owner');
  assert.equal(m.to, 'owner@piratefilms.example');
  assert.equal(m.dedupeKey, `notice:${ID}:owner:acct-1`);
  assert.equal(m.subject, `[Safeharbor] Copyright notice ${ID} about 2 URLs on your site`);
  assert.deepEqual(m.attachments, []);
  const b = m.body;
  assert.ok(
    b.startsWith('Dear Pirate Films Ltd,\n\nSafeharbor received a copyright infringement notice (DMCA, 17 U.S.C. §512) about 2 URLs on your site. '),
    b.slice(0, 200),
  );
  assert.ok(b.includes(`Notice: ${ID} (received 2025-06-01T12:34:56.000Z)`));
  assert.ok(b.includes('Reported URLs:\nhttps://piratefilms.example/0\nhttps://piratefilms.example/b?x=1\n\n'));
  assert.ok(
    b.includes(
      'Copyrighted work:\nThe film "Sunrise" (2025)\nCopyright owner: Harbor Holdings\nOriginal work can be seen at:\nhttps://studio.example/sunrise\nhttps://studio.example/trailer\n',
    ),
  );
  assert.ok(
    b.includes(
      'Complainant:\nName: Jane Doe\nCompany: Harbor Pictures\nE-mail: jane@studio.example\nAddress: 1 Studio Way, Los Angeles, CA\nPhone: +1 555 0100\nCountry: US\n',
    ),
  );
  assert.ok(
    b.includes(`The complainant affirmed:\n- ${DMCA_STATEMENTS.good_faith_belief}\n- ${DMCA_STATEMENTS.accuracy_and_authority}\nSigned: /s/ Jane Doe\n`),
  );
  assert.ok(b.includes('Comments from the complainant:\nPlease act quickly.\n'));
  assert.match(b, /counter notice under 17 U\.S\.C\. §512\(g\)\(3\)/);
  assert.doesNotMatch(b, /203\.0\.113\.7|Example Hosting/, 'the owner is not told the origin or its host');
  assertSafeHeaders(m);
});

test('owner: singular wording for one URL, plural "sites" when the URLs span zones', () => {
  const one = ownerMessage(PROVIDER, facts(), ACCOUNT, [item(0)]);
  assert.equal(one.subject, `[Safeharbor] Copyright notice ${ID} about 1 URL on your site`);
  assert.match(one.body, /about a URL on your site\./);
  const two = ownerMessage(PROVIDER, facts(), ACCOUNT, [item(0), item(1, { zone: 'mirror.example' })]);
  assert.match(two.body, /about 2 URLs on your sites\./);
});

test('owner: optional parts are left out, not printed empty', () => {
  const m = ownerMessage(
    PROVIDER,
    facts({
      work: { description: 'A song' },
      claimant: { name: 'Jane Doe', email: 'jane@studio.example', address: 'Addr', country: 'DE' },
      comments: undefined,
    }),
    ACCOUNT,
    [item(0)],
  );
  assert.ok(m.body.includes('Copyrighted work:\nA song\n\nComplainant:\nName: Jane Doe\nE-mail: jane@studio.example\nAddress: Addr\nCountry: DE\n'));
  assert.doesNotMatch(m.body, /Company:|Phone:|Copyright owner:|Original work|Comments from|undefined|null/);
  const empty = ownerMessage(PROVIDER, facts({ work: { description: 'A song', urls: [] }, comments: '' }), ACCOUNT, [item(0)]);
  assert.doesNotMatch(empty.body, /Original work|Comments from/);
});

test('owner: an item without a normalised URL is listed as submitted', () => {
  const m = ownerMessage(PROVIDER, facts(), ACCOUNT, [item(0, { url: null, submittedUrl: 'piratefilms.example/raw' })]);
  assert.ok(m.body.includes('Reported URLs:\npiratefilms.example/raw\n'));
});

test(`owner: up to ${BODY_URL_LIMIT} URLs in the body and no attachment`, () => {
  const m = ownerMessage(PROVIDER, facts(), ACCOUNT, items(BODY_URL_LIMIT));
  assert.deepEqual(m.attachments, []);
  for (let i = 0; i < BODY_URL_LIMIT; i++) assert.ok(m.body.includes(`https://piratefilms.example/${i}\n`), String(i));
  assert.doesNotMatch(m.body, /more: every/);
});

test('owner: past the limit the body lists the first ones and a CSV of url,zone carries them all', () => {
  const list = items(BODY_URL_LIMIT + 51);
  list[3] = item(3, { zone: 'a,"quoted"\nzone' });
  const m = ownerMessage(PROVIDER, facts(), ACCOUNT, list);
  assert.ok(m.body.includes(`https://piratefilms.example/${BODY_URL_LIMIT - 1}\n… and 51 more: every URL is in the attached CSV file.\n`));
  assert.ok(!m.body.includes(`https://piratefilms.example/${BODY_URL_LIMIT}\n`));
  assert.equal(m.subject, `[Safeharbor] Copyright notice ${ID} about 251 URLs on your site`);
  assert.equal(m.attachments.length, 1);
  const a = m.attachments[0]!;
  assert.equal(a.filename, `notice-${ID}-urls.csv`);
  assert.equal(a.contentType, 'text/csv');
  const rows = parseCsv(a.content);
  assert.deepEqual(rows[0], ['url', 'zone']);
  assert.equal(rows.length, 1 + 251);
  assert.deepEqual(rows[1], ['https://piratefilms.example/0', 'piratefilms.example']);
  assert.deepEqual(rows[4], ['https://piratefilms.example/3', 'a,"quoted"\nzone']);
  assert.deepEqual(rows[251], ['https://piratefilms.example/250', 'piratefilms.example']);
});

// ---------------------------------------------------------------------------
// The hosting provider

test('host: one message listing each URL with its origin addresses, and the claimant when sent openly', () => {
  const m = hostMessage(
    PROVIDER,
    facts(),
    HOST,
    [item(0, { originIps: ['203.0.113.7', '2001:db8::7'] }), item(1, { originIps: null }), item(2, { originIps: [] })],
    false,
  );
  assert.equal(m.recipientRole, 'host');
  assert.equal(m.to, 'abuse@hosting.example');
  assert.equal(m.dedupeKey, `notice:${ID}:host:abuse@hosting.example`);
  assert.equal(m.subject, `[Safeharbor] Copyright notice ${ID}: 3 URLs served from your network`);
  assert.ok(m.body.startsWith('To the abuse team of Example Hosting,\n\nSafeharbor is a reverse proxy for the site(s) below;'));
  assert.match(m.body, /about these 3 URLs and has forwarded it to its customer/);
  assert.ok(
    m.body.includes(
      'Reported URLs and the origin address each is served from:\nhttps://piratefilms.example/0  (origin 203.0.113.7, 2001:db8::7)\nhttps://piratefilms.example/1  (origin unknown)\nhttps://piratefilms.example/2  (origin unknown)\n',
    ),
  );
  assert.ok(m.body.includes('Complainant:\nName: Jane Doe\nCompany: Harbor Pictures\nE-mail: jane@studio.example\n'));
  assert.ok(m.body.includes('Signed: /s/ Jane Doe'));
  assert.ok(m.body.includes('Copyrighted work:\nThe film "Sunrise" (2025)\n'));
  assert.doesNotMatch(m.body, /Please act quickly/, 'comments are for the owner');
  assertSafeHeaders(m);
  assert.match(hostMessage(PROVIDER, facts(), HOST, [item(0)], false).body, /about this URL and has/);
  assert.equal(hostMessage(PROVIDER, facts(), HOST, [item(0)], false).subject, `[Safeharbor] Copyright notice ${ID}: 1 URL served from your network`);
});

test('host, send-anon: no name, company, e-mail, address, phone, country or signature of the claimant anywhere', () => {
  const distinctive = submission({
    claimant: {
      name: 'Zelda Quixote-Vance',
      company: 'Quasar Lumen Pictures',
      email: 'zelda.qv@quasarlumen.example',
      address: '77 Obscure Lane, Smalltown',
      phone: '+44 20 7946 0958',
      country: 'GB',
    },
    signature: '/s/ Zelda Quixote-Vance',
  });
  const f: NoticeFacts = { id: ID, createdAt: AT, submission: distinctive, statusUrl: 'https://desk.example/s/secret-token', trustedFlagger: false };
  const list = items(BODY_URL_LIMIT + 1);
  const m = hostMessage(PROVIDER, f, HOST, list, true);
  const everything = [m.to, m.subject, m.body, m.dedupeKey, ...m.attachments.flatMap((a) => [a.filename, a.content])].join('\n');
  for (const secret of ['Zelda', 'Quixote', 'Quasar', 'quasarlumen', 'Obscure Lane', 'Smalltown', '7946', 'Country: GB', 'secret-token']) {
    assert.ok(!everything.includes(secret), `"${secret}" leaked to the host`);
  }
  assert.ok(m.body.includes('Complainant:\nThe complainant asked that their identity not be passed on to the hosting provider.'));
  assert.ok(m.body.includes("Signed (name withheld at the complainant's request)"));
  // What the host needs to act is still there.
  assert.ok(m.body.includes('https://piratefilms.example/0  (origin 203.0.113.7)'));
  assert.ok(m.body.includes(`- ${DMCA_STATEMENTS.accuracy_and_authority}`));
  assert.ok(m.body.includes('The film "Sunrise" (2025)'));
  // The same notice sent openly does carry them (so the test above can fail).
  const open = hostMessage(PROVIDER, f, HOST, list, false);
  for (const shown of ['Zelda Quixote-Vance', 'Quasar Lumen Pictures', 'zelda.qv@quasarlumen.example', '77 Obscure Lane', 'Signed: /s/ Zelda Quixote-Vance'])
    assert.ok(open.body.includes(shown), shown);
});

test('host: the dedupe key ignores the case of the abuse address', () => {
  const a = hostMessage(PROVIDER, facts(), { name: 'H', abuseEmail: 'Abuse@Hosting.Example' }, [item(0)], false);
  const b = hostMessage(PROVIDER, facts(), { name: 'H', abuseEmail: 'abuse@hosting.example' }, [item(0)], true);
  assert.equal(a.dedupeKey, b.dedupeKey);
  assert.equal(a.to, 'Abuse@Hosting.Example');
});

test('host: past the limit, a CSV of url,origin_ips with every URL', () => {
  const list = items(BODY_URL_LIMIT + 2, { originIps: ['203.0.113.7', '203.0.113.8'] });
  const m = hostMessage(PROVIDER, facts(), HOST, list, false);
  assert.ok(m.body.includes('… and 2 more: every URL is in the attached CSV file.'));
  const rows = parseCsv(m.attachments[0]!.content);
  assert.equal(m.attachments[0]!.filename, `notice-${ID}-urls.csv`);
  assert.deepEqual(rows[0], ['url', 'origin_ips']);
  assert.equal(rows.length, 1 + BODY_URL_LIMIT + 2);
  assert.deepEqual(rows.at(-1), [`https://piratefilms.example/${BODY_URL_LIMIT + 1}`, '203.0.113.7 203.0.113.8']);
  assert.deepEqual(hostMessage(PROVIDER, facts(), HOST, items(BODY_URL_LIMIT), false).attachments, []);
});

// ---------------------------------------------------------------------------
// The reporter

const MIXED: MessageItem[] = [
  item(0),
  item(1, {
    state: 'pending_review',
    zone: 'shop.example',
    url: 'https://shop.example/x',
    submittedUrl: 'shop.example/x',
    hostName: null,
    hostAsn: null,
    hostAbuseEmail: null,
    originIps: null,
    reason: 'Safeharbor stores this content itself; …',
  }),
  item(2, {
    state: 'not_on_network',
    zone: null,
    url: 'https://elsewhere.example/',
    submittedUrl: 'https://elsewhere.example/',
    hostName: null,
    hostAsn: null,
    hostAbuseEmail: null,
    originIps: null,
    reason: 'elsewhere.example is not a site on …',
  }),
  item(3, {
    state: 'invalid',
    zone: null,
    url: null,
    submittedUrl: 'javascript:alert(1)',
    hostName: null,
    hostAsn: null,
    hostAbuseEmail: null,
    originIps: null,
    reason: 'unsupported scheme "javascript:": only http and https URLs can be acted on',
  }),
  item(4, { hostName: 'No Contact Networks', hostAsn: null, hostAbuseEmail: null, originIps: ['198.51.100.1'] }),
  item(5, { state: 'forwarded', hostName: 'Example Hosting', hostAsn: 64500 }),
];

test('describeOutcome: the outcome, the hosting provider with AS and contact when known, and why when invalid or rejected', () => {
  assert.equal(describeOutcome(MIXED[0]!), 'forwarded to the site owner; hosting provider: Example Hosting (AS64500), abuse contact abuse@hosting.example');
  assert.equal(describeOutcome(MIXED[1]!), 'content hosted by us: under review');
  assert.equal(describeOutcome(MIXED[2]!), 'not on our network');
  assert.equal(describeOutcome(MIXED[3]!), 'not a valid URL; unsupported scheme "javascript:": only http and https URLs can be acted on');
  assert.equal(describeOutcome(MIXED[4]!), 'forwarded to the site owner; hosting provider: No Contact Networks');
  assert.equal(
    describeOutcome(item(0, { state: 'rejected', reason: 'fair use' })),
    'rejected; hosting provider: Example Hosting (AS64500), abuse contact abuse@hosting.example; fair use',
  );
  assert.equal(describeOutcome(item(0, { state: 'content_disabled', hostName: null })), 'content disabled');
  assert.equal(describeOutcome(item(0, { state: 'received', hostName: null })), 'being processed');
  assert.equal(describeOutcome(item(0, { state: 'some_future_state', hostName: null })), 'some_future_state');
  assert.equal(
    describeOutcome(item(0, { state: 'forwarded', reason: 'internal note', hostName: null })),
    'forwarded to the site owner',
    'reasons only for invalid and rejected',
  );
});

test('reporter: acknowledgement with a summary and every URL as submitted with its outcome and hosting provider', () => {
  const m = reporterAcknowledgement(PROVIDER, facts(), MIXED)!;
  assert.equal(m.recipientRole, 'reporter');
  assert.equal(m.to, 'jane@studio.example');
  assert.equal(m.dedupeKey, `notice:${ID}:reporter-ack`);
  assert.equal(m.subject, `[Safeharbor] Your copyright notice ${ID}: 6 URLs processed`);
  assert.deepEqual(m.attachments, []);
  assert.ok(m.body.startsWith(`Dear Jane Doe,\n\nSafeharbor received your copyright notice ${ID} on 2025-06-01T12:34:56.000Z and processed all 6 URLs.\n`));
  assert.ok(
    m.body.includes(
      "Summary:\n  forwarded to the site owner: 3\n  content hosted by us: under review: 1\n  not on our network: 1\n  not a valid URL: 1\n\nFollow every URL's status at any time: https://desk.example/s/abc\n\n",
    ),
  );
  const expected = [
    'https://piratefilms.example/0\n    → forwarded to the site owner; hosting provider: Example Hosting (AS64500), abuse contact abuse@hosting.example',
    'shop.example/x\n    → content hosted by us: under review',
    'https://elsewhere.example/\n    → not on our network',
    'javascript:alert(1)\n    → not a valid URL; unsupported scheme "javascript:": only http and https URLs can be acted on',
    'https://piratefilms.example/4\n    → forwarded to the site owner; hosting provider: No Contact Networks',
    'https://piratefilms.example/5\n    → forwarded to the site owner; hosting provider: Example Hosting (AS64500), abuse contact abuse@hosting.example',
  ];
  assert.ok(m.body.endsWith(`Outcome for each URL:\n${expected.join('\n')}\n`), m.body);
  assertSafeHeaders(m);
});

test('reporter: origin IP addresses never appear, in the body or the CSV', () => {
  const list = items(BODY_URL_LIMIT + 5, { originIps: ['203.0.113.77', '2001:db8::77'] });
  const m = reporterAcknowledgement(PROVIDER, facts(), list)!;
  const everything = [m.body, ...m.attachments.map((a) => a.content)].join('\n');
  assert.equal(m.attachments.length, 1);
  assert.ok(!everything.includes('203.0.113.77'));
  assert.ok(!everything.includes('2001:db8::77'));
});

test('reporter: one URL, no status link', () => {
  const m = reporterAcknowledgement(PROVIDER, facts({}, null), [item(0)])!;
  assert.equal(m.subject, `[Safeharbor] Your copyright notice ${ID}: 1 URL processed`);
  assert.match(m.body, /and processed all 1 URL\.\n/);
  assert.doesNotMatch(m.body, /Follow every URL/);
  assert.match(m.body, /Summary:\n {2}forwarded to the site owner: 1\n\nOutcome for each URL:\n/);
});

test('reporter: past the limit, a CSV with every URL, its outcome, zone, host, ASN, contact and reason', () => {
  const list = [...MIXED, ...items(BODY_URL_LIMIT).map((i, k) => ({ ...i, position: MIXED.length + k }))];
  const m = reporterAcknowledgement(PROVIDER, facts(), list)!;
  assert.match(m.body, /\n… and 6 more: every URL and its outcome is in the attached CSV file\.\n$/);
  assert.equal(m.attachments.length, 1);
  const a = m.attachments[0]!;
  assert.equal(a.filename, `notice-${ID}-outcomes.csv`);
  assert.equal(a.contentType, 'text/csv');
  const rows = parseCsv(a.content);
  assert.deepEqual(rows[0], ['position', 'submitted_url', 'url', 'state', 'zone', 'hosting_provider', 'asn', 'abuse_contact', 'reason']);
  assert.equal(rows.length, 1 + list.length);
  assert.deepEqual(rows[1], [
    '0',
    'https://piratefilms.example/0',
    'https://piratefilms.example/0',
    'forwarded',
    'piratefilms.example',
    'Example Hosting',
    '64500',
    'abuse@hosting.example',
    '',
  ]);
  assert.deepEqual(rows[4], [
    '3',
    'javascript:alert(1)',
    '',
    'invalid',
    '',
    '',
    '',
    '',
    'unsupported scheme "javascript:": only http and https URLs can be acted on',
  ]);
  assert.deepEqual(rows[3], [
    '2',
    'https://elsewhere.example/',
    'https://elsewhere.example/',
    'not_on_network',
    '',
    '',
    '',
    '',
    'elsewhere.example is not a site on …',
  ]);
});

test('reporter CSV: commas, quotes and line breaks in a submitted entry stay inside their cell', () => {
  const nasty = 'https://a.example/x,"y"\r\nsecond,line';
  const list = [
    item(0, { state: 'invalid', url: null, submittedUrl: nasty, reason: 'URL contains a line break or tab: paste it on a single line' }),
    ...items(BODY_URL_LIMIT).map((i, k) => ({ ...i, position: k + 1 })),
  ];
  const rows = parseCsv(reporterAcknowledgement(PROVIDER, facts(), list)!.attachments[0]!.content);
  assert.equal(rows.length, 1 + list.length);
  assert.equal(rows[1]![1], nasty);
  assert.equal(rows[1]!.length, 9);
});

test('reporter CSV: a cell that a spreadsheet would run as a formula is defused with a leading quote', () => {
  const formulas = ['=HYPERLINK("https://evil.example","click")', "+1+cmd|' /C calc'!A0", '-2+3', '@SUM(A1:A2)', '\t=1', '\r=1'];
  const list = [
    ...formulas.map((f, k) =>
      item(k, { state: 'invalid', url: null, zone: null, hostName: null, hostAsn: null, hostAbuseEmail: null, submittedUrl: f, reason: 'not a URL' }),
    ),
    ...items(BODY_URL_LIMIT).map((i, k) => ({ ...i, position: formulas.length + k })),
  ];
  const rows = parseCsv(reporterAcknowledgement(PROVIDER, facts(), list)!.attachments[0]!.content);
  formulas.forEach((f, k) => assert.equal(rows[1 + k]![1], `'${f}`, f));
  // Ordinary values are untouched, numbers included.
  assert.equal(rows[1 + formulas.length]![1], 'https://piratefilms.example/0');
  assert.equal(rows[1 + formulas.length]![6], '64500');
});

test('subjects carry only the provider, the notice number and a count, whatever the claimant, owner or host are called', () => {
  const hostile = submission({
    claimant: { name: 'Eve\r\nBcc: victim@else.example', company: 'X\nSubject: pwned', email: 'eve@evil.example', address: 'A\r\n\r\n<html>', country: 'US' },
    signature: 'Eve\r\nBcc: victim@else.example',
  });
  const f: NoticeFacts = { id: ID, createdAt: AT, submission: hostile, statusUrl: null, trustedFlagger: false };
  const account = { id: 'acct\r\nX: y', name: 'Owner\r\nBcc: a@b.example', email: 'owner@piratefilms.example' };
  const host = { name: 'Host\r\nBcc: a@b.example', abuseEmail: 'abuse@hosting.example' };
  const messages = [
    ownerMessage(PROVIDER, f, account, [item(0)]),
    hostMessage(PROVIDER, f, host, [item(0)], false),
    hostMessage(PROVIDER, f, host, [item(0)], true),
    reporterAcknowledgement(PROVIDER, f, [item(0)])!,
    receiptMessage(PROVIDER, { ...f, itemCount: 1 })!,
  ];
  for (const m of messages) {
    assertSafeHeaders(m);
    assert.match(m.subject, new RegExp(`^\\[Safeharbor\\] [^\\r\\n]*${ID}[^\\r\\n]*$`));
    assert.doesNotMatch(m.subject, /Eve|Owner|Host|Bcc|pwned/);
  }
});

test('receipt: the notice number, the URL count and the private status link', () => {
  const m = receiptMessage(PROVIDER, { ...facts(), itemCount: 3 })!;
  assert.equal(m.recipientRole, 'reporter');
  assert.equal(m.to, 'jane@studio.example');
  assert.equal(m.dedupeKey, `notice:${ID}:reporter-receipt`);
  assert.notEqual(m.dedupeKey, reporterAcknowledgement(PROVIDER, facts(), [item(0)])!.dedupeKey, 'the receipt does not suppress the acknowledgement');
  assert.equal(m.subject, `[Safeharbor] We received your copyright notice ${ID}`);
  assert.ok(m.body.startsWith(`Dear Jane Doe,\n\nSafeharbor received your copyright notice ${ID} on 2025-06-01T12:34:56.000Z about 3 URLs.\n`));
  assert.ok(m.body.includes('keep it to yourself):\nhttps://desk.example/s/abc\n'));
  assert.deepEqual(m.attachments, []);
  const one = receiptMessage(PROVIDER, { ...facts({}, null), itemCount: 1 })!;
  assert.match(one.body, /about 1 URL\.\n/);
  assert.ok(one.body.includes('(no link available)'));
});

test('the provider name is used as given, in subject and body', () => {
  const m = ownerMessage('Acme CDN', facts(), ACCOUNT, [item(0)]);
  assert.ok(m.subject.startsWith('[Acme CDN] '));
  assert.match(m.body, /\n\nAcme CDN received a copyright infringement notice/);
});

// Tests do not time things (a loaded machine fails them): how long this takes is npm run bench's to say.
test('large notices: the messages for 250,000 URLs keep a short body and carry every URL in the attachment', () => {
  const list = items(250_000);
  const owner = ownerMessage(PROVIDER, facts(), ACCOUNT, list);
  const ack = reporterAcknowledgement(PROVIDER, facts(), list)!;
  assert.ok(owner.body.length < 20_000, String(owner.body.length));
  assert.ok(ack.body.length < 40_000, String(ack.body.length));
  assert.match(owner.body, /… and 249800 more: every URL is in the attached CSV file\./);
  assert.equal(owner.attachments[0]!.content.split('\r\n').length, 1 + 250_000 + 1);
  assert.equal(ack.attachments[0]!.content.split('\r\n').length, 1 + 250_000 + 1);
});
