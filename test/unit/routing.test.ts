import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolutionOf, routeItem, type ItemResolution, type OriginFacts, type ZoneFacts } from '../../src/domain/routing.ts';
import { US_FEDERAL_CALENDAR } from '../../src/domain/business-days.ts';
import { coarseReason, coarseState, receiveItem, transition, DEFAULT_LIFECYCLE_POLICY } from '../../src/domain/takedown-lifecycle.ts';
import type { MessageItem, NoticeFacts } from '../../src/domain/messages.ts';
import type { DmcaSubmission, NotifyChoice } from '../../src/domain/notice.ts';
import { composeMessages } from '../../src/services/notice-processor.ts';

const PROVIDER = 'Safeharbor';

function zone(patch: Partial<ZoneFacts> = {}): ZoneFacts {
  return {
    id: 1,
    name: 'piratefilms.example',
    accountId: 'acct-1',
    accountName: 'Pirate Films Ltd',
    accountEmail: 'owner@piratefilms.example',
    mode: 'proxied',
    origin: '203.0.113.7',
    originKind: 'ip',
    ...patch,
  };
}

const HOSTING: OriginFacts = {
  ips: ['203.0.113.7'],
  resolution: 'ip',
  hosting: { asn: 64500, name: 'Example Hosting', abuseEmail: 'abuse@hosting.example', source: 'override' },
};

test('a host that is no zone of ours: not_on_network, with a reason naming host and provider', () => {
  assert.deepEqual(routeItem({ onNetwork: false, host: 'elsewhere.example' }, PROVIDER), {
    state: 'not_on_network',
    reason: "elsewhere.example is not a site on Safeharbor's network, so Safeharbor cannot act on it; send your notice to the site's own host or registrar.",
  });
  assert.match(
    routeItem({ onNetwork: false, host: 'xn--bcher-kva.example' }, 'Acme CDN').reason!,
    /^xn--bcher-kva\.example is not a site on Acme CDN's network, so Acme CDN cannot act on it/,
  );
  assert.match(routeItem({ onNetwork: false, host: '[2001:db8::1]' }, PROVIDER).reason!, /^\[2001:db8::1\] is not a site on/);
});

test('a proxied zone: forwarded, with no reason, whatever is known about the origin', () => {
  for (const origin of [
    HOSTING,
    null,
    { ips: [], resolution: 'dns_failed', hosting: null, error: 'ENOTFOUND' } satisfies OriginFacts,
    { ips: ['10.0.0.1'], resolution: 'ip', hosting: null } satisfies OriginFacts,
  ]) {
    assert.deepEqual(routeItem({ onNetwork: true, zone: zone(), origin }, PROVIDER), { state: 'forwarded', reason: null });
  }
  assert.deepEqual(routeItem({ onNetwork: true, zone: zone({ originKind: 'hostname', origin: 'origin.example' }), origin: null }, PROVIDER), {
    state: 'forwarded',
    reason: null,
  });
});

test('a hosted zone: pending_review for staff, with a reason, even when an origin is known', () => {
  const expected = { state: 'pending_review', reason: 'Safeharbor stores this content itself; its abuse team reviews the notice before disabling it.' };
  assert.deepEqual(routeItem({ onNetwork: true, zone: zone({ mode: 'hosted' }), origin: null }, PROVIDER), expected);
  assert.deepEqual(routeItem({ onNetwork: true, zone: zone({ mode: 'hosted' }), origin: HOSTING }, PROVIDER), expected);
});

test('every routed state is a legal first step from received', () => {
  const cases: ItemResolution[] = [
    { onNetwork: false, host: 'a.example' },
    { onNetwork: true, zone: zone(), origin: HOSTING },
    { onNetwork: true, zone: zone({ mode: 'hosted' }), origin: null },
  ];
  const ctx = { now: new Date('2026-02-23T16:00:00Z'), calendar: US_FEDERAL_CALENDAR, policy: DEFAULT_LIFECYCLE_POLICY };
  for (const c of cases) {
    const routed = routeItem(c, PROVIDER);
    const r = transition(receiveItem(new Date('2026-02-23T15:00:00Z')), { type: 'resolve', resolution: resolutionOf(routed) }, ctx);
    assert.ok(r.ok && r.changed, routed.state);
    assert.equal(coarseState(r.state), routed.state, 'the machine lands where routing said');
    assert.equal(coarseReason(r.state), routed.reason, 'with the reason routing gave');
  }
});

