import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { networkReportMessages, routeSighting, sightingFromReading, type Sighting } from '../../src/domain/network-report.ts';
import { readNotice } from '../../src/reader/index.ts';
import { CsvFileError } from '../../src/domain/csv-file.ts';
import { assignmentOf, holderAt, ipKey, parseInstant, parseNetblocksCsv, planNetblockImport } from '../../src/domain/netblocks.ts';

const HEADER = 'cidr,account_id,assigned_from,assigned_to';

test('parses IPv4 and IPv6 assignments, canonicalises CIDRs, reports bad lines by number and keeps the good ones', () => {
  const csv = [
    '# provider assignments',
    HEADER,
    '198.51.100.0/24,acct-a,2026-01-01,2026-06-01T00:00:00Z',
    '2001:DB8:0:0::/48,acct-b,2026-01-01T12:00:00+02:00,',
    '198.51.100.1/24,acct-a,2026-01-01,', // host bits set
    '203.0.113.0/24,,2026-01-01,', // no account
    '203.0.113.0/24,acct-c,2026-13-01,', // no such month
    '203.0.113.0/24,acct-c,2026-02-01,2026-01-01', // ends before it starts
    '203.0.113.0/24,acct-c,2026-02-01T10:00,', // no zone
    '',
    '::ffff:192.0.2.0/120,acct-d,2026-01-01,',
  ].join('\n');
  const { rows, errors } = parseNetblocksCsv(csv);
  assert.deepEqual(
    rows.map((r) => [r.cidr, r.accountId, r.assignedFrom.toISOString(), r.assignedTo?.toISOString() ?? null, r.line]),
    [
      ['198.51.100.0/24', 'acct-a', '2026-01-01T00:00:00.000Z', '2026-06-01T00:00:00.000Z', 3],
      ['2001:db8::/48', 'acct-b', '2026-01-01T10:00:00.000Z', null, 4],
      ['192.0.2.0/24', 'acct-d', '2026-01-01T00:00:00.000Z', null, 11],
    ],
  );
  assert.deepEqual(
    errors.map((e) => e.line),
    [5, 6, 7, 8, 9],
  );
  assert.match(errors[0]!.message, /host bits set .*198\.51\.100\.0\/24/);
  assert.match(errors[1]!.message, /account_id is empty/);
  assert.match(errors[2]!.message, /not a calendar date/);
  assert.match(errors[3]!.message, /after assigned_from/);
  assert.match(errors[4]!.message, /no time zone/);
});

test('a header without the required columns refuses the file, on the header line', () => {
  assert.throws(
    () => parseNetblocksCsv('\ncidr,account\n1.2.3.0/24,a\n'),
    (e: unknown) => e instanceof CsvFileError && e.line === 2 && /missing: account_id, assigned_from, assigned_to/.test(e.message),
  );
});

test('one block cannot have two holders over overlapping periods in one file; back-to-back periods are fine', () => {
  const { rows, errors } = parseNetblocksCsv(
    [HEADER, '198.51.100.0/24,acct-a,2026-01-01,2026-03-01', '198.51.100.0/24,acct-b,2026-03-01,', '198.51.100.0/24,acct-c,2026-05-01,'].join('\n'),
  );
  assert.deepEqual(
    rows.map((r) => r.accountId),
    ['acct-a', 'acct-b'],
  );
  assert.deepEqual(
    errors.map((e) => e.line),
    [4],
  );
  assert.match(errors[0]!.message, /overlapping period on line 3/);
});

test('parseInstant: dates are midnight UTC, date-times need a zone', () => {
  assert.equal((parseInstant('2026-02-28') as Date).toISOString(), '2026-02-28T00:00:00.000Z');
  assert.equal(typeof parseInstant('2026-02-30'), 'string');
  assert.equal((parseInstant('2026-02-28T23:30:00-01:00') as Date).toISOString(), '2026-03-01T00:30:00.000Z');
  assert.equal(typeof parseInstant('yesterday'), 'string');
});

test('IPv4 and its IPv4-mapped IPv6 spelling have one key; garbage has none', () => {
  assert.deepEqual(ipKey('192.0.2.7'), ipKey('::ffff:192.0.2.7'));
  assert.equal(ipKey('192.0.2'), null);
  assert.equal(ipKey('not an ip'), null);
  assert.equal(ipKey('2001:db8::1')!.length, 16);
});

