import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  countsAsStrike,
  describePolicy,
  evaluateAccount,
  noticeStrikeStatus,
  parseStrikePolicy,
  DEFAULT_STRIKE_POLICY,
  STRIKE_STATUSES,
  type Strike,
  type StrikePolicy,
} from '../../src/domain/strike-policy.ts';

const DAY = 86_400_000;
const NOW = new Date('2026-06-15T12:00:00Z');
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);
const policy = (over: Partial<StrikePolicy> = {}): StrikePolicy => ({ ...DEFAULT_STRIKE_POLICY, ...over });
const strike = (noticeId: string, daysAgo: number, status: Strike['status'] = 'active', source?: Strike['source']): Strike => ({
  noticeId,
  at: ago(daysAgo),
  status,
  ...(source ? { source } : {}),
});

test('defaults: review at 2, terminate at 3 within 365 days; disputed strikes do not count; forwarded notices do', () => {
  assert.deepEqual({ ...DEFAULT_STRIKE_POLICY }, { windowDays: 365, reviewAt: 2, terminateAt: 3, countDisputed: false, countForwarded: true });
  assert.ok(Object.isFrozen(DEFAULT_STRIKE_POLICY));
});

test('which statuses count: active always, disputed only when the policy says so, never countered/retracted/invalidated', () => {
  const p = policy();
  assert.deepEqual(
    STRIKE_STATUSES.filter((s) => countsAsStrike(s, p)),
    ['active'],
  );
  assert.deepEqual(
    STRIKE_STATUSES.filter((s) => countsAsStrike(s, policy({ countDisputed: true }))),
    ['active', 'disputed'],
  );
  assert.ok(countsAsStrike('active', p, 'forwarded'));
  assert.ok(!countsAsStrike('active', policy({ countForwarded: false }), 'forwarded'));
  assert.ok(countsAsStrike('active', policy({ countForwarded: false }), 'takedown'));
});

test('a notice with several items on one account: the most severe item status wins', () => {
  assert.equal(noticeStrikeStatus([]), null);
  assert.equal(noticeStrikeStatus([null, null]), null);
  assert.equal(noticeStrikeStatus(['countered', 'active', 'retracted']), 'active');
  assert.equal(noticeStrikeStatus(['countered', 'disputed']), 'disputed');
  assert.equal(noticeStrikeStatus(['retracted', 'countered', null]), 'countered');
  assert.equal(noticeStrikeStatus(['invalidated', 'retracted']), 'retracted');
});

test('levels: ok, review at reviewAt, terminate at terminateAt', () => {
  const p = policy();
  assert.deepEqual(evaluateAccount([], p, NOW), {
    count: 0,
    level: 'ok',
    counted: [],
    expiresAt: null,
    levelExpiresAt: null,
    untilReview: 2,
    untilTerminate: 3,
  });
  const one = evaluateAccount([strike('n1', 10)], p, NOW);
  assert.equal(one.level, 'ok');
  assert.equal(one.count, 1);
  assert.equal(one.untilReview, 1);
  assert.deepEqual(one.expiresAt, new Date(ago(10).getTime() + 365 * DAY));
  assert.equal(one.levelExpiresAt, null);
  const two = evaluateAccount([strike('n1', 10), strike('n2', 5)], p, NOW);
  assert.equal(two.level, 'review');
  assert.equal(two.untilReview, 0);
  assert.equal(two.untilTerminate, 1);
  const three = evaluateAccount([strike('n1', 300), strike('n2', 200), strike('n3', 1)], p, NOW);
  assert.equal(three.level, 'terminate');
  assert.equal(three.untilTerminate, 0);
  assert.deepEqual(
    three.counted.map((c) => c.noticeId),
    ['n1', 'n2', 'n3'],
  );
});

test('retracted, countered, invalidated and (by default) disputed notices are not strikes', () => {
  const strikes = [strike('a', 1), strike('b', 2, 'retracted'), strike('c', 3, 'countered'), strike('d', 4, 'invalidated'), strike('e', 5, 'disputed')];
  const r = evaluateAccount(strikes, policy(), NOW);
  assert.equal(r.count, 1);
  assert.deepEqual(
    r.counted.map((c) => c.noticeId),
    ['a'],
  );
  assert.equal(evaluateAccount(strikes, policy({ countDisputed: true }), NOW).count, 2);
});

test('forwarded notices count unless the policy leaves them out', () => {
  const strikes = [strike('hosted', 1), strike('proxied-1', 2, 'active', 'forwarded'), strike('proxied-2', 3, 'active', 'forwarded')];
  assert.equal(evaluateAccount(strikes, policy(), NOW).level, 'terminate');
  const r = evaluateAccount(strikes, policy({ countForwarded: false }), NOW);
  assert.equal(r.count, 1);
  assert.equal(r.level, 'ok');
});

