import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { KIND_RULES, REPORT_KINDS, type LegalRegime, type ReportKind } from '../../src/domain/report-kinds.ts';
import { parseReport, type ReportSubmission } from '../../src/domain/report-submission.ts';
import { validateCounterNotice } from '../../src/domain/counter-notice.ts';
import { actionTaken, lumenExport, NOT_EXPORTED_CSAM, type LumenItem, type LumenNotice, type LumenSource } from '../../src/exports/lumen.ts';

const schema = JSON.parse(readFileSync(new URL('../../src/exports/lumen-schema.json', import.meta.url), 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: true, strictRequired: false }).compile(schema);
/** As it goes over the wire. */
const valid = (record: unknown, what: string) => {
  const wire = JSON.parse(JSON.stringify(record));
  assert.ok(validate(wire), `${what}: ${JSON.stringify(validate.errors)}`);
};

const claimant = {
  name: 'Jane Doe',
  company: 'Harbor Pictures LLC',
  email: 'jane@harbor.test',
  phone: '+1 555 0100',
  address: '1 Studio Way, LA',
  country: 'US',
};

/** A complete report of the kind under the regime, checked by the real parser. */
function submission(kind: ReportKind, regime: LegalRegime): ReportSubmission {
  const b: Record<string, unknown> = {
    kind,
    regime,
    urls: ['https://a.example/1'],
    claimant,
    explanation: `The page is a ${kind} case: it breaks the law and the policy.`,
    statements: regime === 'dmca' ? { good_faith_belief: true, accuracy_and_authority: true } : regime === 'dsa' ? { accurate_and_complete: true } : undefined,
  };
  if (kind === 'copyright') Object.assign(b, { work: { description: 'The film "Sunrise"', urls: ['https://studio.test/sunrise'] }, signature: 'Jane Doe' });
  if (kind === 'trademark') b.trademark = { number: 'EU 018123456', office: 'EUIPO', symbol: 'HARBOR' };
  if (kind === 'ncsei') b.subject_representation = true;
  if (kind === 'phishing') b.impersonated = 'Example Bank';
  if (kind === 'whois') {
    b.whois_request = {
      legal_basis: 'Art. 6(1)(f) GDPR',
      request_type: 'disclosure',
      requested_data: ['registrant_name'],
      good_faith_affirmation: true,
      lawful_processing_agreement: true,
    };
  }
  if (kind === 'csam') {
    delete b.claimant;
    b.notify = { hotline: 'send-anon' };
  }
  const r = parseReport(b);
  assert.ok(r.ok, `${kind}/${regime}: ${JSON.stringify(!r.ok && r.errors)}`);
  return r.submission;
}

const source = (kind: ReportKind, regime: LegalRegime, items: LumenItem[], over: Partial<LumenSource> = {}): LumenSource => ({
  id: '5f8a7f5e-1e7b-4a8e-9a55-6d5f2a1b3c4d',
  kind,
  regime,
  channel: 'api',
  submission: submission(kind, regime),
  receivedAt: new Date('2026-11-30T08:00:00.123Z'),
  items,
  counterNotices: [],
  ...over,
});

const items: LumenItem[] = [
  { url: 'https://a.example/1', state: 'content_disabled' },
  { url: 'https://a.example/2', state: 'forwarded' },
  { url: null, state: 'invalid' },
];

const role = (n: LumenNotice, name: string) => n.entity_notice_roles_attributes.find((r) => r.name === name)?.entity_attributes;

test('every kind under every regime it allows: its Lumen type, valid against the schema; CSAM never, and said so', () => {
  for (const kind of REPORT_KINDS) {
    for (const regime of KIND_RULES[kind].regimes) {
      const e = lumenExport(source(kind, regime, items), { provider: 'Safeharbor CDN' });
      if (kind === 'csam') {
        assert.deepEqual(e, { notice_id: '5f8a7f5e-1e7b-4a8e-9a55-6d5f2a1b3c4d', kind, exported: false, reason: NOT_EXPORTED_CSAM });
        continue;
      }
      assert.ok(e.exported, `${kind}/${regime}`);
      valid(e.notice, `${kind}/${regime}`);
      assert.equal(e.notice.type, KIND_RULES[kind].lumen);
      assert.equal(e.notice.action_taken, 'Partial');
      assert.equal(e.notice.date_received, '2026-11-30T08:00:00.123Z');
      assert.equal(e.notice.source, 'API');
      assert.deepEqual(e.notice.works_attributes[0]!.infringing_urls_attributes, [{ url: 'https://a.example/1' }, { url: 'https://a.example/2' }]);
      assert.deepEqual(role(e.notice, 'recipient'), { name: 'Safeharbor CDN', kind: 'organization' });
      assert.deepEqual(role(e.notice, 'submitter'), { name: 'Safeharbor CDN', kind: 'organization' });
      assert.doesNotMatch(JSON.stringify(e.notice), /jane@harbor\.test|555 0100/, 'no e-mail address or telephone number in a public record');
    }
  }
  const types = Object.fromEntries(REPORT_KINDS.map((k) => [k, KIND_RULES[k].lumen]));
  assert.deepEqual(types, {
    copyright: 'DMCA',
    trademark: 'Trademark',
    phishing: 'Other',
    csam: null,
    threat: 'Other',
    ncsei: 'PrivateInformation',
    whois: 'DataProtection',
    general: 'Other',
  });
});

