import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  changeLegalState,
  customerNoticeDecision,
  LEGAL_REQUEST_STATES,
  nextLegalStates,
  parseInstant,
  productionAllowed,
  productionGate,
  validateLegalRequest,
  validateProduction,
  type LegalRequestState,
} from '../../src/legal/domain/legal-request.ts';

const NOW = new Date('2026-03-02T15:00:00Z');
const fields = (r: { ok: boolean; errors?: { field: string }[] }) => (r.ok ? [] : r.errors!.map((e) => e.field).sort());

const subpoena = (over: Record<string, unknown> = {}) => ({
  type: 'subpoena',
  authority: 'U.S. District Court for the Northern District of California',
  case_number: '3:26-mc-80012',
  requesting_party: 'Harbor Pictures LLC',
  received_at: '2026-03-01',
  deadline: '2026-03-16',
  targets: { domains: ['WWW.Pirate-Site.Example.', 'https://pirate-site.example/path'], accounts: ['acc-1', 'acc-1'] },
  ...over,
});

test('a valid subpoena: names normalised, targets de-duplicated, a date deadline means the end of that day', () => {
  const r = validateLegalRequest(subpoena(), NOW);
  assert.ok(r.ok, JSON.stringify(r));
  assert.deepEqual(r.value.targets, { domains: ['www.pirate-site.example', 'pirate-site.example'], accounts: ['acc-1'] });
  assert.equal(r.value.deadline!.toISOString(), '2026-03-16T23:59:59.999Z');
  assert.equal(r.value.receivedAt.toISOString(), '2026-03-01T00:00:00.000Z');
  assert.equal(r.value.nonDisclosureOrder, false);
  assert.deepEqual(r.value.blockRules, []);
});

test('every problem at once, by field', () => {
  const r = validateLegalRequest(
    {
      type: 'letter',
      authority: ' ',
      requesting_party: 'x'.repeat(301),
      received_at: '2026-02-30',
      deadline: 'tomorrow',
      targets: { domains: ['not a domain', 7], accounts: 'acc-1' },
      notes: 'nul\u0000',
      non_disclosure_order: 'yes',
      block_rules: ['x.*'],
    },
    NOW,
  );
  assert.deepEqual(fields(r), [
    'authority',
    'block_rules',
    'case_number',
    'deadline',
    'non_disclosure_order',
    'notes',
    'received_at',
    'requesting_party',
    'targets.accounts',
    'targets.domains[0]',
    'targets.domains[1]',
    'type',
  ]);
});

test('subpoenas need a deadline and a target; a deadline cannot precede receipt', () => {
  assert.deepEqual(fields(validateLegalRequest(subpoena({ deadline: undefined, targets: {} }), NOW)), ['deadline', 'targets']);
  assert.deepEqual(fields(validateLegalRequest(subpoena({ deadline: '2026-02-01' }), NOW)), ['deadline']);
  assert.deepEqual(fields(validateLegalRequest(subpoena({ received_at: '2026-04-01', deadline: '2026-05-01' }), NOW)), ['received_at']);
  assert.ok(validateLegalRequest(subpoena({ type: 'other', deadline: null }), NOW).ok, 'other legal process may have no deadline');
});

test('court orders carry block rules, canonical and de-duplicated; bad rules are named by index', () => {
  const r = validateLegalRequest(
    {
      type: 'court_order',
      authority: 'High Court',
      case_number: 'HC-1',
      requesting_party: 'Studios',
      block_rules: ['examplepirate.*', 'ExamplePirate.*', '=Pirate.Example', '*.mirror.example', 'co.uk', 'a b'],
      block_ends_at: '2027-01-01',
    },
    NOW,
  );
  assert.deepEqual(fields(r), ['block_rules[4]', 'block_rules[5]']);
  const ok = validateLegalRequest(
    {
      type: 'court_order',
      authority: 'High Court',
      case_number: 'HC-1',
      requesting_party: 'Studios',
      block_rules: ['examplepirate.*', 'ExamplePirate.*', '=Pirate.Example', '*.mirror.example'],
    },
    NOW,
  );
  assert.ok(ok.ok);
  assert.deepEqual(
    ok.value.blockRules.map((b) => b.text),
    ['examplepirate.*', '=pirate.example', '*.mirror.example'],
  );
  assert.deepEqual(fields(validateLegalRequest(subpoena({ block_rules: ['x.example'] }), NOW)), ['block_rules'], 'only court orders block');
  assert.deepEqual(
    fields(validateLegalRequest({ type: 'court_order', authority: 'A', case_number: 'B', requesting_party: 'C' }, NOW)),
    ['targets'],
    'an order with neither targets nor rules',
  );
  assert.deepEqual(fields(validateLegalRequest(subpoena({ non_disclosure_until: '2026-09-01' }), NOW)), ['non_disclosure_until']);
});

test('the lifecycle: legal moves only, idempotent repeats, production by recording one', () => {
  const table: [LegalRequestState, LegalRequestState, boolean][] = [
    ['received', 'in_progress', true],
    ['received', 'objected', true],
    ['received', 'withdrawn', true],
    ['received', 'closed', false],
    ['in_progress', 'objected', true],
    ['in_progress', 'closed', false],
    ['objected', 'in_progress', true],
    ['objected', 'closed', true],
    ['produced', 'closed', true],
    ['produced', 'in_progress', false],
    ['withdrawn', 'closed', true],
    ['withdrawn', 'in_progress', false],
    ['closed', 'in_progress', false],
  ];
  for (const [from, to, ok] of table) assert.equal(changeLegalState(from, to).ok, ok, `${from} → ${to}`);
  assert.deepEqual(changeLegalState('in_progress', 'in_progress'), { ok: true, from: 'in_progress', to: 'in_progress', changed: false });
  const p = changeLegalState('in_progress', 'produced');
  assert.ok(!p.ok && /production is recorded/.test(p.error.message));
  const bad = changeLegalState('received', 'shredded');
  assert.ok(!bad.ok && bad.error.field === 'state');
  assert.deepEqual(nextLegalStates('closed'), []);
  for (const s of LEGAL_REQUEST_STATES) assert.equal(productionAllowed(s).ok, s === 'in_progress' || s === 'produced', s);
});

