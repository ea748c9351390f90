import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ZONE_CSV_COLUMNS, parseOrigin, validateZoneRow, type ZoneRow } from '../../src/domain/zone-row.ts';
import { missingColumns as missingOf } from '../../src/domain/csv-file.ts';

const missingColumns = (header: string[]) => missingOf(header, ZONE_CSV_COLUMNS);

const GOOD = {
  account_id: 'acct-1',
  account_name: 'Pirate Films Ltd',
  account_email: 'owner@piratefilms.example',
  zone: 'piratefilms.example',
  mode: 'proxied',
  origin: '203.0.113.7',
};

function row(patch: Record<string, string | undefined> = {}): ZoneRow {
  const v = validateZoneRow({ ...GOOD, ...patch });
  assert.ok(v.ok, `expected the row to be accepted: ${v.ok ? '' : v.message}`);
  return v.row;
}

function problem(patch: Record<string, string | undefined>): string {
  const v = validateZoneRow({ ...GOOD, ...patch });
  assert.ok(!v.ok, `expected the row to be refused: ${JSON.stringify(patch)}`);
  return v.message;
}

test('the CSV columns', () => {
  assert.deepEqual([...ZONE_CSV_COLUMNS], ['account_id', 'account_name', 'account_email', 'zone', 'mode', 'origin']);
});

test('missingColumns: names what the header lacks, case and blanks aside, extra columns allowed', () => {
  assert.deepEqual(missingColumns([...ZONE_CSV_COLUMNS]), []);
  assert.deepEqual(missingColumns([' Account_ID ', 'ACCOUNT_NAME', 'account_email', 'Zone', 'MODE', 'origin', 'notes']), []);
  assert.deepEqual(missingColumns(['origin', 'mode', 'zone', 'account_email', 'account_name', 'account_id']), []);
  assert.deepEqual(missingColumns(['account_id', 'zone']), ['account_name', 'account_email', 'mode', 'origin']);
  assert.deepEqual(missingColumns([]), [...ZONE_CSV_COLUMNS]);
  assert.deepEqual(missingColumns(['\uFEFFaccount_id', 'account_name', 'account_email', 'zone', 'mode', 'origin']), [], 'a BOM before the first name is blank');
  assert.deepEqual(missingColumns(['account id', 'account_name', 'account_email', 'zone', 'mode', 'origin']), ['account_id']);
});

test('a good row is accepted, trimmed and normalised', () => {
  assert.deepEqual(row(), {
    accountId: 'acct-1',
    accountName: 'Pirate Films Ltd',
    accountEmail: 'owner@piratefilms.example',
    zone: 'piratefilms.example',
    mode: 'proxied',
    origin: '203.0.113.7',
    originKind: 'ip',
  });
  assert.deepEqual(
    row({
      account_id: ' acct-2 ',
      account_name: ' Hosted Shop ',
      account_email: ' ops@hostedshop.example ',
      zone: ' HostedShop.Example. ',
      mode: ' HOSTED ',
      origin: ' Origin.HostedShop.Example ',
    }),
    {
      accountId: 'acct-2',
      accountName: 'Hosted Shop',
      accountEmail: 'ops@hostedshop.example',
      zone: 'hostedshop.example',
      mode: 'hosted',
      origin: 'origin.hostedshop.example',
      originKind: 'hostname',
    },
  );
});

test('modes: proxied or hosted, any case; anything else is refused', () => {
  assert.equal(row({ mode: 'Proxied' }).mode, 'proxied');
  assert.equal(row({ mode: 'hosted' }).mode, 'hosted');
  for (const mode of ['', 'dns', 'proxy', 'proxied ,', 'hosted\nproxied']) {
    assert.equal(problem({ mode }), `mode ${JSON.stringify(mode)} must be "proxied" or "hosted"`);
  }
  assert.equal(problem({ mode: undefined }), 'mode "" must be "proxied" or "hosted"');
});

