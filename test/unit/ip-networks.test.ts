import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AsnTable } from '../../src/lookup/asn-table.ts';
import { NetworkOverrides, type NetworkOverride } from '../../src/domain/network-overrides.ts';
import { hostingProviderFor } from '../../src/domain/hosting-provider.ts';
import { parseNetworksCsv } from '../../src/domain/network-overrides-csv.ts';
import { CsvFileError, readCsvFile } from '../../src/domain/csv-file.ts';
import { ASN_DATASET_ATTRIBUTION, loadBundledAsnTable } from '../../src/storage/asn-dataset.ts';

/** Dotted IPv4 to the integer the -num.csv files use. */
function num(ip: string): number {
  return ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
}

function v4row(from: string, to: string, asn: number, org: string): string {
  return `${num(from)},${num(to)},${asn},${org}`;
}

const IPV4_CSV = [
  v4row('1.0.0.0', '1.0.0.255', 13335, '"Cloudflare, Inc."'),
  v4row('1.1.1.0', '1.1.1.255', 13335, '"Cloudflare, Inc."'),
  v4row('5.5.5.0', '5.5.5.255', 64500, '"Example ""Quoted"" Org, Ltd"'),
  v4row('8.8.8.0', '8.8.8.255', 15169, 'Google LLC'),
  // An outer range with a more specific one inside it.
  v4row('20.0.0.0', '20.255.255.255', 8075, 'Microsoft Corporation'),
  v4row('20.1.0.0', '20.1.255.255', 64501, 'Inner Networks'),
  v4row('255.255.255.0', '255.255.255.254', 64502, 'Top Of Space'),
  '',
].join('\n');

const IPV6_CSV = [
  '2001:4860::,2001:4860:ffff:ffff:ffff:ffff:ffff:ffff,15169,Google LLC',
  '2606:4700::,2606:4700:ffff:ffff:ffff:ffff:ffff:ffff,13335,"Cloudflare, Inc."',
  '2a00:1450:4000::,2a00:1450:4000:ffff:ffff:ffff:ffff:ffff,15169,Google LLC',
  '2a01:4f8::,2a01:4f8:ffff:ffff:ffff:ffff:ffff:ffff,24940,Hetzner Online GmbH',
  '2a01:4f8:c000::,2a01:4f8:c0ff:ffff:ffff:ffff:ffff:ffff,64510,Inner v6',
].join('\r\n');

const table = AsnTable.fromCsv(IPV4_CSV, IPV6_CSV);

