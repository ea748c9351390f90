import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { KIND_RULES, REPORT_KINDS, type LegalRegime, type ReportKind } from '../../src/domain/report-kinds.ts';
import { puidOf, REDRESS_OPTIONS, statementOfReasons, type RestrictionDecision } from '../../src/dsa/domain/statement-of-reasons.ts';

const schema = JSON.parse(readFileSync(new URL('../../src/dsa/statement-schema.json', import.meta.url), 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: true, strictRequired: false }).compile(schema);
const valid = (s: unknown) => {
  const ok = validate(s);
  assert.ok(ok, JSON.stringify(validate.errors));
};

const decision = (kind: ReportKind, regime: LegalRegime, over: Partial<RestrictionDecision> = {}): RestrictionDecision => ({
  id: '0b0c6a47-9d2c-4c52-9a51-3f0d2f0e8d11',
  noticeId: '5f8a7f5e-1e7b-4a8e-9a55-6d5f2a1b3c4d',
  kind,
  regime,
  restriction: 'content_disabled',
  urls: ['https://shop.example.com/login', 'https://shop.example.com/verify'],
  explanation: 'The page imitates the bank’s login form.',
  notifierCompany: 'Example Bank AG',
  trustedFlagger: false,
  byPolicy: false,
  contentDate: new Date('2026-11-30T08:00:00Z'),
  appliedAt: new Date('2026-12-01T09:30:00Z'),
  endsAt: null,
  ...over,
});

test('every kind under every regime it allows: its category and keyword, the ground its regime gives, valid against the schema', () => {
  for (const kind of REPORT_KINDS) {
    for (const regime of KIND_RULES[kind].regimes) {
      const { statement, plain } = statementOfReasons(decision(kind, regime));
      valid(statement);
      assert.equal(statement.category, KIND_RULES[kind].dsa.category, kind);
      assert.deepEqual(statement.category_specification, [KIND_RULES[kind].dsa.keyword], kind);
      assert.deepEqual(statement.decision_visibility, ['DECISION_VISIBILITY_CONTENT_DISABLED']);
      if (regime === 'terms') {
        assert.equal(statement.decision_ground, 'DECISION_GROUND_INCOMPATIBLE_CONTENT', `${kind}/${regime}`);
        assert.ok(statement.incompatible_content_ground!.endsWith(KIND_RULES[kind].label));
        assert.equal(statement.illegal_content_legal_ground, undefined);
        assert.equal(statement.source_type, 'SOURCE_TYPE_OTHER_NOTIFICATION');
      } else {
        assert.equal(statement.decision_ground, 'DECISION_GROUND_ILLEGAL_CONTENT', `${kind}/${regime}`);
        assert.ok(statement.illegal_content_legal_ground!.includes(KIND_RULES[kind].dsa.legalGround.slice(0, 20)));
        assert.equal(statement.illegal_content_explanation, 'The page imitates the bank’s login form.');
        assert.equal(statement.source_type, regime === 'dsa' ? 'SOURCE_ARTICLE_16' : 'SOURCE_TYPE_OTHER_NOTIFICATION');
      }
      assert.deepEqual(plain.redress, [...REDRESS_OPTIONS]);
    }
  }
});

test('the statement names dates, the URLs, the notice, and who decided', () => {
  const { statement, plain } = statementOfReasons(decision('phishing', 'dsa'));
  assert.equal(statement.content_date, '2026-11-30');
  assert.equal(statement.application_date, '2026-12-01');
  assert.equal(statement.automated_detection, 'No');
  assert.equal(statement.automated_decision, 'AUTOMATED_DECISION_NOT_AUTOMATED');
  assert.match(statement.decision_facts, /Access to 2 reported URLs was disabled after review/);
  assert.match(statement.decision_facts, /https:\/\/shop\.example\.com\/verify/);
  assert.match(statement.decision_facts, /5f8a7f5e-1e7b-4a8e-9a55-6d5f2a1b3c4d/);
  assert.equal(plain.facts, statement.decision_facts);
  assert.match(plain.ground, /Directive 2013\/40\/EU/);
  assert.match(plain.redress.join(' '), /six months.*Art\. 20/);
  assert.match(plain.redress.join(' '), /Art\. 21/);
  assert.match(plain.redress.join(' '), /courts/);
});

