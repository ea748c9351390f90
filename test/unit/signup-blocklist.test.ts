import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blockedZoneRow, signupBlocklist } from '../../src/domain/signup-blocklist.ts';

const list = signupBlocklist([
  { kind: 'email', value: 'Repeat@Bad.test', account_id: 'r1' },
  { kind: 'zone', value: 'bad-one.example', account_id: 'r1' },
]);

test('a blocklisted zone under another account is refused, naming the terminated account', () => {
  const why = blockedZoneRow({ accountId: 'n9', accountEmail: 'new@else.test', zone: 'bad-one.example' }, list);
  assert.match(why!, /bad-one\.example belonged to account r1/);
});

test('a blocklisted e-mail address opening another account is refused, whatever its case', () => {
  assert.match(blockedZoneRow({ accountId: 'n8', accountEmail: ' REPEAT@bad.test ', zone: 'fresh.example' }, list)!, /e-mail address/);
});

test('the terminated account itself and unrelated rows pass (its zones stay terminated)', () => {
  assert.equal(blockedZoneRow({ accountId: 'r1', accountEmail: 'repeat@bad.test', zone: 'bad-one.example' }, list), null);
  assert.equal(blockedZoneRow({ accountId: 'g1', accountEmail: 'good@fine.test', zone: 'fine.example' }, list), null);
  assert.equal(blockedZoneRow({ accountId: 'g1', accountEmail: 'good@fine.test', zone: 'sub.bad-one.example' }, list), null, 'exact names only');
});