describe('AsnTable', () => {
  it('counts ranges and shares organisation names between IPv4 and IPv6', () => {
    assert.equal(table.ipv4RangeCount, 7);
    assert.equal(table.ipv6RangeCount, 5);
    assert.equal(table.rangeCount, 12);
    assert.equal(table.organisationCount, 8);
  });

  it('finds IPv4 addresses, including range boundaries, and reads quoted orgs', () => {
    assert.deepEqual(table.lookup('1.1.1.1'), { asn: 13335, name: 'Cloudflare, Inc.' });
    assert.deepEqual(table.lookup('1.0.0.0'), { asn: 13335, name: 'Cloudflare, Inc.' });
    assert.deepEqual(table.lookup('1.0.0.255'), { asn: 13335, name: 'Cloudflare, Inc.' });
    assert.deepEqual(table.lookup('5.5.5.5'), { asn: 64500, name: 'Example "Quoted" Org, Ltd' });
    assert.deepEqual(table.lookup('8.8.8.8'), { asn: 15169, name: 'Google LLC' });
    assert.deepEqual(table.lookup('255.255.255.254'), { asn: 64502, name: 'Top Of Space' });
  });

  it('returns undefined between, before and after ranges', () => {
    assert.equal(table.lookup('0.255.255.255'), undefined);
    assert.equal(table.lookup('1.0.1.0'), undefined);
    assert.equal(table.lookup('1.1.2.0'), undefined);
    assert.equal(table.lookup('9.9.9.9'), undefined);
    assert.equal(table.lookup('255.255.255.255'), undefined);
  });

  it('prefers a range nested inside another and falls back to the outer one past it', () => {
    assert.equal(table.lookup('20.0.255.255')?.asn, 8075);
    assert.equal(table.lookup('20.1.0.0')?.asn, 64501);
    assert.equal(table.lookup('20.1.255.255')?.asn, 64501);
    assert.equal(table.lookup('20.2.0.1')?.asn, 8075);
    assert.equal(table.lookup('20.255.255.255')?.asn, 8075);
    assert.equal(table.lookup('2a01:4f8:bfff::1')?.asn, 24940);
    assert.equal(table.lookup('2a01:4f8:c0aa::1')?.asn, 64510);
    assert.equal(table.lookup('2a01:4f8:c100::1')?.asn, 24940);
  });

  it('finds IPv6 addresses (CRLF file) and misses outside the ranges', () => {
    assert.deepEqual(table.lookup('2606:4700:4700::1111'), { asn: 13335, name: 'Cloudflare, Inc.' });
    assert.deepEqual(table.lookup('2001:4860:4860::8888'), { asn: 15169, name: 'Google LLC' });
    assert.equal(table.lookup('2a01:4f8:ffff:ffff:ffff:ffff:ffff:ffff')?.asn, 24940);
    assert.equal(table.lookup('2A01:04F8::1')?.asn, 24940);
    assert.equal(table.lookup('2a00:1450:3fff:ffff:ffff:ffff:ffff:ffff'), undefined);
    assert.equal(table.lookup('2a01:4f9::'), undefined);
    assert.equal(table.lookup('::'), undefined);
  });

  it('looks IPv4-mapped IPv6 addresses up in the IPv4 table', () => {
    assert.deepEqual(table.lookup('::ffff:1.1.1.1'), { asn: 13335, name: 'Cloudflare, Inc.' });
    assert.deepEqual(table.lookup('::ffff:808:808'), { asn: 15169, name: 'Google LLC' });
    assert.equal(table.lookup('::ffff:9.9.9.9'), undefined);
  });

  it('rejects strings that are not IP addresses, including non-decimal IPv4 forms', () => {
    for (const bad of ['', 'example.com', '1.1.1', '1.1.1.1.1', '256.1.1.1', '010.8.8.8', '0x08080808', '134744072', '2001:::1', '1.1.1.1/32']) {
      assert.throws(() => table.lookup(bad), TypeError, bad);
    }
  });

  it('refuses a malformed dataset, naming file and line', () => {
    assert.throws(() => AsnTable.fromCsv(`${IPV4_CSV}\n1,x,3,Bad`, ''), /ipv4, line 9: bad range end/);
    assert.throws(() => AsnTable.fromCsv('', '2001:db8::,2001:db8::ffff,64496,"Unterminated'), /ipv6, line 1: unterminated/);
    assert.throws(() => AsnTable.fromCsv('20,30,1,A\n10,15,2,B', ''), /line 2: ranges are not sorted/);
    assert.throws(() => AsnTable.fromCsv('', 'zz::,2001::1,1,A'), /ipv6, line 1: bad range start/);
  });

  it('accepts an empty dataset', () => {
    const empty = AsnTable.fromCsv('', '');
    assert.equal(empty.rangeCount, 0);
    assert.equal(empty.lookup('1.1.1.1'), undefined);
    assert.equal(empty.lookup('2606:4700::1'), undefined);
  });
});

const OVERRIDES: NetworkOverride[] = [
  { cidr: '1.1.0.0/16', asn: 13335, name: 'Cloudflare (broad)', abuseEmail: 'abuse@cloudflare.example' },
  { cidr: '1.1.1.0/24', asn: 13335, name: 'Cloudflare Resolver', abuseEmail: null },
  { cidr: '1.1.1.128/25', asn: null, name: 'Reseller Inside Cloudflare', abuseEmail: 'abuse@reseller.example' },
  { cidr: '2606:4700::/32', asn: 13335, name: 'Cloudflare v6', abuseEmail: null },
  { cidr: '2606:4700:4700::/48', asn: 13335, name: 'Cloudflare v6 resolver', abuseEmail: 'dns-abuse@cloudflare.example' },
  { cidr: '::ffff:5.5.5.0/120', asn: 64500, name: 'Example via mapped CIDR', abuseEmail: null },
  { cidr: '10.0.0.0/8', asn: 64512, name: 'Our own private network', abuseEmail: 'noc@example.net' },
  { cidr: '203.0.112.0/24', asn: 15169, name: 'Unrelated range of AS15169', abuseEmail: 'google-abuse@example.com' },
  { cidr: '203.0.111.0/24', asn: 15169, name: 'Second AS15169 row', abuseEmail: 'second@example.com' },
];
const overrides = new NetworkOverrides(OVERRIDES);