test('a DMCA notice: work and original URLs, sender and principal, US law, the sworn statements', () => {
  const e = lumenExport(source('copyright', 'dmca', items, { channel: 'web' }), { provider: 'P' });
  assert.ok(e.exported);
  const n = e.notice;
  assert.equal(n.type, 'DMCA');
  assert.equal(n.source, 'Online Form');
  assert.equal(n.jurisdiction_list, 'US');
  assert.equal(n.regulation_list, '17 U.S.C. § 512(c)');
  assert.equal(n.tag_list, 'copyright, dmca');
  assert.equal(n.case_id_number, '5f8a7f5e-1e7b-4a8e-9a55-6d5f2a1b3c4d');
  assert.deepEqual(n.works_attributes, [
    {
      description: 'The film "Sunrise"',
      copyrighted_urls_attributes: [{ url: 'https://studio.test/sunrise' }],
      infringing_urls_attributes: [{ url: 'https://a.example/1' }, { url: 'https://a.example/2' }],
    },
  ]);
  assert.deepEqual(role(n, 'sender'), { name: 'Jane Doe', kind: 'individual', address_line_1: '1 Studio Way, LA', country_code: 'US' });
  assert.deepEqual(role(n, 'principal'), { name: 'Harbor Pictures LLC', kind: 'organization' });
  assert.equal(role(n, 'agent'), undefined);
  assert.match(n.body!, /penalty of perjury/);
});

test('an agent acting for a different owner: the owner is the principal, the agent firm the agent', () => {
  const s = source('copyright', 'dmca', items);
  const sub = s.submission as Extract<ReportSubmission, { kind: 'copyright' }>;
  const e = lumenExport({ ...s, submission: { ...sub, work: { ...sub.work, owner: 'Studio Owner Inc.' } } }, { provider: 'P' });
  assert.ok(e.exported);
  valid(e.notice, 'agent');
  assert.deepEqual(role(e.notice, 'principal'), { name: 'Studio Owner Inc.', kind: 'organization' });
  assert.deepEqual(role(e.notice, 'agent'), { name: 'Harbor Pictures LLC', kind: 'organization' });
  const { company: _company, ...solo } = sub.claimant;
  const individual = lumenExport({ ...s, submission: { ...sub, claimant: solo } as typeof sub }, { provider: 'P' });
  assert.ok(individual.exported);
  assert.deepEqual(role(individual.notice, 'principal'), role(individual.notice, 'sender'), 'one acting for oneself is the principal too');
});

test('a DSA notice names the EU and the reported country; a trademark its registration', () => {
  const s = source('trademark', 'dsa', items);
  const e = lumenExport({ ...s, submission: { ...s.submission, reported_country: 'DE' } }, { provider: 'P' });
  assert.ok(e.exported);
  assert.equal(e.notice.jurisdiction_list, 'EU, DE');
  assert.match(e.notice.regulation_list!, /2022\/2065/);
  assert.equal(e.notice.works_attributes[0]!.description, 'Trademark "HARBOR", registration EU 018123456 (EUIPO)');
  assert.deepEqual(e.notice.works_attributes[0]!.copyrighted_urls_attributes, []);
});

test('intimate imagery and WHOIS requests: exported without the sender or the explanation', () => {
  for (const kind of ['ncsei', 'whois'] as const) {
    const e = lumenExport(source(kind, 'terms', items), { provider: 'P' });
    assert.ok(e.exported);
    valid(e.notice, kind);
    assert.deepEqual(role(e.notice, 'sender'), { name: '[withheld]', kind: 'individual' });
    assert.equal(role(e.notice, 'principal'), undefined);
    assert.equal(e.notice.body, undefined);
    assert.doesNotMatch(JSON.stringify(e.notice), /Jane Doe|Harbor Pictures|breaks the law/);
    assert.match(e.notice.tag_list!, /withheld/);
  }
});

