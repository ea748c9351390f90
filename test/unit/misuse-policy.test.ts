import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_MISUSE_POLICY,
  countingSince,
  describeMisusePolicy,
  parseMisusePolicy,
  standingOf,
  suspensionEnd,
  type MeasureRecord,
  type PartyPolicy,
} from '../../src/dsa/domain/misuse-policy.ts';
import { misuseMark, parseDecision } from '../../src/domain/review.ts';

const DAY = 86_400_000;
const now = new Date('2026-03-01T12:00:00Z');
const ago = (days: number) => new Date(now.getTime() - days * DAY);
const policy: PartyPolicy = { windowDays: 90, warnAt: 3, suspendAt: 5, minProportion: 0.5, suspensionDays: 10 };
const warning = (daysAgo: number): MeasureRecord => ({ measure: 'warning', startsAt: ago(daysAgo), endsAt: null, liftedAt: null });

test('below the warning threshold: ok; at it, with the proportion: warn', () => {
  assert.equal(standingOf(policy, { decided: 4, flagged: 2 }, [], now).level, 'ok');
  const s = standingOf(policy, { decided: 4, flagged: 3 }, [], now);
  assert.equal(s.level, 'warn');
  assert.equal(s.proportion, 0.75);
});

test('the proportion: many flagged items among far more sound ones are not frequent misuse', () => {
  const s = standingOf(policy, { decided: 100, flagged: 20 }, [], now);
  assert.equal(s.level, 'ok');
  assert.match(s.why, /20% of decided items flagged, below 50%/);
  assert.equal(standingOf({ ...policy, minProportion: 0 }, { decided: 100, flagged: 20 }, [], now).level, 'warn');
});

test('a suspension is proposed only after a warning, however far over the threshold', () => {
  assert.equal(standingOf(policy, { decided: 50, flagged: 50 }, [], now).level, 'warn', 'no warning yet: warn first');
  assert.equal(standingOf(policy, { decided: 50, flagged: 50 }, [warning(5)], now).level, 'suspend');
  const warned = standingOf(policy, { decided: 8, flagged: 4 }, [warning(5)], now);
  assert.equal(warned.level, 'ok', 'warned, below the suspension threshold: nothing more to propose');
  assert.deepEqual(warned.warnedAt, ago(5));
});

test('the window: a warning older than the window no longer allows a suspension', () => {
  assert.equal(standingOf(policy, { decided: 6, flagged: 6 }, [warning(91)], now).level, 'warn');
  assert.deepEqual(countingSince(policy, [], now), ago(90));
});

test('while suspended nothing is proposed; after a suspension items count afresh and a new warning is needed', () => {
  const running: MeasureRecord = { measure: 'suspension', startsAt: ago(2), endsAt: new Date(now.getTime() + 8 * DAY), liftedAt: null };
  const s = standingOf(policy, { decided: 9, flagged: 9 }, [warning(3), running], now);
  assert.equal(s.level, 'ok');
  assert.deepEqual(s.suspendedUntil, running.endsAt);
  const served: MeasureRecord = { measure: 'suspension', startsAt: ago(20), endsAt: ago(10), liftedAt: ago(10) };
  const history = [warning(25), served];
  assert.deepEqual(countingSince(policy, history, now), ago(10), 'counts start at the end of the last suspension');
  assert.equal(standingOf(policy, { decided: 9, flagged: 9 }, history, now).level, 'warn', 'the old warning was spent by the suspension');
  const liftedEarly: MeasureRecord = { measure: 'suspension', startsAt: ago(20), endsAt: new Date(now.getTime() + DAY), liftedAt: ago(15) };
  assert.deepEqual(countingSince(policy, [liftedEarly], now), ago(15));
});

test('suspensionEnd adds the policy length', () => {
  assert.deepEqual(suspensionEnd(policy, now), new Date(now.getTime() + 10 * DAY));
});

test('the policy from configuration: defaults, every problem by field, warning before suspension', () => {
  const d = parseMisusePolicy(undefined);
  assert.ok(d.ok);
  assert.deepEqual(d.policy, DEFAULT_MISUSE_POLICY);
  const partial = parseMisusePolicy({ notifier: { warnAt: 2, suspendAt: 4 } });
  assert.ok(partial.ok);
  assert.equal(partial.policy.notifier.windowDays, DEFAULT_MISUSE_POLICY.notifier.windowDays);
  const bad = parseMisusePolicy({ notifier: { warnAt: 5, suspendAt: 2, minProportion: 2 }, customer: { windowDays: 0 } });
  assert.ok(!bad.ok);
  assert.deepEqual(bad.errors.map((e) => e.field).sort(), ['customer.windowDays', 'notifier.minProportion', 'notifier.suspendAt']);
});

test('the published text states the thresholds, the period and the redress (Art. 23(4))', () => {
  const t = describeMisusePolicy(DEFAULT_MISUSE_POLICY, { providerName: 'Harbor' });
  assert.match(t, /5 such items within 180 days, making up at least 50%/);
  assert.match(t, /suspended for 14 days/);
  assert.match(t, /complain about it free of charge \(Art\. 20\)/);
});

test('decisions carry the misuse marks: manifestly unfounded rejections and manifestly illegal takedowns', () => {
  const r = parseDecision({ action: 'reject', reason: 'manifestly_unfounded' });
  assert.ok(r.ok);
  assert.deepEqual(misuseMark(r.decision), { misuse: 'manifestly_unfounded' });
  const d = parseDecision({ action: 'disable', manifestly_illegal: true });
  assert.ok(d.ok);
  assert.deepEqual(misuseMark(d.decision), { misuse: 'manifestly_illegal' });
  const plain = parseDecision({ action: 'disable', manifestly_illegal: '' });
  assert.ok(plain.ok);
  assert.deepEqual(misuseMark(plain.decision), {});
  const wrong = parseDecision({ action: 'reject', reason: 'duplicate', manifestly_illegal: true });
  assert.ok(!wrong.ok);
  assert.equal(wrong.errors[0]!.field, 'manifestly_illegal');
});