describe('NetworkOverrides', () => {
  it('returns the most specific CIDR containing the address', () => {
    assert.equal(overrides.lookup('1.1.2.3')?.name, 'Cloudflare (broad)');
    assert.equal(overrides.lookup('1.1.1.1')?.name, 'Cloudflare Resolver');
    assert.equal(overrides.lookup('1.1.1.127')?.name, 'Cloudflare Resolver');
    assert.equal(overrides.lookup('1.1.1.128')?.name, 'Reseller Inside Cloudflare');
    assert.equal(overrides.lookup('1.1.1.255')?.name, 'Reseller Inside Cloudflare');
    assert.equal(overrides.lookup('1.2.0.0'), undefined);
    assert.equal(overrides.lookup('2606:4700:4700::1111')?.name, 'Cloudflare v6 resolver');
    assert.equal(overrides.lookup('2606:4700:1::1')?.name, 'Cloudflare v6');
    assert.equal(overrides.lookup('2606:4701::1'), undefined);
  });

  it('matches IPv4-mapped addresses and IPv4-mapped CIDRs against IPv4', () => {
    assert.equal(overrides.lookup('::ffff:1.1.1.200')?.name, 'Reseller Inside Cloudflare');
    assert.equal(overrides.lookup('5.5.5.5')?.name, 'Example via mapped CIDR');
  });

  it('answers abuseEmailForAsn from the first row with that ASN and an e-mail', () => {
    assert.equal(overrides.abuseEmailForAsn(13335), 'abuse@cloudflare.example');
    assert.equal(overrides.abuseEmailForAsn(15169), 'google-abuse@example.com');
    assert.equal(overrides.abuseEmailForAsn(64500), null);
    assert.equal(overrides.abuseEmailForAsn(1), null);
  });

  it('handles /0 and host routes', () => {
    const o = new NetworkOverrides([
      { cidr: '0.0.0.0/0', asn: null, name: 'Everything v4', abuseEmail: null },
      { cidr: '::/0', asn: null, name: 'Everything v6', abuseEmail: null },
      { cidr: '9.9.9.9/32', asn: 19281, name: 'Quad9 host', abuseEmail: null },
      { cidr: '2620:fe::fe/128', asn: 19281, name: 'Quad9 v6 host', abuseEmail: null },
    ]);
    assert.equal(o.lookup('9.9.9.9')?.name, 'Quad9 host');
    assert.equal(o.lookup('9.9.9.10')?.name, 'Everything v4');
    assert.equal(o.lookup('2620:fe::fe')?.name, 'Quad9 v6 host');
    assert.equal(o.lookup('2620:fe::ff')?.name, 'Everything v6');
  });

  it('keeps the first of two rows for the same network', () => {
    const o = new NetworkOverrides([
      { cidr: '2001:DB8::/32', asn: 1, name: 'first', abuseEmail: null },
      { cidr: '2001:db8:0::/32', asn: 2, name: 'second', abuseEmail: null },
    ]);
    assert.equal(o.lookup('2001:db8::1')?.name, 'first');
  });

  it('throws on an invalid CIDR or one with host bits set', () => {
    assert.throws(() => new NetworkOverrides([{ cidr: '1.1.1.0', asn: null, name: 'x', abuseEmail: null }]), TypeError);
    assert.throws(() => new NetworkOverrides([{ cidr: '1.1.1.1/24', asn: null, name: 'x', abuseEmail: null }]), /host bits/);
    assert.throws(() => new NetworkOverrides([{ cidr: '10/8', asn: null, name: 'x', abuseEmail: null }]), TypeError);
  });
});