test('the window is rolling: a strike exactly windowDays old no longer counts; a future-dated one does', () => {
  const p = policy({ windowDays: 90, reviewAt: 1, terminateAt: 3 });
  const atEdge: Strike = { noticeId: 'x', at: new Date(NOW.getTime() - 90 * DAY), status: 'active' };
  const justInside: Strike = { noticeId: 'y', at: new Date(NOW.getTime() - 90 * DAY + 1), status: 'active' };
  assert.equal(evaluateAccount([atEdge], p, NOW).count, 0);
  assert.equal(evaluateAccount([justInside], p, NOW).count, 1);
  assert.deepEqual(evaluateAccount([justInside], p, NOW).expiresAt, new Date(NOW.getTime() + 1));
  // Clock skew: a strike stamped a minute ahead of our clock is still a strike.
  const ahead: Strike = { noticeId: 'z', at: new Date(NOW.getTime() + 60_000), status: 'active' };
  assert.equal(evaluateAccount([ahead], p, NOW).count, 1);
  // Moving the clock: the same strikes, evaluated later, expire.
  const strikes = [strike('a', 80), strike('b', 50), strike('c', 10)];
  assert.equal(evaluateAccount(strikes, p, NOW).level, 'terminate');
  assert.equal(evaluateAccount(strikes, p, new Date(NOW.getTime() + 10 * DAY)).level, 'review');
  assert.equal(evaluateAccount(strikes, p, new Date(NOW.getTime() + 79 * DAY)).count, 1);
  assert.equal(evaluateAccount(strikes, p, new Date(NOW.getTime() + 79 * DAY)).level, 'review');
  assert.equal(evaluateAccount(strikes, p, new Date(NOW.getTime() + 80 * DAY)).level, 'ok'); // c is now 90 days old
});

test('levelExpiresAt: when the account falls below its level if nothing new comes', () => {
  const p = policy({ windowDays: 100, reviewAt: 2, terminateAt: 4 });
  // Five strikes: terminate (≥4); dropping below 4 takes two expiries: the second oldest's.
  const strikes = [strike('a', 90), strike('b', 70), strike('c', 50), strike('d', 30), strike('e', 10)];
  const r = evaluateAccount(strikes, p, NOW);
  assert.equal(r.level, 'terminate');
  assert.deepEqual(r.expiresAt, new Date(ago(90).getTime() + 100 * DAY));
  assert.deepEqual(r.levelExpiresAt, new Date(ago(70).getTime() + 100 * DAY));
  // Checking the claim: just after levelExpiresAt the level is lower, just before it is not.
  assert.equal(evaluateAccount(strikes, p, new Date(r.levelExpiresAt!.getTime() - 1)).level, 'terminate');
  assert.equal(evaluateAccount(strikes, p, r.levelExpiresAt!).level, 'review');
  const rv = evaluateAccount(strikes.slice(2), p, NOW); // c, d, e: review (≥2); below 2 after two expiries
  assert.equal(rv.level, 'review');
  assert.deepEqual(rv.levelExpiresAt, new Date(ago(30).getTime() + 100 * DAY));
});

test('one notice is one strike: duplicates by notice id merge (earliest time, most severe status)', () => {
  const p = policy({ reviewAt: 2, terminateAt: 3 });
  const r = evaluateAccount([strike('n1', 10, 'countered'), strike('n1', 20, 'active'), strike('n1', 5, 'retracted')], p, NOW);
  assert.equal(r.count, 1);
  assert.deepEqual(r.counted[0]!.at, ago(20));
  // All items of a notice countered: no strike.
  assert.equal(evaluateAccount([strike('n2', 1, 'countered'), strike('n2', 1, 'retracted')], p, NOW).count, 0);
  assert.throws(() => evaluateAccount([{ noticeId: 'bad', at: new Date(NaN), status: 'active' }], p, NOW), /invalid date/);
});

test('policy configuration: defaults fill in, every problem by field', () => {
  assert.deepEqual(parseStrikePolicy(undefined), { ok: true, policy: { ...DEFAULT_STRIKE_POLICY } });
  assert.deepEqual(parseStrikePolicy({ windowDays: 90 }), { ok: true, policy: { ...DEFAULT_STRIKE_POLICY, windowDays: 90 } });
  const bad = parseStrikePolicy({ windowDays: 0, reviewAt: 1.5, terminateAt: 'three', countDisputed: 'yes' });
  assert.ok(!bad.ok);
  assert.deepEqual(bad.errors.map((e) => e.field).sort(), ['countDisputed', 'reviewAt', 'terminateAt', 'windowDays']);
  const order = parseStrikePolicy({ reviewAt: 5, terminateAt: 3 });
  assert.ok(!order.ok);
  assert.deepEqual(order.errors, [{ field: 'terminateAt', message: 'terminateAt (3) must not be below reviewAt (5): review comes first' }]);
  assert.ok(parseStrikePolicy({ reviewAt: 3, terminateAt: 3 }).ok);
});

test('describePolicy renders the numbers the desk enforces, in plain English', () => {
  const text = describePolicy(DEFAULT_STRIKE_POLICY, { providerName: 'Example Cloud' });
  assert.match(text, /^Repeat infringer policy\n\n/);
  assert.match(text, /Example Cloud respects the rights of copyright owners\. In appropriate circumstances Example Cloud terminates/);
  assert.match(text, /§512\(i\)/);
  assert.match(text, /An account with 2 strikes or more within any period of 365 days is reviewed by our staff/);
  assert.match(text, /An account with 3 strikes or more within such a period is terminated/);
  assert.match(text, /A strike counts for 365 days/);
  assert.match(text, /when the complainant retracts it/);
  assert.match(text, /restored after a counter notice/);
  assert.match(text, /while a counter notice about it is pending/);
  assert.match(text, /forward to the customer about a site we proxy/);
  assert.match(text, /proxying and DNS/);
  // Another policy, another text: singular forms, review and termination at once, disputed counted.
  const strict = describePolicy({ windowDays: 1, reviewAt: 1, terminateAt: 1, countDisputed: true, countForwarded: false });
  assert.match(strict, /^Repeat infringer policy\n\nWe respect the rights/);
  assert.match(strict, /An account with 1 strike or more within any period of 1 day is reviewed by our staff and terminated/);
  assert.doesNotMatch(strict, /while a counter notice/);
  assert.match(strict, /still pending counts until the content is restored/);
  assert.doesNotMatch(strict, /forward to the customer/);
  assert.match(describePolicy(policy({ windowDays: 1095 })), /1,095 days/);
});