const a = (cidr: string, accountId: string, from: string, to: string | null = null) =>
  assignmentOf({ cidr, accountId, assignedFrom: new Date(from), assignedTo: to ? new Date(to) : null });

test('holderAt: the holder at the time asked, not today’s, with the end exclusive', () => {
  const list = [
    a('198.51.100.0/24', 'old-customer', '2026-01-01T00:00:00Z', '2026-11-21T00:00:00Z'),
    a('198.51.100.0/24', 'new-customer', '2026-11-21T00:00:00Z'),
  ];
  assert.equal(holderAt(list, '198.51.100.20', new Date('2026-11-20T08:06:44Z'))?.accountId, 'old-customer');
  assert.equal(holderAt(list, '198.51.100.20', new Date('2026-11-21T00:00:00Z'))?.accountId, 'new-customer');
  assert.equal(holderAt(list, '198.51.100.20', new Date('2025-12-31T23:59:59Z')), null, 'before any assignment');
  assert.equal(holderAt(list, '198.51.101.1', new Date('2026-11-20T00:00:00Z')), null, 'outside the block');
});

test('holderAt: the longest prefix in force wins among overlapping blocks, and only while in force', () => {
  const list = [
    a('198.51.100.0/22', 'reseller', '2026-01-01T00:00:00Z'),
    a('198.51.100.16/28', 'customer', '2026-06-01T00:00:00Z', '2026-09-01T00:00:00Z'),
    a('0.0.0.0/0', 'catch-all', '2026-01-01T00:00:00Z'),
  ];
  assert.equal(holderAt(list, '198.51.100.20', new Date('2026-07-01T00:00:00Z'))?.accountId, 'customer');
  assert.equal(holderAt(list, '198.51.100.20', new Date('2026-10-01T00:00:00Z'))?.accountId, 'reseller', 'the /28 has ended; the /22 still covers it');
  assert.equal(holderAt(list, '198.51.100.40', new Date('2026-07-01T00:00:00Z'))?.accountId, 'reseller');
  assert.equal(holderAt(list, '8.8.8.8', new Date('2026-07-01T00:00:00Z'))?.accountId, 'catch-all');
  assert.equal(holderAt(list, '2001:db8::1', new Date('2026-07-01T00:00:00Z')), null, 'an IPv4 /0 does not cover IPv6 space');
});

test('holderAt: IPv6 blocks, nested, and an IPv4-mapped address finds the IPv4 block', () => {
  const list = [
    a('2001:db8::/32', 'big', '2026-01-01T00:00:00Z'),
    a('2001:db8:1::/48', 'small', '2026-01-01T00:00:00Z'),
    a('192.0.2.0/24', 'v4', '2026-01-01T00:00:00Z'),
  ];
  const t = new Date('2026-03-01T00:00:00Z');
  assert.equal(holderAt(list, '2001:db8:1:ffff::1', t)?.accountId, 'small');
  assert.equal(holderAt(list, '2001:db8:2::1', t)?.accountId, 'big');
  assert.equal(holderAt(list, '2001:db9::1', t), null);
  assert.equal(holderAt(list, '::ffff:192.0.2.9', t)?.accountId, 'v4');
  assert.equal(holderAt(list, '2001:0db8:0001:0000:0000:0000:0000:0001', t)?.accountId, 'small', 'any spelling');
});

test('planNetblockImport: re-importing the same file changes nothing; closing a period and adding the next is accepted; an overlap with history is refused', () => {
  const first = parseNetblocksCsv([HEADER, '198.51.100.0/24,acct-a,2026-01-01,'].join('\n')).rows;
  const stored = first.map((r) => ({ cidr: r.cidr, accountId: r.accountId, assignedFrom: r.assignedFrom, assignedTo: r.assignedTo }));
  assert.deepEqual(planNetblockImport(stored, first), { changes: [], unchanged: 1, errors: [] });

  const next = parseNetblocksCsv([HEADER, '198.51.100.0/24,acct-a,2026-01-01,2026-11-21', '198.51.100.0/24,acct-b,2026-11-21,'].join('\n')).rows;
  const plan = planNetblockImport(stored, next);
  assert.deepEqual(plan.errors, []);
  assert.deepEqual(
    plan.changes.map((c) => c.kind),
    ['changed', 'added'],
  );

  const clash = parseNetblocksCsv([HEADER, '198.51.100.0/24,acct-b,2026-11-21,'].join('\n')).rows;
  const refused = planNetblockImport(stored, clash);
  assert.equal(refused.changes.length, 0);
  assert.match(refused.errors[0]!.message, /already assigned to acct-a .*close that period first/);
});