describe('hostingProviderFor', () => {
  it('lets the most specific override win, with its name, ASN and e-mail', () => {
    assert.deepEqual(hostingProviderFor('1.1.1.200', table, overrides), {
      asn: null,
      name: 'Reseller Inside Cloudflare',
      abuseEmail: 'abuse@reseller.example',
      source: 'override',
    });
    assert.deepEqual(hostingProviderFor('2606:4700:4700::1111', table, overrides), {
      asn: 13335,
      name: 'Cloudflare v6 resolver',
      abuseEmail: 'dns-abuse@cloudflare.example',
      source: 'override',
    });
  });

  it('gives an override without an e-mail the e-mail of another row with its ASN', () => {
    assert.deepEqual(hostingProviderFor('1.1.1.1', table, overrides), {
      asn: 13335,
      name: 'Cloudflare Resolver',
      abuseEmail: 'abuse@cloudflare.example',
      source: 'override',
    });
  });

  it('falls back to the dataset, taking the abuse e-mail from an override row with the same ASN', () => {
    assert.deepEqual(hostingProviderFor('8.8.8.8', table, overrides), {
      asn: 15169,
      name: 'Google LLC',
      abuseEmail: 'google-abuse@example.com',
      source: 'asn-dataset',
    });
    assert.deepEqual(hostingProviderFor('2a01:4f8::1', table, overrides), {
      asn: 24940,
      name: 'Hetzner Online GmbH',
      abuseEmail: null,
      source: 'asn-dataset',
    });
  });

  it('works without any overrides', () => {
    assert.deepEqual(hostingProviderFor('1.0.0.1', table, new NetworkOverrides([])), {
      asn: 13335,
      name: 'Cloudflare, Inc.',
      abuseEmail: null,
      source: 'asn-dataset',
    });
  });

  it('returns null for a public address in no range and no override', () => {
    assert.equal(hostingProviderFor('9.9.9.9', table, overrides), null);
    assert.equal(hostingProviderFor('2a02::1', table, overrides), null);
  });

  it('returns null for private, loopback, link-local, CGNAT and reserved addresses no override of their range lists', () => {
    const noPublicHost = [
      '172.16.0.1',
      '192.168.1.1',
      '127.0.0.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '192.0.2.1',
      '198.51.100.7',
      '203.0.113.9',
      '224.0.0.1',
      '255.255.255.255',
      '240.0.0.1',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      'ff02::1',
      '2001:db8::1',
      '::ffff:127.0.0.1',
    ];
    for (const ip of noPublicHost) assert.equal(hostingProviderFor(ip, table, overrides), null, ip);
  });

  it('applies an override the operator wrote for a private or documentation range to the addresses in it', () => {
    const ours = { asn: 64512, name: 'Our own private network', abuseEmail: 'noc@example.net', source: 'override' };
    assert.deepEqual(hostingProviderFor('10.1.2.3', table, overrides), ours);
    assert.deepEqual(hostingProviderFor('::ffff:10.0.0.1', table, overrides), ours);
    const documentation = new NetworkOverrides([
      { cidr: '203.0.113.0/24', asn: 64500, name: 'Example Hosting', abuseEmail: 'abuse@hosting.example' },
      { cidr: '2001:db8::/32', asn: 64501, name: 'Example v6', abuseEmail: null },
    ]);
    assert.deepEqual(hostingProviderFor('203.0.113.7', table, documentation), {
      asn: 64500,
      name: 'Example Hosting',
      abuseEmail: 'abuse@hosting.example',
      source: 'override',
    });
    assert.equal(hostingProviderFor('2001:db8::1', table, documentation)?.name, 'Example v6');
    // Outside the listed range a documentation address still has no host.
    assert.equal(hostingProviderFor('198.51.100.7', table, documentation), null);
  });

  it('does not give non-public addresses a host through a catch-all override', () => {
    const catchAll = new NetworkOverrides([
      { cidr: '0.0.0.0/0', asn: 64500, name: 'Everything v4', abuseEmail: 'abuse@all.example' },
      { cidr: '::/0', asn: 64500, name: 'Everything v6', abuseEmail: 'abuse@all.example' },
      { cidr: '192.0.0.0/8', asn: 64501, name: 'Mixed /8', abuseEmail: null },
    ]);
    for (const ip of ['127.0.0.1', '10.1.2.3', '192.168.1.1', '192.0.2.1', '203.0.113.9', '::1', 'fd00::1', '2001:db8::1'])
      assert.equal(hostingProviderFor(ip, table, catchAll), null, ip);
    assert.equal(hostingProviderFor('9.9.9.9', table, catchAll)?.name, 'Everything v4');
  });

  it('treats IPv4-mapped IPv6 as the IPv4 address', () => {
    assert.deepEqual(hostingProviderFor('::ffff:8.8.8.8', table, overrides), hostingProviderFor('8.8.8.8', table, overrides));
    assert.equal(hostingProviderFor('::ffff:1.1.1.200', table, overrides)?.name, 'Reseller Inside Cloudflare');
  });

  it('throws TypeError on something that is not an IP address', () => {
    assert.throws(() => hostingProviderFor('cdn.example.com', table, overrides), TypeError);
  });
});

