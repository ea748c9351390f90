import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  blockRuleText,
  compileBlockRules,
  describeBlockRule,
  directEdgeDomain,
  matchesBlockRule,
  parseBlockRule,
  type BlockRule,
} from '../../src/legal/domain/block-rules.ts';

function rule(text: string): BlockRule {
  const r = parseBlockRule(text);
  assert.ok(r.ok, `${text}: ${!r.ok ? r.reason : ''}`);
  return r.rule;
}
function refuses(text: string, reason: RegExp): void {
  const r = parseBlockRule(text);
  assert.ok(!r.ok, `${text} should be refused`);
  assert.match(r.reason, reason, text);
}
function matches(ruleText: string, yes: string[], no: string[]): void {
  const r = rule(ruleText);
  for (const z of yes) assert.ok(matchesBlockRule(z, r), `${ruleText} should match ${z}`);
  for (const z of no) assert.ok(!matchesBlockRule(z, r), `${ruleText} should not match ${z}`);
}

test('parsing: the four kinds and their canonical text', () => {
  assert.deepEqual(rule('thepiratesite.com'), { kind: 'domain', name: 'thepiratesite.com' });
  assert.deepEqual(rule('=thepiratesite.com'), { kind: 'exact', name: 'thepiratesite.com' });
  assert.deepEqual(rule('*.example.com'), { kind: 'subdomains', name: 'example.com' });
  assert.deepEqual(rule('thepiratesite.*'), { kind: 'any_tld', label: 'thepiratesite' });
  for (const t of ['thepiratesite.com', '=thepiratesite.com', '*.example.com', 'thepiratesite.*']) assert.equal(blockRuleText(rule(t)), t);
});

test('parsing normalises: case, surrounding space, trailing dots, IDN to punycode; the canonical text parses back to the same rule', () => {
  assert.deepEqual(rule('  ThePirateSite.COM.  '), { kind: 'domain', name: 'thepiratesite.com' });
  assert.deepEqual(rule('*.Example.com.'), { kind: 'subdomains', name: 'example.com' });
  assert.deepEqual(rule('bücher.example'), { kind: 'domain', name: 'xn--bcher-kva.example' });
  assert.deepEqual(rule('ПИРАТ.*'), { kind: 'any_tld', label: 'xn--80apufl' });
  assert.deepEqual(rule('ThePirateSite.*'), { kind: 'any_tld', label: 'thepiratesite' });
  assert.deepEqual(rule('123.*'), { kind: 'any_tld', label: '123' });
  for (const t of ['bücher.example', '=Bücher.Example.', 'ПИРАТ.*', '*.bücher.example']) {
    const r = rule(t);
    assert.deepEqual(rule(blockRuleText(r)), r, t);
  }
});