// ---------------------------------------------------------------------------
// Who gets what: the messages a resolved notice causes (composeMessages applies the choices).

function submission(notify: { owner: NotifyChoice; host: NotifyChoice }): DmcaSubmission {
  return {
    kind: 'copyright',
    regime: 'dmca',
    work: { description: 'The film "Sunrise" (2025)' },
    claimant: {
      name: 'Jane Doe',
      company: 'Harbor Pictures',
      email: 'jane@studio.example',
      address: '1 Studio Way, Los Angeles, CA',
      country: 'US',
      phone: '+1 555 0100',
    },
    statements: { good_faith_belief: true, accuracy_and_authority: true },
    signature: 'Jane Doe',
    notify,
  };
}

function facts(notify: { owner: NotifyChoice; host: NotifyChoice } = { owner: 'send', host: 'send' }): NoticeFacts {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    createdAt: new Date('2025-06-01T12:00:00Z'),
    submission: submission(notify),
    statusUrl: null,
    trustedFlagger: false,
  };
}

let position = 0;
function item(patch: Partial<MessageItem> & { accountId?: string | null } = {}): MessageItem & { accountId: string | null } {
  const p = position++;
  return {
    position: p,
    submittedUrl: `https://piratefilms.example/${p}`,
    url: `https://piratefilms.example/${p}`,
    state: 'forwarded',
    reason: null,
    zone: 'piratefilms.example',
    hostName: 'Example Hosting',
    hostAsn: 64500,
    hostAbuseEmail: 'abuse@hosting.example',
    originIps: ['203.0.113.7'],
    accountId: 'acct-1',
    ...patch,
  };
}

const ACCOUNTS = new Map([
  ['acct-1', { id: 'acct-1', name: 'Pirate Films Ltd', email: 'owner@piratefilms.example' }],
  ['acct-2', { id: 'acct-2', name: 'Mirror Site', email: 'ops@mirror.example' }],
]);

const recipients = (r: ReturnType<typeof composeMessages>) => r.messages.map((m) => `${m.recipientRole}:${m.to}`);

test('forwarded items: one message per site owner, one per host abuse contact, and the reporter acknowledgement', () => {
  const items = [
    item(),
    item(),
    item({
      accountId: 'acct-2',
      zone: 'mirror.example',
      url: 'https://mirror.example/a',
      hostName: 'Other Host',
      hostAsn: 64501,
      hostAbuseEmail: 'Abuse@Other.Example',
    }),
    item({ accountId: 'acct-2', zone: 'mirror.example', url: 'https://mirror.example/b', hostAbuseEmail: 'ABUSE@hosting.example' }),
  ];
  const r = composeMessages(PROVIDER, facts(), items, ACCOUNTS);
  assert.deepEqual(recipients(r), [
    'owner:owner@piratefilms.example',
    'owner:ops@mirror.example',
    'host:abuse@hosting.example',
    'host:abuse@other.example',
    'reporter:jane@studio.example',
  ]);
  const host = r.messages.find((m) => m.to === 'abuse@hosting.example')!;
  assert.match(host.subject, /: 3 URLs served from your network$/, 'abuse contacts are grouped case-insensitively');
  assert.match(r.messages.find((m) => m.to === 'ops@mirror.example')!.subject, /about 2 URLs on your site$/);
  assert.deepEqual(r.hostsWithoutContact, []);
});

