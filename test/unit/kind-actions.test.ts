import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allowedAction, counterNoticeAllowed, receiptPolicy } from '../../src/domain/kind-actions.ts';
import { ITEM_ACTIONS, KIND_RULES, REPORT_KINDS } from '../../src/domain/report-kinds.ts';
import { routeItem, type ItemResolution } from '../../src/domain/routing.ts';
import { hotlineReport, retainUntil } from '../../src/domain/hotline-report.ts';
import { DEFAULT_LIFECYCLE_POLICY } from '../../src/domain/takedown-lifecycle.ts';
import type { NoticeSubmission } from '../../src/domain/notice.ts';

const zone = (mode: 'proxied' | 'hosted'): ItemResolution => ({
  onNetwork: true,
  zone: { id: 1, name: 'site.example', accountId: 'a1', accountName: 'A', accountEmail: 'a@site.example', mode, origin: '198.51.100.1', originKind: 'ip' },
  origin: null,
});

test('allowedAction follows each kind’s actions column, and says what can be done instead', () => {
  for (const kind of REPORT_KINDS) {
    for (const action of ITEM_ACTIONS) {
      const v = allowedAction(kind, action);
      assert.equal(v.ok, KIND_RULES[kind].actions.includes(action), `${kind} ${action}`);
    }
  }
  const whois = allowedAction('whois', 'disable');
  assert.ok(!whois.ok);
  assert.equal(
    whois.reason,
    'disabling the content is not an action for a WHOIS data request; what can be done: disclosing registrant data, forwarding the report to the site owner and the host',
  );
  assert.ok(!allowedAction('csam', 'forward').ok, 'child sexual abuse material is never forwarded');
});

test('counter notices answer DMCA copyright notices only; others are told their redress', () => {
  assert.deepEqual(counterNoticeAllowed('copyright', 'dmca'), { ok: true });
  const dsa = counterNoticeAllowed('copyright', 'dsa');
  assert.ok(!dsa.ok && /Art\. 20/.test(dsa.reason));
  const phishing = counterNoticeAllowed('phishing', 'terms');
  assert.ok(!phishing.ok);
  assert.equal(
    phishing.reason,
    'counter notices answer DMCA copyright notices (17 U.S.C. §512(g)); for a phishing report send a reply to us saying why the decision is wrong',
  );
});

test('receipt takes CSAM down whatever the desk policy, never a WHOIS request; other kinds keep the desk policy', () => {
  const off = { ...DEFAULT_LIFECYCLE_POLICY, automaticTakedown: false };
  assert.equal(receiptPolicy('csam', off).automaticTakedown, true);
  for (const kind of REPORT_KINDS.filter((k) => k !== 'csam')) assert.equal(receiptPolicy(kind, off), off);
  const on = { ...DEFAULT_LIFECYCLE_POLICY, automaticTakedown: true };
  assert.equal(receiptPolicy('whois', on).automaticTakedown, false, 'a WHOIS request never disables content');
  assert.equal(receiptPolicy('phishing', on), on);
});

test('routing per kind: reports never passed on stay with staff, proxied or hosted; the rest as before', () => {
  for (const mode of ['proxied', 'hosted'] as const) {
    assert.equal(routeItem(zone(mode), 'Acme', 'csam').state, 'pending_review');
    assert.match(routeItem(zone(mode), 'Acme', 'csam').reason!, /disabled this content on receipt/);
    assert.equal(routeItem(zone(mode), 'Acme', 'whois').state, 'pending_review');
    assert.match(routeItem(zone(mode), 'Acme', 'whois').reason!, /not forwarded to the site's host/);
  }
  for (const kind of ['copyright', 'trademark', 'phishing', 'threat', 'ncsei', 'general'] as const) {
    assert.deepEqual(routeItem(zone('proxied'), 'Acme', kind), { state: 'forwarded', reason: null });
    assert.equal(routeItem(zone('hosted'), 'Acme', kind).state, 'pending_review');
  }
  assert.match(routeItem({ onNetwork: false, host: 'x.example' }, 'Acme', 'phishing').reason!, /send your report to the site's own host/);
  assert.match(routeItem({ onNetwork: false, host: 'x.example' }, 'Acme', 'csam').reason!, /CyberTipline or your national hotline/);
});

test('the hotline report: only for CSAM; the reporter as they chose; kept for the retention days', () => {
  const createdAt = new Date('2026-03-01T10:00:00Z');
  assert.equal(retainUntil('phishing', createdAt), null);
  assert.equal(retainUntil('csam', createdAt)!.toISOString(), '2027-03-01T10:00:00.000Z');
  const csam = (hotline: 'send' | 'send-anon') =>
    ({
      kind: 'csam',
      regime: 'terms',
      urls: ['https://site.example/x'],
      explanation: 'abuse images',
      claimant: { name: 'Kim', email: 'kim@example.test' },
      notify: { owner: 'none', host: 'send-anon', hotline },
    }) as unknown as NoticeSubmission;
  const item = {
    url: 'https://site.example/x',
    state: 'content_disabled',
    zone: 'site.example',
    accountId: 'a1',
    accountName: 'A',
    originIps: ['198.51.100.1'],
    hostName: 'Host Co',
    hostAsn: 64500,
    disabledAt: createdAt,
  };
  const named = hotlineReport({ id: 'n1', createdAt, submission: csam('send') }, [item], createdAt)!;
  assert.deepEqual(named.reporter, { name: 'Kim', email: 'kim@example.test', company: null, country: null });
  assert.equal(named.retain_until, '2027-03-01T10:00:00.000Z');
  assert.deepEqual(named.urls[0], {
    url: 'https://site.example/x',
    state: 'content_disabled',
    zone: 'site.example',
    account: { id: 'a1', name: 'A' },
    originIps: ['198.51.100.1'],
    hostingProvider: { name: 'Host Co', asn: 64500 },
    disabledAt: '2026-03-01T10:00:00.000Z',
  });
  assert.deepEqual(hotlineReport({ id: 'n1', createdAt, submission: csam('send-anon') }, [item], createdAt)!.reporter, { withheld: true });
  const phishing = { ...(csam('send') as object), kind: 'phishing' } as unknown as NoticeSubmission;
  assert.equal(hotlineReport({ id: 'n2', createdAt, submission: phishing }, [item], createdAt), null);
});