test('sightingFromReading: an ACNS notice without URLs is a sighting; one with URLs is left to the URL path; an unusable address says why', () => {
  const xml = readFileSync(new URL('../fixtures/acns-notice.xml', import.meta.url), 'utf8');
  const r = readNotice({ name: 'n.xml', content: xml });
  const s = sightingFromReading(r);
  assert.ok(s && s.ok);
  assert.deepEqual(
    {
      format: s.sighting.format,
      ip: s.sighting.ip,
      port: s.sighting.port,
      at: s.sighting.observedAt.toISOString(),
      protocol: s.sighting.protocol,
      file: s.sighting.works[0]?.file_name,
    },
    { format: 'acns', ip: '198.51.100.20', port: 51413, at: '2026-11-20T08:06:44.000Z', protocol: 'BITTORRENT', file: 'Sunrise.Over.Harbor.2025.1080p.mkv' },
  );
  assert.equal(sightingFromReading(readNotice({ name: 'n.xml', content: xml.replace('</Item>', '<URL>https://mirrorsite.example/x</URL></Item>') })), null);
  const bad = sightingFromReading(readNotice({ name: 'n.xml', content: xml.replace('198.51.100.20', '198.51.100') }));
  assert.ok(bad && !bad.ok);
  assert.match(bad.reason, /not an IP address/);
});

const sighting: Sighting = {
  format: 'acns',
  category: 'copyright',
  caseId: 'C-1',
  ip: '198.51.100.20',
  port: 51413,
  observedAt: new Date('2026-11-20T08:06:44Z'),
  protocol: 'BITTORRENT',
  works: [{ title: 'Sunrise', file_name: 'Sunrise.mkv', hash: 'abc' }],
  complainant: { name: 'Desk', company: 'Harbor Pictures LLC', email: 'p2p@harbor.test' },
};
const holder = { accountId: 'oldco', accountName: 'Old Co', accountEmail: 'ops@oldco.test', cidr: '198.51.100.0/24' };

test('routeSighting and its mail: forwarded to the holder with the facts; not on network with the reason; other categories kept without mail', () => {
  const fwd = routeSighting(sighting, holder, 'Example Network');
  assert.equal(fwd.state, 'forwarded');
  const msgs = networkReportMessages('Example Network', 7, sighting, fwd, 'p2p@harbor.test');
  assert.deepEqual(
    msgs.map((m) => [m.recipientRole, m.to, m.dedupeKey]),
    [
      ['owner', 'ops@oldco.test', 'network-report:7:owner'],
      ['reporter', 'p2p@harbor.test', 'network-report:7:reporter'],
    ],
  );
  for (const fact of ['198.51.100.20', '51413', '2026-11-20T08:06:44.000Z', 'BITTORRENT', 'Sunrise.mkv', 'abc', 'C-1', '198.51.100.0/24'])
    assert.ok(msgs[0]!.body.includes(fact), fact);
  assert.ok(!msgs[1]!.body.includes('Old Co'), 'the complainant is not told who the customer is');

  const none = routeSighting(sighting, null, 'Example Network');
  assert.equal(none.state, 'not_on_network');
  assert.match(none.reason, /198\.51\.100\.20 was not assigned to any customer of Example Network at 2026-11-20T08:06:44\.000Z/);
  assert.deepEqual(networkReportMessages('Example Network', 8, sighting, none, null), [], 'no complainant address (an auto-reply loop guard said no): no mail');

  const spam = routeSighting({ ...sighting, format: 'x-arf', category: 'spam' }, holder, 'Example Network');
  assert.equal(spam.state, 'kept_for_staff');
  assert.deepEqual(networkReportMessages('Example Network', 9, { ...sighting, category: 'spam' }, spam, 'p2p@harbor.test'), []);
});