test('every problem of a row is reported at once, in column order', () => {
  assert.equal(
    validateZoneRow({}).ok ? 'accepted' : (validateZoneRow({}) as { message: string }).message,
    'account_id is empty; account_name is empty; account_email "" is not a valid e-mail address; zone "" is not a valid domain name; mode "" must be "proxied" or "hosted"; origin "" is neither an IP address nor a hostname',
  );
  assert.equal(
    problem({ account_id: '  ', account_email: 'nope', zone: 'a b.example', origin: '10' }),
    'account_id is empty; account_email "nope" is not a valid e-mail address; zone "a b.example" is not a valid domain name; origin "10" is neither an IP address nor a hostname',
  );
});

test('account_id: at most 200 characters', () => {
  assert.equal(row({ account_id: 'a'.repeat(200) }).accountId, 'a'.repeat(200));
  assert.equal(problem({ account_id: 'a'.repeat(201) }), 'account_id is longer than 200 characters');
  assert.equal(problem({ account_id: 'a'.repeat(1_000_000) }), 'account_id is longer than 200 characters', 'no huge echo');
});

test('account_email: a bare address only, so nothing can be injected into mail headers', () => {
  assert.equal(row({ account_email: 'Ops+DMCA@Shop.Example' }).accountEmail, 'Ops+DMCA@Shop.Example');
  for (const email of [
    'owner@piratefilms.example\r\nBcc: all@else.example',
    'Owner <owner@piratefilms.example>',
    'a@b.example, c@d.example',
    'owner',
    'owner@localhost',
    '',
  ]) {
    assert.equal(problem({ account_email: email }), `account_email ${JSON.stringify(email.trim())} is not a valid e-mail address`, email);
  }
});

test('zones: DNS names, IDN to punycode, trailing dot dropped', () => {
  assert.equal(row({ zone: 'Bücher.Example' }).zone, 'xn--bcher-kva.example');
  assert.equal(row({ zone: 'cdn.piratefilms.example.' }).zone, 'cdn.piratefilms.example');
  assert.equal(row({ zone: 'under_score.example' }).zone, 'under_score.example');
  for (const zone of [
    '',
    'com',
    'localhost',
    '*.example.com',
    'a..example',
    '-a.example',
    'a-.example',
    'http://a.example',
    'a.example/path',
    'a.example:8080',
    '1.2.3.4',
    '[2001:db8::1]',
    'a.123',
    `${'x'.repeat(64)}.example`,
    'a b.example',
    'a.example\nb.example',
    'a%2eexample',
    'a@b.example',
  ]) {
    assert.equal(problem({ zone }), `zone ${JSON.stringify(zone)} is not a valid domain name`, zone);
  }
});

test('a public suffix is not a zone: it would claim every site below it', () => {
  for (const [zone, normal] of [
    ['co.uk', 'co.uk'],
    ['CO.UK.', 'co.uk'],
    ['com.au', 'com.au'],
    ['github.com.', 'github.com'],
  ] as const) {
    if (normal === 'github.com') {
      assert.equal(row({ zone }).zone, normal, 'a registrable domain is fine');
      continue;
    }
    assert.equal(problem({ zone }), `zone "${normal}" is a public suffix (like "co.uk"), not a domain a customer can hold`, zone);
  }
  // Private-section suffixes are real sites a provider may front; names under a suffix are fine.
  assert.equal(row({ zone: 'github.io' }).zone, 'github.io');
  assert.equal(row({ zone: 'films.co.uk' }).zone, 'films.co.uk');
  assert.equal(row({ zone: 'shop.example' }).zone, 'shop.example');
});

