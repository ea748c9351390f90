// The publication's pure rules: the public record of structured notices (what becomes [private],
// what stays, [invalid] for URLs found not actionable, kinds never published) and the policy
// (defaults, every option, errors that name the bad key).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPublicRecord, type NoticeForPublication } from '../../src/publication/domain/public-record.ts';
import { DEFAULT_PUBLICATION_POLICY, parsePublicationPolicy, publicationModeOf } from '../../src/publication/domain/publication-policy.ts';
import { NO_CONTEXT, isRoleAddress, looksLikeOrganisation, redactText } from '../../src/publication/domain/redact-text.ts';
import { configFromEnv } from '../../src/config.ts';
import type { ItemState } from '../../src/domain/item-state.ts';

const items = (...list: [string, ItemState][]) => list.map(([u, state], position) => ({ position, submittedUrl: u, url: u, state }));

const dmca = (over: Partial<NoticeForPublication> = {}, submission: Record<string, unknown> = {}): NoticeForPublication => ({
  id: '0b6e3c2a-4f1d-4a8e-9c3b-2d7e5f6a1b2c',
  kind: 'copyright',
  regime: 'dmca',
  receivedAt: new Date('2026-03-01T10:00:00Z'),
  submission: {
    kind: 'copyright',
    regime: 'dmca',
    claimant: {
      name: 'Jane Doe',
      company: 'Harbor Pictures LLC',
      email: 'jane@harborpictures.test',
      address: '1 Studio Way, Los Angeles, CA 90001',
      phone: '+1 415 555 0134',
      country: 'US',
    },
    work: {
      description: 'The film "Sunrise" by Jane Doe, see https://studio.test/sunrise',
      urls: ['https://studio.test/sunrise'],
      owner: 'Harbor Pictures Holdings',
    },
    statements: { good_faith_belief: true, accuracy_and_authority: true },
    signature: 'Jane Doe',
    explanation: 'Ms. Doe (jane@harborpictures.test, 1 Studio Way) found copies at https://pirate.example/a and https://gone.example/b.\n/s/ Jane Doe',
    notify: { owner: 'send', host: 'send' },
    ...submission,
  } as NoticeForPublication['submission'],
  items: items(
    ['https://pirate.example/a', 'forwarded'],
    ['https://gone.example/b', 'not_on_network'],
    ['notaurl', 'invalid'],
    ['https://hosted.example/c', 'rejected'],
    ['https://hosted.example/d', 'content_disabled'],
  ),
  ...over,
});

test('a DMCA notice: the claimant’s personal data are [private] in every field; company, rights holder, work and URLs stay', () => {
  const r = buildPublicRecord(dmca());
  assert.ok(r.ok);
  const rec = r.record;
  assert.deepEqual(rec.sender, {
    name: '[private]',
    company: 'Harbor Pictures LLC',
    email: '[private]',
    phone: '[private]',
    address: '[private]',
    country: 'US',
  });
  assert.equal(rec.signature, '[private]');
  assert.equal(rec.rights_holder, 'Harbor Pictures Holdings');
  assert.equal(rec.work!.description, 'The film "Sunrise" by [private], see https://studio.test/sunrise');
  assert.deepEqual(rec.work!.urls, ['https://studio.test/sunrise']);
  assert.equal(rec.explanation, 'Ms. [private] ([private], [private]) found copies at https://pirate.example/a and [invalid].\n/s/ [private]');
  assert.equal(rec.statements.length, 2);
  assert.equal(rec.received_on, '2026-03-01');
  const json = JSON.stringify(rec);
  for (const p of ['Jane', 'Doe', 'jane@', '555', 'Studio Way', 'gone.example', 'notaurl', 'hosted.example/c']) assert.ok(!json.includes(p), p);
});

test('URLs of items found not actionable — invalid, not on the network, rejected — are [invalid]; the others stay with their state', () => {
  const r = buildPublicRecord(dmca());
  assert.ok(r.ok);
  assert.deepEqual(
    r.record.items.map((i) => [i.url, i.state]),
    [
      ['https://pirate.example/a', 'forwarded'],
      ['[invalid]', 'not_on_network'],
      ['[invalid]', 'invalid'],
      ['[invalid]', 'rejected'],
      ['https://hosted.example/d', 'content_disabled'],
    ],
  );
});

test('what was redacted is listed with its field, category, original and place (for the reviewer)', () => {
  const r = buildPublicRecord(dmca());
  assert.ok(r.ok);
  const of = (field: string) => r.redactions.filter((x) => x.field === field).map((x) => [x.category, x.original]);
  assert.deepEqual(of('sender.email'), [['email', 'jane@harborpictures.test']]);
  assert.deepEqual(of('items[1].url'), [['invalid_url', 'https://gone.example/b']]);
  const ex = r.redactions.filter((x) => x.field === 'explanation');
  for (const x of ex) assert.equal(r.record.explanation!.slice(x.at, x.at! + x.length!), x.category === 'invalid_url' ? '[invalid]' : '[private]');
  assert.deepEqual(
    ex.map((x) => x.category),
    ['name', 'email', 'address', 'invalid_url', 'signature'],
  );
});