test('parsing refuses public suffixes, stray wildcards, multi-label patterns, IPs and junk, with reasons', () => {
  refuses('com', /public suffix/);
  refuses('co.uk', /public suffix/);
  refuses('*.co.uk', /public suffix/);
  refuses('*.com', /public suffix/);
  refuses('=co.uk', /public suffix/);
  refuses('*', /"\*" may only stand for/);
  refuses('*.*', /"\*" may only stand for/);
  refuses('*.thepiratesite.*', /"\*" may only stand for/);
  refuses('thepirate*.com', /"\*" may only stand for/);
  refuses('*thepiratesite.com', /"\*" may only stand for/);
  refuses('.*', /give the site's name/);
  refuses('www.thepiratesite.*', /single label/);
  refuses('192.0.2.1', /not a valid domain name/);
  refuses('https://thepiratesite.com/', /not a valid domain name/);
  refuses('thepiratesite .com', /whitespace/);
  refuses('a b', /whitespace/);
  refuses('', /empty/);
  refuses('   ', /empty/);
  refuses('-bad-.com', /not a valid domain name/);
  refuses('bad_label!.*', /not a valid domain label/);
  assert.ok(!parseBlockRule(42 as unknown as string).ok);
});

test('domain rule: the name and everything under it, never a mere substring', () => {
  matches(
    'thepiratesite.com',
    ['thepiratesite.com', 'www.thepiratesite.com', 'a.b.thepiratesite.com', 'THEPIRATESITE.COM', 'thepiratesite.com.', 'WWW.ThePirateSite.Com..'],
    ['notthepiratesite.com', 'thepiratesite.co', 'thepiratesite.com.evil.net', 'thepiratesite-com.net', 'xthepiratesite.com', 'com', 'thepiratesite.co.uk', ''],
  );
});

test('exact rule: only that name', () => {
  matches('=thepiratesite.com', ['thepiratesite.com', 'ThePirateSite.com.'], ['www.thepiratesite.com', 'notthepiratesite.com']);
});

test('subdomain rule: strictly under the name', () => {
  matches(
    '*.example.com',
    ['a.example.com', 'a.b.example.com', 'A.EXAMPLE.COM.'],
    ['example.com', 'notexample.com', 'a.notexample.com', 'example.com.evil.net'],
  );
});

test('any-TLD rule: the site name under every public suffix, including multi-label and IDN suffixes', () => {
  matches(
    'thepiratesite.*',
    [
      'thepiratesite.com',
      'thepiratesite.co.uk',
      'thepiratesite.com.br',
      'thepiratesite.de',
      'www.thepiratesite.org',
      'cdn.eu.thepiratesite.co.uk',
      'ThePirateSite.IO.',
      'thepiratesite.рф', // Unicode TLD
      'thepiratesite.xn--p1ai', // the same in punycode
      'thepiratesite.zzz', // unknown TLD: registrable under it
    ],
    [
      'notthepiratesite.com',
      'thepiratesite2.com',
      'the-piratesite.com',
      'thepiratesite.com.evil.net', // registrable domain: evil.net
      'thepiratesite.evil.net',
      'thepiratesite.blogspot.com', // private suffixes are not TLDs here: registrable is blogspot.com
      'thepiratesite', // a bare label is not a site under a TLD
      'com',
      'co.uk',
    ],
  );
});

test('IDN rules match zones given in Unicode or punycode, either way round', () => {
  const uni = rule('bücher.example');
  const puny = rule('xn--bcher-kva.example');
  assert.deepEqual(uni, puny);
  for (const z of ['bücher.example', 'xn--bcher-kva.example', 'BÜCHER.example', 'shop.bücher.example.']) assert.ok(matchesBlockRule(z, uni), z);
  assert.ok(!matchesBlockRule('bucher.example', uni));
  assert.ok(!matchesBlockRule('xn--bcher-kva.example.org', uni));
  const label = rule('пират.*');
  assert.ok(matchesBlockRule('пират.рф', label));
  assert.ok(matchesBlockRule('xn--80apufl.com', label));
  assert.ok(!matchesBlockRule('пираты.рф', label));
});

test('zone names that are not DNS names never match', () => {
  const r = rule('thepiratesite.com');
  for (const z of ['', ' ', 'thepiratesite.com/x', 'user@thepiratesite.com', '*.thepiratesite.com', '192.0.2.1', 'thepiratesite.com:443']) {
    assert.ok(!matchesBlockRule(z, r), JSON.stringify(z));
  }
});

test('compiled index: same answers as matching rule by rule, in input order, no duplicates', () => {
  const texts = [
    'thepiratesite.*',
    'thepiratesite.com',
    '=thepiratesite.com',
    '*.thepiratesite.com',
    '*.co.example',
    'other.org',
    'bücher.example',
    '=www.other.org',
  ];
  const entries = texts.map((t, i) => ({ id: `order-${i}`, rule: rule(t) }));
  const index = compileBlockRules(entries);
  const zones = [
    'thepiratesite.com',
    'www.thepiratesite.com',
    'thepiratesite.co.uk',
    'notthepiratesite.com',
    'x.co.example',
    'co.example',
    'other.org',
    'www.other.org',
    'a.www.other.org',
    'BÜCHER.example.',
    'unrelated.net',
    'not a name',
  ];
  for (const z of zones) {
    const slow = entries.filter((e) => matchesBlockRule(z, e.rule)).map((e) => e.id);
    assert.deepEqual(
      index.match(z).map((e) => e.id),
      slow,
      z,
    );
  }
  assert.deepEqual(
    index.match('www.thepiratesite.com').map((e) => e.id),
    ['order-0', 'order-1', 'order-3'],
  );
  assert.deepEqual(
    index.match('thepiratesite.com').map((e) => e.id),
    ['order-0', 'order-1', 'order-2'],
  );
  assert.deepEqual(compileBlockRules([]).match('thepiratesite.com'), []);
});

test('descriptions for people, and what the edge can block directly', () => {
  assert.equal(describeBlockRule(rule('xn--bcher-kva.example')), 'bücher.example and every name under it');
  assert.equal(describeBlockRule(rule('=a.example')), 'a.example only');
  assert.equal(describeBlockRule(rule('*.a.example')), 'every name under a.example, not a.example itself');
  assert.match(describeBlockRule(rule('thepiratesite.*')), /^thepiratesite under any top-level domain/);
  assert.equal(directEdgeDomain(rule('thepiratesite.com')), 'thepiratesite.com');
  assert.equal(directEdgeDomain(rule('=thepiratesite.com')), null);
  assert.equal(directEdgeDomain(rule('*.thepiratesite.com')), null);
  assert.equal(directEdgeDomain(rule('thepiratesite.*')), null);
});