test('hosted, off-network and invalid items reach only the reporter', () => {
  const items = [
    item({ state: 'pending_review', zone: 'shop.example', hostName: null, hostAsn: null, hostAbuseEmail: null, originIps: null }),
    item({ state: 'not_on_network', zone: null, accountId: null, hostName: null, hostAsn: null, hostAbuseEmail: null, originIps: null }),
    item({ state: 'invalid', url: null, zone: null, accountId: null, hostName: null, hostAsn: null, hostAbuseEmail: null, originIps: null, reason: 'bad' }),
  ];
  const r = composeMessages(PROVIDER, facts(), items, ACCOUNTS);
  assert.deepEqual(recipients(r), ['reporter:jane@studio.example']);
});

test('notify.host: send names the claimant, send-anon withholds them, none sends nothing to hosts', () => {
  const send = composeMessages(PROVIDER, facts({ owner: 'send', host: 'send' }), [item()], ACCOUNTS);
  const anon = composeMessages(PROVIDER, facts({ owner: 'send', host: 'send-anon' }), [item()], ACCOUNTS);
  const none = composeMessages(PROVIDER, facts({ owner: 'send', host: 'none' }), [item()], ACCOUNTS);
  const hostOf = (r: ReturnType<typeof composeMessages>) => r.messages.find((m) => m.recipientRole === 'host');
  assert.match(hostOf(send)!.body, /Name: Jane Doe/);
  assert.doesNotMatch(hostOf(anon)!.body, /Jane Doe|jane@studio\.example|Harbor Pictures|Studio Way/);
  assert.equal(hostOf(none), undefined);
  assert.deepEqual(recipients(none), ['owner:owner@piratefilms.example', 'reporter:jane@studio.example']);
  // The owner always gets the claimant's identity, whatever the host choice.
  for (const r of [send, anon, none])
    assert.match(r.messages.find((m) => m.recipientRole === 'owner')!.body, /Name: Jane Doe\nCompany: Harbor Pictures\nE-mail: jane@studio\.example/);
});

test('notify.owner none (never valid for DMCA, but honoured if stored) leaves the owner out', () => {
  const r = composeMessages(PROVIDER, facts({ owner: 'none', host: 'send' }), [item()], ACCOUNTS);
  assert.deepEqual(recipients(r), ['host:abuse@hosting.example', 'reporter:jane@studio.example']);
});

test('hosts without an abuse contact are reported back, counted per host, and get no message', () => {
  const items = [
    item({ hostName: 'Quiet Host', hostAsn: 64502, hostAbuseEmail: null }),
    item({ hostName: 'Quiet Host', hostAsn: 64502, hostAbuseEmail: null }),
    item({ hostName: null, hostAsn: null, hostAbuseEmail: null, originIps: ['10.0.0.1'] }),
  ];
  const r = composeMessages(PROVIDER, facts(), items, ACCOUNTS);
  assert.deepEqual(recipients(r), ['owner:owner@piratefilms.example', 'reporter:jane@studio.example']);
  assert.deepEqual(r.hostsWithoutContact, [{ name: 'Quiet Host', asn: 64502, urls: 2 }]);
  assert.deepEqual(composeMessages(PROVIDER, facts({ owner: 'send', host: 'none' }), items, ACCOUNTS).hostsWithoutContact, [], 'not asked to notify hosts');
});

test('an item whose account is unknown gets no owner message (and no crash)', () => {
  const r = composeMessages(PROVIDER, facts(), [item({ accountId: 'acct-gone' }), item({ accountId: null })], ACCOUNTS);
  assert.deepEqual(recipients(r), ['host:abuse@hosting.example', 'reporter:jane@studio.example']);
});

test('dedupe keys are unique per recipient, so a retry cannot send twice and two recipients never collide', () => {
  const items = [item(), item({ accountId: 'acct-2', hostAbuseEmail: 'abuse@other.example' })];
  const r = composeMessages(PROVIDER, facts(), items, ACCOUNTS);
  const keys = r.messages.map((m) => m.dedupeKey);
  assert.equal(new Set(keys).size, keys.length);
  assert.deepEqual(
    composeMessages(PROVIDER, facts(), items, ACCOUNTS).messages.map((m) => m.dedupeKey),
    keys,
    'deterministic',
  );
});