test('disabled by policy (CSAM at receipt): a fully automated decision', () => {
  const { statement } = statementOfReasons(decision('csam', 'terms', { byPolicy: true, notifierCompany: null, explanation: '' }));
  valid(statement);
  assert.equal(statement.automated_decision, 'AUTOMATED_DECISION_FULLY');
  assert.equal(statement.category, 'STATEMENT_CATEGORY_PROTECTION_OF_MINORS');
  assert.match(statement.decision_facts, /by policy, on receipt/);
  assert.ok(statement.incompatible_content_explanation!.length > 0, 'an empty explanation is replaced, the schema needs one');
});

test('no personal data: a private notifier is "withheld", an organisation is named', () => {
  assert.equal(statementOfReasons(decision('threat', 'dsa', { notifierCompany: null })).statement.source_identity, 'withheld');
  assert.equal(statementOfReasons(decision('threat', 'dsa', { notifierCompany: '  ' })).statement.source_identity, 'withheld');
  assert.equal(statementOfReasons(decision('threat', 'dsa')).statement.source_identity, 'Example Bank AG');
});

test('a trusted flagger is the source when the notifier is one (Art. 22 hook)', () => {
  const { statement } = statementOfReasons(decision('ncsei', 'dsa', { trustedFlagger: true }));
  valid(statement);
  assert.equal(statement.source_type, 'SOURCE_TRUSTED_FLAGGER');
});

test('service restrictions: decision_provision, and an end date when known', () => {
  const s = statementOfReasons(decision('general', 'terms', { restriction: 'service_suspended', endsAt: new Date('2027-01-15T00:00:00Z') })).statement;
  valid(s);
  assert.equal(s.decision_provision, 'DECISION_PROVISION_TOTAL_SUSPENSION');
  assert.equal(s.end_date_service_restriction, '2027-01-15');
  assert.equal(s.decision_visibility, undefined);
  const t = statementOfReasons(decision('copyright', 'dmca', { restriction: 'service_terminated' })).statement;
  valid(t);
  assert.equal(t.decision_provision, 'DECISION_PROVISION_TOTAL_TERMINATION');
  assert.match(t.illegal_content_legal_ground!, /^17 U\.S\.C\. § 512\(c\)/);
  const e = statementOfReasons(decision('phishing', 'dsa', { endsAt: new Date('2026-12-20T12:00:00Z') })).statement;
  assert.equal(e.end_date_visibility_restriction, '2026-12-20');
});

test('limits: long explanations and URL lists are clipped to the schema, the puid matches its pattern', () => {
  const urls = Array.from({ length: 400 }, (_, i) => `https://s.example.com/page/${i}/${'x'.repeat(20)}`);
  const { statement } = statementOfReasons(decision('copyright', 'dsa', { urls, explanation: 'y'.repeat(3000) }));
  valid(statement);
  assert.equal(statement.decision_facts.length, 5000);
  assert.equal(statement.illegal_content_explanation!.length, 2000);
  assert.equal(puidOf('a b/c'), 'sor-abc');
  assert.match(statement.puid, /^[a-zA-Z0-9-_]+$/);
});

test('the schema refuses what the Transparency Database refuses', () => {
  const good = statementOfReasons(decision('phishing', 'dsa')).statement;
  const bad = (over: Record<string, unknown>, without: string[] = []) => {
    const s: Record<string, unknown> = { ...good, ...over };
    for (const k of without) delete s[k];
    return validate(s);
  };
  assert.equal(bad({ puid: 'has space' }), false);
  assert.equal(bad({}, ['illegal_content_legal_ground']), false);
  assert.equal(bad({}, ['decision_visibility']), false);
  assert.equal(bad({ category: 'STATEMENT_CATEGORY_NOPE' }), false);
  assert.equal(bad({ content_date: '2026-13-01' }), false);
  assert.equal(bad({ decision_facts: 'z'.repeat(5001) }), false);
  assert.equal(bad({}, ['content_type_other']), false);
  assert.equal(bad({ decision_ground: 'DECISION_GROUND_INCOMPATIBLE_CONTENT' }), false);
});