test('action_taken from the items: Yes, Partial, No, Unspecified', () => {
  assert.equal(actionTaken(['content_disabled', 'content_disabled']), 'Yes');
  assert.equal(actionTaken(['content_disabled', 'restored']), 'Yes', 'restored content was taken down first');
  assert.equal(actionTaken(['content_disabled', 'rejected']), 'Partial');
  assert.equal(actionTaken(['content_disabled', 'pending_review']), 'Partial');
  assert.equal(actionTaken(['forwarded', 'rejected', 'not_on_network', 'invalid', 'retracted']), 'No');
  assert.equal(actionTaken(['forwarded', 'pending_review']), 'Unspecified');
  assert.equal(actionTaken(['received']), 'Unspecified');
  assert.equal(actionTaken([]), 'Unspecified');
});

test('a counter notice is a Counternotice record of its own, pointing at the notice', () => {
  const v = validateCounterNotice(
    {
      material: { urls: ['https://a.example/1'] },
      statements: { good_faith_mistake: true, consent_to_jurisdiction: true, accept_service_of_process: true },
      subscriber: { name: 'Sam Site', company: 'Site Owner Ltd', address: '2 Road, Leeds', country: 'GB', phone: '+44 113 496 0000' },
      reason: 'fair_use',
      explanation: 'A short review clip.',
      signature: 'Sam Site',
    },
    { urls: ['https://a.example/1', 'https://a.example/2'] },
  );
  assert.ok(v.ok, JSON.stringify(!v.ok && v.errors));
  const cn = { id: '7d1f0c5e-0000-4000-8000-000000000001', receivedAt: new Date('2026-12-02T10:00:00Z'), body: v.counterNotice };
  for (const [state, action] of [
    ['content_disabled', 'Unspecified'],
    ['restored', 'Yes'],
  ] as const) {
    const e = lumenExport(source('copyright', 'dmca', [{ url: 'https://a.example/1', state }], { counterNotices: [cn] }), { provider: 'P' });
    assert.ok(e.exported);
    assert.equal(e.counter_notices.length, 1);
    const c = e.counter_notices[0]!;
    valid(c, 'counter notice');
    assert.equal(c.type, 'Counternotice');
    assert.equal(c.action_taken, action, state);
    assert.equal(c.case_id_number, e.notice.case_id_number);
    assert.equal(c.regulation_list, '17 U.S.C. § 512(g)');
    assert.deepEqual(role(c, 'sender'), { name: 'Sam Site', kind: 'individual', address_line_1: '2 Road, Leeds', country_code: 'GB' });
    assert.deepEqual(role(c, 'principal'), { name: 'Site Owner Ltd', kind: 'organization', address_line_1: '2 Road, Leeds', country_code: 'GB' });
    assert.match(c.body!, /fair use/);
    assert.doesNotMatch(JSON.stringify(c), /496 0000/);
  }
});

test('the schema refuses what Lumen refuses', () => {
  const e = lumenExport(source('copyright', 'dmca', items), { provider: 'P' });
  assert.ok(e.exported);
  const good = JSON.parse(JSON.stringify(e.notice)) as Record<string, unknown>;
  const bad = (over: Record<string, unknown>, without: string[] = []) => {
    const r: Record<string, unknown> = { ...good, ...over };
    for (const k of without) delete r[k];
    return validate(r);
  };
  assert.equal(bad({}), true);
  assert.equal(bad({ type: 'Copyright' }), false);
  assert.equal(bad({ action_taken: 'Maybe' }), false);
  assert.equal(bad({}, ['works_attributes']), false);
  assert.equal(bad({ date_received: '30/11/2026' }), false);
  assert.equal(bad({ tag_list: ['copyright'] }), false, 'lists are comma-separated strings');
  assert.equal(bad({ entity_notice_roles_attributes: [{ name: 'sender', entity_attributes: { name: 'X', kind: 'company' } }] }), false);
  assert.equal(bad({ entity_notice_roles_attributes: [{ name: 'sender', entity_attributes: { name: 'X', kind: 'individual' } }] }), false, 'no recipient');
  assert.equal(bad({ works_attributes: [{ description: 'w', infringing_urls_attributes: [{ url: 'not a url' }] }] }), false);
  assert.equal(bad({ unknown_field: 1 }), false);
});