// The overrides and netblocks files are read by csv-parse (readCsvFile): the quoting they accept.
describe('readCsvFile', () => {
  const cells = (line: string) => readCsvFile(line).map((r) => r.record)[0];
  it('splits plain and quoted fields', () => {
    assert.deepEqual(cells('a,b,,d'), ['a', 'b', '', 'd']);
    assert.deepEqual(cells('1.2.3.0/24, 64500 , "Acme, Inc." ,x@y.z'), ['1.2.3.0/24', '64500', 'Acme, Inc.', 'x@y.z']);
    assert.deepEqual(cells('"say ""hi""",""'), ['say "hi"', '']);
    assert.deepEqual(cells('"a,""b"",c"'), ['a,"b",c']);
    assert.deepEqual(readCsvFile(''), []);
    assert.deepEqual(cells('a,'), ['a', '']);
  });

  it('refuses bad quoting as a file error on its line', () => {
    const refused = (text: string, line: number, message: RegExp) =>
      assert.throws(
        () => readCsvFile(text),
        (e: unknown) => e instanceof CsvFileError && e.line === line && message.test(e.message),
      );
    refused('x\n"open,b', 2, /quoted field starts here and is never closed/);
    refused('x\n"a"b,c', 2, /quoted field is followed by something other than a comma/);
    refused('x\na"b,c', 2, /quote appears inside an unquoted field/);
  });
});