test('a company as the sender’s name, a role address and an organisation as the rights holder stay named', () => {
  const r = buildPublicRecord(
    dmca(
      {},
      { claimant: { name: 'MarkMonitor Inc.', email: 'dmca@markmonitor.test', country: 'US', address: 'PO Box 1, Boise, ID 83701' }, signature: 'Ann Agent' },
    ),
  );
  assert.ok(r.ok);
  assert.equal(r.record.sender.name, 'MarkMonitor Inc.');
  assert.equal(r.record.sender.email, 'dmca@markmonitor.test');
  assert.equal(r.record.sender.address, '[private]');
  assert.equal(r.record.signature, '[private]');
  const person = buildPublicRecord(dmca({}, { work: { description: 'A song', owner: 'Peter Smith' } }));
  assert.ok(person.ok);
  assert.equal(person.record.rights_holder, '[private]', 'a private individual who owns the work is not named');
});

test('the filing account is named when it is an organisation (an agent), never when it is a person', () => {
  const agent = buildPublicRecord(dmca({ filer: 'Rights Agency Ltd' }));
  const person = buildPublicRecord(dmca({ filer: 'Ann Agent' }));
  assert.ok(agent.ok && person.ok);
  assert.equal(agent.record.filed_by, 'Rights Agency Ltd');
  assert.equal(person.record.filed_by, null);
});

test('a trademark report keeps its registration; a phishing report the brand it imitates', () => {
  const tm = buildPublicRecord(
    dmca(
      { kind: 'trademark', regime: 'terms' },
      {
        kind: 'trademark',
        regime: 'terms',
        claimant: { name: 'Tom Brand', email: 'tom@brand.test', company: 'Brand GmbH' },
        trademark: { number: '012345678', office: 'EUIPO', symbol: 'BRANDO' },
        explanation: 'The shop sells fakes. Call Tom Brand on +49 30 1234 5678.',
      },
    ),
  );
  assert.ok(tm.ok);
  assert.deepEqual(tm.record.trademark, { number: '012345678', office: 'EUIPO', symbol: 'BRANDO' });
  assert.equal(tm.record.explanation, 'The shop sells fakes. Call [private] on [private].');
  assert.equal(tm.record.work, null);
  const ph = buildPublicRecord(
    dmca(
      { kind: 'phishing', regime: 'dsa' },
      { kind: 'phishing', regime: 'dsa', impersonated: 'Example Bank', claimant: { name: 'Sam Analyst', email: 'sam@bank.test' }, explanation: 'Fake login.' },
    ),
  );
  assert.ok(ph.ok);
  assert.equal(ph.record.impersonated, 'Example Bank');
  assert.equal(ph.record.sender.name, '[private]');
});

test('child sexual abuse material, intimate imagery and WHOIS requests never become a record', () => {
  for (const kind of ['csam', 'ncsei', 'whois'] as const) {
    const r = buildPublicRecord(dmca({ kind, regime: 'terms' }, { kind, regime: 'terms' }));
    assert.equal(r.ok, false, kind);
  }
});

test('free text: e-mails, phones, street addresses, postcodes, signatures and labelled names go; dates, IPs, versions, numbers, URLs stay', () => {
  const t = [
    'My name is Marisol Okonkwo, reach me at m.okonkwo@inbox.test or (415) 555-0134 / +44 20 7946 0958.',
    'Address: 742 Evergreen Terrace, Apt 4, Springfield, OR 97403',
    'Office: Hauptstraße 12, 10115 Berlin; 221B Baker Street, London NW1 6XE; PO Box 77.',
    'Filed 2019-01-15 about 192.0.2.10, version 1.2.3, registration TX 8-123-456, https://example.com/555-0134-9999.',
    'Legal team: legal@studio.test',
    '',
    'Best regards,',
    'Marisol Okonkwo',
  ].join('\n');
  assert.equal(
    redactText(t, NO_CONTEXT).text,
    [
      'My name is [private], reach me at [private] or [private] / [private].',
      'Address: [private]',
      'Office: [private]; [private]; [private].',
      'Filed 2019-01-15 about 192.0.2.10, version 1.2.3, registration TX 8-123-456, https://example.com/555-0134-9999.',
      'Legal team: legal@studio.test',
      '',
      'Best regards,',
      '[private]',
    ].join('\n'),
  );
});