test('customer notice: before production by default, after the configured delay, never under a non-disclosure order while it lasts', () => {
  const req = { receivedAt: new Date('2026-03-01T00:00:00Z'), recordedAt: NOW, nonDisclosureOrder: false, nonDisclosureUntil: null };
  assert.deepEqual(customerNoticeDecision(req, { delayHours: 0 }, NOW), { kind: 'notify', at: NOW });
  const delayed = customerNoticeDecision(req, { delayHours: 48 }, NOW);
  assert.deepEqual(delayed, { kind: 'notify', at: new Date('2026-03-04T15:00:00Z') });
  // Production waits for the notice.
  assert.equal(productionGate(delayed, null).ok, false);
  assert.equal(productionGate(delayed, NOW).ok, true);

  const gag = { ...req, nonDisclosureOrder: true, nonDisclosureUntil: new Date('2026-06-01T00:00:00Z') };
  const w = customerNoticeDecision(gag, { delayHours: 0 }, NOW);
  assert.deepEqual(w, { kind: 'withhold', reason: 'non_disclosure_order', until: new Date('2026-06-01T00:00:00Z') });
  assert.equal(productionGate(w, null).ok, true, 'a gagged request may be answered without telling the customer');
  // When the order runs out, the customer is told.
  assert.deepEqual(customerNoticeDecision(gag, { delayHours: 0 }, new Date('2026-06-02T00:00:00Z')), { kind: 'notify', at: new Date('2026-06-01T00:00:00Z') });
  assert.equal(
    customerNoticeDecision({ ...gag, nonDisclosureUntil: null }, { delayHours: 0 }, new Date('2030-01-01T00:00:00Z')).kind,
    'withhold',
    'an open-ended order',
  );
});

test('productions: which fields, references not data, IPs checked, every problem at once', () => {
  const ok = validateProduction(
    { fields: ['account_name', 'account_email', 'ip_addresses', 'account_name'], ip_addresses: ['192.0.2.7', '2001:DB8::1'], produced_at: '2026-03-02' },
    NOW,
  );
  assert.ok(ok.ok, JSON.stringify(ok));
  assert.deepEqual(ok.value.fields, ['account_name', 'account_email', 'ip_addresses']);
  assert.deepEqual(ok.value.ipAddresses, ['192.0.2.7', '2001:db8::1']);
  const bad = validateProduction(
    { fields: ['account_name', 'dna'], ip_addresses: ['999.1.1.1'], payment_reference: '4111 1111 1111 1111', produced_at: '2027-01-01' },
    NOW,
  );
  assert.deepEqual(fields(bad), ['fields[1]', 'ip_addresses[0]', 'payment_reference', 'produced_at']);
  assert.deepEqual(fields(validateProduction({ fields: ['payment_details', 'ip_addresses', 'other'] }, NOW)), ['ip_addresses', 'note', 'payment_reference']);
  assert.deepEqual(fields(validateProduction({}, NOW)), ['fields']);
});

test('dates: a day or an instant with its offset; impossible days refused', () => {
  assert.equal(parseInstant('2026-03-16', 'start')!.toISOString(), '2026-03-16T00:00:00.000Z');
  assert.equal(parseInstant('2026-03-16T10:00:00+02:00', 'end')!.toISOString(), '2026-03-16T08:00:00.000Z');
  assert.equal(parseInstant('2026-02-29', 'start'), null);
  assert.equal(parseInstant('2026-03-16T10:00:00', 'start'), null, 'an instant needs its offset');
  assert.equal(parseInstant(20260316, 'start'), null);
});

test('customer messages: what arrived, from whom, by when; what was produced — one per request and production', async () => {
  const { legalRequestNoticeMessage, productionNoticeMessage } = await import('../../src/legal/domain/legal-messages.ts');
  const r = {
    id: 'req-1',
    type: 'subpoena' as const,
    authority: 'N.D. Cal.',
    caseNumber: '3:26-mc-1',
    requestingParty: 'Harbor Pictures LLC',
    deadline: new Date('2026-03-16T23:59:59.999Z'),
  };
  const c = { accountId: 'c1', accountName: 'Pirate Owner', email: 'owner@pirate.test', names: ['pirate-site.example'] };
  const m = legalRequestNoticeMessage('Desk', r, c);
  assert.equal(m.to, 'owner@pirate.test');
  assert.equal(m.recipientRole, 'owner');
  assert.equal(m.dedupeKey, 'legal:req-1:notice:c1');
  for (const s of ['N.D. Cal.', '3:26-mc-1', 'Harbor Pictures LLC', '2026-03-16', 'pirate-site.example', 'req-1', 'object']) assert.ok(m.body.includes(s), s);
  const p = productionNoticeMessage('Desk', r, c, {
    id: 7,
    fields: ['account_email', 'ip_addresses'],
    producedAt: new Date('2026-03-10T12:00:00Z'),
    ipAddresses: ['192.0.2.10'],
  });
  assert.equal(p.dedupeKey, 'legal:req-1:production:7:c1');
  for (const s of ['Account e-mail address', 'IP addresses', '192.0.2.10', '2026-03-10', 'Harbor Pictures LLC']) assert.ok(p.body.includes(s), s);
  assert.ok(!p.body.includes('Payment'), 'only what was produced');
});