describe('parseNetworksCsv', () => {
  it('parses a valid file with quoted names, CRLF, a BOM, comments and columns in any order', () => {
    const text =
      '\uFEFFname,cidr,abuse_email,asn\r\n' +
      '# operator notes\r\n' +
      '"Hetzner Online GmbH, Falkenstein",2a01:4f8::/32,abuse@hetzner.example,24940\r\n' +
      '\r\n' +
      '"The ""Special"" Host",198.18.0.0/15,,\r\n' +
      'OVH,51.68.0.0/16,abuse@ovh.example,AS16276\r\n';
    const { rows, errors } = parseNetworksCsv(text);
    assert.deepEqual(errors, []);
    assert.deepEqual(rows, [
      { cidr: '2a01:4f8::/32', asn: 24940, name: 'Hetzner Online GmbH, Falkenstein', abuseEmail: 'abuse@hetzner.example' },
      { cidr: '198.18.0.0/15', asn: null, name: 'The "Special" Host', abuseEmail: null },
      { cidr: '51.68.0.0/16', asn: 16276, name: 'OVH', abuseEmail: 'abuse@ovh.example' },
    ]);
    assert.equal(new NetworkOverrides(rows).lookup('51.68.1.2')?.name, 'OVH');
  });

  it('reports each bad line with its number and keeps the good ones', () => {
    const text = [
      'cidr,asn,name,abuse_email', // 1
      '203.0.113.0/24,64500,Good One,abuse@good.example', // 2
      '203.0.113/24,64500,Bad CIDR,abuse@x.example', // 3
      '198.51.100.0/24,AS-sixty,Bad ASN,abuse@x.example', // 4
      '198.51.100.0/25,64501,Bad Mail,not-an-email', // 5
      '198.51.100.128/25,64502,,abuse@x.example', // 6
      '192.0.2.1/24,64503,Host Bits,', // 7
      '192.0.2.0/24,64504,Acme, Inc.,abuse@acme.example', // 8: unquoted comma
      '2001:db8::/32,64505,Good Two,', // 9
      '2001:DB8:0::/32,64506,Same Network,', // 10
      '192.0.2.0/24,99999999999,Too Big,', // 11
      '', // 12
    ].join('\n');
    const { rows, errors } = parseNetworksCsv(text);
    assert.deepEqual(
      rows.map((r) => r.name),
      ['Good One', 'Good Two'],
    );
    const byLine = new Map<number, string[]>();
    for (const e of errors) byLine.set(e.line, [...(byLine.get(e.line) ?? []), e.message]);
    assert.deepEqual([...byLine.keys()], [3, 4, 5, 6, 7, 8, 10, 11]);
    assert.match(byLine.get(3)![0]!, /bad cidr/);
    assert.match(byLine.get(4)![0]!, /bad asn: "AS-sixty" is not a number/);
    assert.match(byLine.get(5)![0]!, /bad abuse_email: "not-an-email"/);
    assert.match(byLine.get(6)![0]!, /missing name/);
    assert.match(byLine.get(7)![0]!, /host bits set \(did you mean 192\.0\.2\.0\/24\?\)/);
    assert.match(byLine.get(8)![0]!, /expected 4 fields, found 5 \(quote a name that contains a comma\)/);
    assert.match(byLine.get(10)![0]!, /duplicate cidr: .* line 9/);
    assert.match(byLine.get(11)![0]!, /bad asn/);
  });

  it('refuses a file with a quote left open whole, on the line where it opens', () => {
    const text = ['cidr,asn,name,abuse_email', '203.0.113.0/24,64500,Good One,abuse@good.example', '"unterminated,1,x,', ''].join('\n');
    assert.throws(
      () => parseNetworksCsv(text),
      (e: unknown) => e instanceof CsvFileError && e.line === 3 && /never closed/.test(e.message),
    );
  });

  it('reports every problem of a line', () => {
    const { rows, errors } = parseNetworksCsv('cidr,asn,name,abuse_email\nnope,abc,,a@b\n');
    assert.deepEqual(rows, []);
    assert.equal(errors.length, 4);
    assert.ok(errors.every((e) => e.line === 2));
  });

  it('requires the header and names the missing columns', () => {
    const refused = (text: string, line: number, message: RegExp) =>
      assert.throws(
        () => parseNetworksCsv(text),
        (e: unknown) => e instanceof CsvFileError && e.line === line && message.test(e.message),
      );
    refused('cidr,asn,name\n1.1.1.0/24,13335,Cloudflare\n', 1, /missing: abuse_email$/);
    refused('1.1.1.0/24,13335,Cloudflare,abuse@cloudflare.example\n', 1, /missing: cidr, asn, name, abuse_email/);
    refused('\n# notes\ncidr,asn,name,name,abuse_email\n', 3, /names the column name twice/);
    refused('', 1, /the file is empty/);
  });
});

describe('bundled ASN dataset', () => {
  it('resolves well-known addresses and holds > 400,000 IPv4 ranges', async () => {
    const real = await loadBundledAsnTable();
    assert.equal(await loadBundledAsnTable(), real, 'loaded once per process');
    assert.ok(real.ipv4RangeCount > 400_000, `ipv4 ranges: ${real.ipv4RangeCount}`);
    assert.ok(real.ipv6RangeCount > 50_000, `ipv6 ranges: ${real.ipv6RangeCount}`);

    const cf = real.lookup('1.1.1.1');
    assert.equal(cf?.asn, 13335);
    assert.match(cf!.name, /Cloudflare/);
    const google = real.lookup('8.8.8.8');
    assert.equal(google?.asn, 15169);
    assert.match(google!.name, /Google/);
    assert.equal(real.lookup('2606:4700:4700::1111')?.asn, 13335);
    assert.equal(real.lookup('2001:4860:4860::8888')?.asn, 15169);
    assert.equal(real.lookup('::ffff:8.8.4.4')?.asn, 15169);

    const none = new NetworkOverrides([]);
    assert.equal(hostingProviderFor('1.1.1.1', real, none)?.source, 'asn-dataset');
    assert.equal(hostingProviderFor('192.168.0.1', real, none), null);
  });

  it('has an attribution naming the sources and the licence', () => {
    for (const word of ['RouteViews', 'DB-IP', 'NRO', 'CC BY 4.0', 'ip-location-db']) {
      assert.ok(ASN_DATASET_ATTRIBUTION.includes(word), word);
    }
  });
});
