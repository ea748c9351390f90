import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FLAGGER_KINDS, isTrustedFlaggerFor, parseGrant, parseRevoke, type FlaggerGrant } from '../../src/dsa/domain/trusted-flagger.ts';
import { compareQueue, dueBy, type QueueEntry } from '../../src/dsa/domain/trusted-flagger-queue.ts';
import { decisionSpeed, quantile, type DecidedNotice } from '../../src/dsa/domain/trusted-flagger-stats.ts';

const REPORTER = '0b6e3c2a-4f1d-4a8e-9c3b-2d7e5f6a1b2c';
const OTHER = '1b6e3c2a-4f1d-4a8e-9c3b-2d7e5f6a1b2c';
const t = (s: string) => new Date(`2026-05-01T${s}Z`);

test('a grant is read with every problem by field', () => {
  const r = parseGrant({ principal_id: 'nope', organisation: ' ', dsc_country: 'US', kinds: ['whois', 'spam'] });
  assert.equal(r.ok, false);
  const fields = r.ok ? [] : r.errors.map((e) => e.field).sort();
  assert.deepEqual(fields, ['dsc_country', 'kinds[0]', 'kinds[1]', 'organisation', 'principal_id']);
  const none = parseGrant({ principal_id: REPORTER, organisation: 'X', dsc_country: 'DE', kinds: [] });
  assert.deepEqual(none.ok ? [] : none.errors.map((e) => e.field), ['kinds']);
  assert.equal(parseGrant(undefined).ok, false);
});

test('a grant: country in upper case (EL is Greece, GR), kinds once each in the table order, reference optional', () => {
  const r = parseGrant({
    principal_id: REPORTER.toUpperCase(),
    organisation: ' Anti-Phishing Org ',
    dsc_country: 'el',
    kinds: ['phishing', 'copyright', 'phishing'],
  });
  assert.ok(r.ok);
  assert.deepEqual(r.grant, {
    principal_id: REPORTER,
    organisation: 'Anti-Phishing Org',
    dsc_country: 'GR',
    dsc_reference: null,
    kinds: ['copyright', 'phishing'],
  });
});

test('areas of expertise are the kinds that are notices of illegal content: not WHOIS requests', () => {
  assert.ok(FLAGGER_KINDS.includes('phishing') && FLAGGER_KINDS.includes('csam'));
  assert.ok(!(FLAGGER_KINDS as readonly string[]).includes('whois'));
});

test('a revocation needs a reason', () => {
  assert.deepEqual(parseRevoke({}), { ok: false, errors: [{ field: 'reason', message: 'reason is required' }] });
  assert.deepEqual(parseRevoke({ reason: ' DSC revoked the status ' }), { ok: true, reason: 'DSC revoked the status' });
});

test('a trusted flagger only for its kinds, its own notices, while the grant is in force', () => {
  const grants: FlaggerGrant[] = [{ principalId: REPORTER, kinds: ['phishing'], grantedAt: t('10:00:00'), revokedAt: t('12:00:00') }];
  assert.equal(isTrustedFlaggerFor(grants, REPORTER, 'phishing', t('11:00:00')), true);
  assert.equal(isTrustedFlaggerFor(grants, REPORTER, 'phishing', t('10:00:00')), true, 'from the grant on');
  assert.equal(isTrustedFlaggerFor(grants, REPORTER, 'trademark', t('11:00:00')), false, 'outside its expertise');
  assert.equal(isTrustedFlaggerFor(grants, OTHER, 'phishing', t('11:00:00')), false, 'another reporter');
  assert.equal(isTrustedFlaggerFor(grants, REPORTER, 'phishing', t('09:59:59')), false, 'before the grant');
  assert.equal(isTrustedFlaggerFor(grants, REPORTER, 'phishing', t('12:00:00')), false, 'from the revocation on');
  assert.equal(isTrustedFlaggerFor([{ ...grants[0]!, revokedAt: null }], REPORTER, 'phishing', t('23:00:00')), true, 'not revoked');
  assert.equal(isTrustedFlaggerFor([], REPORTER, 'phishing', t('11:00:00')), false);
});

const entry = (id: string, over: Partial<QueueEntry>): QueueEntry => ({
  id,
  kind: 'copyright',
  trustedFlagger: false,
  priority: 3,
  createdAt: t('10:00:00'),
  ...over,
});

test('queue: trusted flaggers first, then the kind priority (0 first), then the oldest, then the id', () => {
  const q = [
    entry('a-old-copyright', { createdAt: t('08:00:00') }),
    entry('b-tf-copyright', { trustedFlagger: true, createdAt: t('11:00:00') }),
    entry('c-phishing', { kind: 'phishing', priority: 1, createdAt: t('09:00:00') }),
    entry('d-tf-phishing-new', { kind: 'phishing', priority: 1, trustedFlagger: true, createdAt: t('12:00:00') }),
    entry('e-csam', { kind: 'csam', priority: 0, createdAt: t('13:00:00') }),
    entry('f-tf-phishing-old', { kind: 'phishing', priority: 1, trustedFlagger: true, createdAt: t('07:00:00') }),
    entry('g-phishing-same-time', { kind: 'phishing', priority: 1, createdAt: t('09:00:00') }),
  ];
  assert.deepEqual(
    [...q].sort(compareQueue).map((e) => e.id),
    ['f-tf-phishing-old', 'd-tf-phishing-new', 'b-tf-copyright', 'e-csam', 'c-phishing', 'g-phishing-same-time', 'a-old-copyright'],
  );
  assert.equal(compareQueue(q[0]!, q[0]!), 0);
});

test("due by: receipt plus the kind's target hours", () => {
  assert.equal(dueBy('phishing', t('10:00:00')).toISOString(), '2026-05-01T14:00:00.000Z');
  assert.equal(dueBy('csam', t('10:00:00')).toISOString(), '2026-05-01T11:00:00.000Z');
  assert.equal(dueBy('copyright', t('10:00:00')).toISOString(), '2026-05-04T10:00:00.000Z');
});

test('quantiles interpolate between the nearest ranks', () => {
  assert.equal(quantile([], 0.5), null);
  assert.equal(quantile([7], 0.9), 7);
  assert.equal(quantile([1, 2, 3, 10], 0.5), 2.5);
  assert.equal(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 0.9), 10);
  assert.ok(Math.abs(quantile([1, 2, 3, 10], 0.9)! - 7.9) < 1e-9);
});

test('decision speed per kind: trusted flaggers against the others, median and p90 in hours', () => {
  const decided = (kind: DecidedNotice['kind'], trustedFlagger: boolean, hours: number): DecidedNotice => ({
    kind,
    trustedFlagger,
    receivedAt: t('00:00:00'),
    firstDecisionAt: new Date(t('00:00:00').getTime() + hours * 3_600_000),
  });
  const out = decisionSpeed([
    decided('phishing', true, 1),
    decided('phishing', true, 3),
    decided('phishing', false, 2),
    decided('phishing', false, 4),
    decided('phishing', false, 6),
    decided('phishing', false, 20),
    decided('copyright', false, 48),
  ]);
  assert.deepEqual(out, [
    { kind: 'copyright', trusted_flagger: { notices: 0, median_hours: null, p90_hours: null }, others: { notices: 1, median_hours: 48, p90_hours: 48 } },
    {
      kind: 'phishing',
      trusted_flagger: { notices: 2, median_hours: 2, p90_hours: 2.8 },
      others: { notices: 4, median_hours: 5, p90_hours: 15.8 },
    },
  ]);
  assert.deepEqual(decisionSpeed([]), []);
});