test('a company name is never cut, even next to a claimant’s name or inside an address line', () => {
  const ctx = { ...NO_CONTEXT, known: [{ text: 'Jane Doe', category: 'name' as const }], keep: ['Doe Industries'] };
  assert.equal(redactText('Jane Doe of Doe Industries and Acme Widgets Inc. wrote.', ctx).text, '[private] of Doe Industries and Acme Widgets Inc. wrote.');
  assert.equal(redactText('Jane Doe Harbor Pictures LLC', ctx).text, '[private] Harbor Pictures LLC', 'the claimant’s own name beats a guessed company');
});

test('organisations and role addresses are told from people', () => {
  for (const o of ['Harbor Pictures LLC', 'JetBrains s.r.o.', 'BREIN', 'Anti-Piracy Team', 'University of Michigan', 'Example Bank AG'])
    assert.ok(looksLikeOrganisation(o), o);
  for (const p of ['Jane Doe', 'Marisol Okonkwo', 'Jordan Banks', 'Tom Brand', 'Ann Law', 'Peter Church']) assert.ok(!looksLikeOrganisation(p), p);
  assert.ok(isRoleAddress('legal@studio.test'));
  assert.ok(!isRoleAddress('dmca@gmail.com'), 'a role name at a free-mail provider is a person’s');
  assert.ok(!isRoleAddress('jane@studio.test'));
});

test('the policy: defaults per kind and review required', () => {
  assert.deepEqual(DEFAULT_PUBLICATION_POLICY.kinds, {
    copyright: 'all',
    trademark: 'all',
    phishing: 'on_request',
    general: 'on_request',
    threat: 'never',
    csam: 'never',
    ncsei: 'never',
    whois: 'never',
  });
  assert.equal(DEFAULT_PUBLICATION_POLICY.reviewRequired, true);
  const r = parsePublicationPolicy({});
  assert.ok(r.ok);
  assert.deepEqual(r.policy, DEFAULT_PUBLICATION_POLICY);
});

test('the policy: every mode can be set for a publishable kind, and review switched off', () => {
  for (const mode of ['all', 'on_request', 'never'] as const) {
    const r = parsePublicationPolicy({ kinds: { threat: mode, general: mode }, reviewRequired: false });
    assert.ok(r.ok);
    assert.equal(r.policy.kinds.threat, mode);
    assert.equal(r.policy.kinds.copyright, 'all', 'others keep their default');
    assert.equal(r.policy.reviewRequired, false);
    assert.equal(publicationModeOf(r.policy, 'general'), mode);
  }
});

test('the policy: errors name the bad key', () => {
  const errors = (v: unknown) => {
    const r = parsePublicationPolicy(v);
    assert.equal(r.ok, false);
    return (r as { errors: { field: string; message: string }[] }).errors;
  };
  assert.deepEqual(errors({ kinds: { csam: 'all' } }), [
    { field: 'kinds.csam', message: 'Child sexual abuse material reports are never published; kinds.csam must be "never"' },
  ]);
  assert.equal(errors({ kinds: { ncsei: 'on_request' } })[0]!.field, 'kinds.ncsei');
  assert.deepEqual(
    errors({ kinds: { copyrite: 'all' } }).map((e) => e.field),
    ['kinds.copyrite'],
  );
  assert.deepEqual(errors({ kinds: { copyright: 'sometimes' } }), [
    { field: 'kinds.copyright', message: 'kinds.copyright must be "all", "on_request" or "never"' },
  ]);
  assert.deepEqual(
    errors({ reviewRequired: 'yes' }).map((e) => e.field),
    ['reviewRequired'],
  );
  assert.deepEqual(
    errors({ review: false }).map((e) => e.field),
    ['review'],
  );
  assert.deepEqual(
    errors({ kinds: [] }).map((e) => e.field),
    ['kinds'],
  );
});

test('SAFEHARBOR_PUBLICATION_POLICY: parsed at start; a bad one stops it, naming the variable and the key', () => {
  assert.deepEqual(configFromEnv({}).publicationPolicy, DEFAULT_PUBLICATION_POLICY);
  assert.equal(configFromEnv({ SAFEHARBOR_PUBLICATION_POLICY: '{"kinds":{"phishing":"all"}}' }).publicationPolicy.kinds.phishing, 'all');
  assert.throws(() => configFromEnv({ SAFEHARBOR_PUBLICATION_POLICY: '{"kinds":{"csam":"all"}}' }), /^Error: SAFEHARBOR_PUBLICATION_POLICY: kinds\.csam: /);
  assert.throws(() => configFromEnv({ SAFEHARBOR_PUBLICATION_POLICY: 'all' }), /SAFEHARBOR_PUBLICATION_POLICY must be JSON/);
});