test('parseOrigin: IPv4 in dotted-quad form only, stored canonically', () => {
  assert.deepEqual(parseOrigin('203.0.113.7'), { origin: '203.0.113.7', kind: 'ip' });
  assert.deepEqual(parseOrigin('  198.51.100.9\t'), { origin: '198.51.100.9', kind: 'ip' });
  assert.deepEqual(parseOrigin('0.0.0.0'), { origin: '0.0.0.0', kind: 'ip' });
  assert.deepEqual(parseOrigin('255.255.255.255'), { origin: '255.255.255.255', kind: 'ip' });
  // Shapes a resolver never produces, which ipaddr.js or WHATWG URL would read as some other address.
  for (const s of ['10', '127.1', '0x7f.0.0.1', '0177.0.0.1', '01.2.3.4', '1.2.3', '1.2.3.4.5', '256.1.1.1', '1.2.3.-4', '4294967295']) {
    assert.equal(parseOrigin(s), null, s);
  }
});

test('parseOrigin: IPv6 with or without brackets, stored compressed and lower-case', () => {
  assert.deepEqual(parseOrigin('2001:DB8::1'), { origin: '2001:db8::1', kind: 'ip' });
  assert.deepEqual(parseOrigin('[2001:db8::1]'), { origin: '2001:db8::1', kind: 'ip' });
  assert.deepEqual(parseOrigin('2001:0db8:0000:0000:0000:0000:0000:0001'), { origin: '2001:db8::1', kind: 'ip' });
  assert.deepEqual(parseOrigin('::1'), { origin: '::1', kind: 'ip' });
  for (const s of ['2001:db8::1::2', '2001:db8:::1', '[2001:db8::1]:443', '2001:db8::g', '12345::1']) assert.equal(parseOrigin(s), null, s);
});

test('parseOrigin: hostnames are normalised DNS names with at least one dot', () => {
  assert.deepEqual(parseOrigin('Origin.Example.'), { origin: 'origin.example', kind: 'hostname' });
  assert.deepEqual(parseOrigin('bücher.example'), { origin: 'xn--bcher-kva.example', kind: 'hostname' });
  assert.deepEqual(parseOrigin('xn--bcher-kva.example'), { origin: 'xn--bcher-kva.example', kind: 'hostname' });
  assert.deepEqual(parseOrigin('my-app.herokuapp.com'), { origin: 'my-app.herokuapp.com', kind: 'hostname' });
  for (const s of [
    '',
    '   ',
    'localhost',
    'origin',
    'origin.example:8080',
    '1.2.3.4:80',
    'http://origin.example',
    'origin.example/x',
    'user@origin.example',
    'a b.example',
    '-a.example',
    'a..example',
    '*.example.com',
    'a.123',
    'origin.example\r\nX: y',
    `${'a'.repeat(64)}.example`,
    `${'a.'.repeat(130)}example`,
  ]) {
    assert.equal(parseOrigin(s), null, JSON.stringify(s));
  }
});

test('values in problems are quoted and escaped, so a line break or escape code cannot forge report lines, and cut short', () => {
  assert.equal(problem({ zone: 'a.example\nline 9: zone imported' }), 'zone "a.example\\nline 9: zone imported" is not a valid domain name');
  assert.equal(problem({ mode: 'x\u001b[2Jy' }), 'mode "x\\u001b[2Jy" must be "proxied" or "hosted"');
  assert.equal(problem({ origin: 'say "hi"' }), 'origin "say \\"hi\\"" is neither an IP address nor a hostname');
  const msg = problem({ origin: 'o'.repeat(1_000_000) });
  assert.equal(msg, `origin "${'o'.repeat(100)}…" is neither an IP address nor a hostname`);
  for (const m of [problem({ zone: 'a\r\nb' }), problem({ account_email: 'a@b.example\r\nBcc: c@d.example' })]) assert.equal(/[\r\n]/.test(m), false, m);
});

test('an origin problem quotes the value as given', () => {
  assert.equal(problem({ origin: 'origin.example:8080' }), 'origin "origin.example:8080" is neither an IP address nor a hostname');
  assert.equal(problem({ origin: undefined }), 'origin "" is neither an IP address nor a hostname');
  assert.equal(row({ origin: '[2001:db8::7]' }).origin, '2001:db8::7');
  assert.equal(row({ origin: '[2001:db8::7]' }).originKind, 'ip');
});
