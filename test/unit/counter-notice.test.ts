import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  jurisdictionStatement,
  validateCounterNotice,
  validateCourtAction,
  validateRetraction,
  COUNTER_NOTICE_STATEMENTS,
  COURT_ACTION_STATEMENT,
  type OriginalNotice,
} from '../../src/domain/counter-notice.ts';

const NOTICE: OriginalNotice = {
  urls: ['https://shop.example/a.mp4', 'https://shop.example/b.mp4', 'https://cdn.shop.example/c%20d.mp4', 'https://xn--bcher-kva.example/e'],
  claimantName: 'Jane Doe',
};

const valid = () => ({
  material: { urls: ['https://shop.example/a.mp4'], description: 'My own home video' },
  statements: { good_faith_mistake: true, consent_to_jurisdiction: true, accept_service_of_process: true },
  subscriber: { name: 'Sam Seller', address: '5 Market St, Springfield, IL 62701', country: 'us', phone: '+1 (217) 555-0100', email: 'sam@shop.example' },
  reason: 'owner',
  signature: 'Sam Seller',
});

const fields = (r: { ok: boolean; errors?: { field: string }[] }) => (r.ok ? [] : r.errors!.map((e) => e.field).sort());

test('a complete counter notice passes: URLs normalised, country upper-cased, optional parts kept', () => {
  const r = validateCounterNotice(valid(), NOTICE);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  assert.deepEqual(r.counterNotice.material.urls, ['https://shop.example/a.mp4']);
  assert.equal(r.counterNotice.subscriber.country, 'US');
  assert.equal(r.counterNotice.reason, 'owner');
  assert.equal(r.counterNotice.material.description, 'My own home video');
  assert.equal(r.counterNotice.explanation, undefined);
});

test('URLs must be URLs of the original notice; each wrong entry is reported by position; duplicates fold', () => {
  const input = valid();
  input.material.urls = [
    'https://shop.example/b.mp4?x=1',
    'https://SHOP.example/a.mp4',
    ' <https://shop.example/a.mp4> ',
    'https://shop.example/not-in-notice.mp4',
    'javascript:alert(1)',
    'https://bücher.example/e',
    'https://cdn.shop.example/c d.mp4',
  ];
  const r = validateCounterNotice(input, NOTICE);
  assert.ok(!r.ok);
  assert.deepEqual(
    r.errors.map((e) => e.field),
    ['material.urls[0]', 'material.urls[3]', 'material.urls[4]'],
  );
  assert.match(r.errors[0]!.message, /https:\/\/shop\.example\/b\.mp4\?x=1 is not one of the URLs of the original notice/);
  assert.match(r.errors[1]!.message, /not-in-notice\.mp4 is not one of the URLs/);
  assert.match(r.errors[2]!.message, /not a URL we can match: unsupported scheme/);
  // Without the bad ones: case, wrappers, IDN, spaces and a missing scheme match their stored
  // form; duplicates fold.
  input.material.urls = [...input.material.urls.filter((_, i) => ![0, 3, 4].includes(i)), 'shop.example/b.mp4', 'http://shop.example/a.mp4'];
  const ok = validateCounterNotice(input, NOTICE);
  assert.ok(ok.ok, JSON.stringify(!ok.ok && ok.errors));
  assert.deepEqual(ok.counterNotice.material.urls, [
    'https://shop.example/a.mp4',
    'https://xn--bcher-kva.example/e',
    'https://cdn.shop.example/c%20d.mp4',
    'https://shop.example/b.mp4',
  ]);
});

test('every missing §512(g)(3) element is reported at once, by field', () => {
  const r = validateCounterNotice({}, NOTICE);
  assert.deepEqual(fields(r), ['material', 'signature', 'statements', 'subscriber']);
  const r2 = validateCounterNotice({ material: { urls: [] }, statements: {}, subscriber: {}, signature: '' }, NOTICE);
  assert.deepEqual(fields(r2), [
    'material.urls',
    'signature',
    'statements.accept_service_of_process',
    'statements.consent_to_jurisdiction',
    'statements.good_faith_mistake',
    'subscriber.address',
    'subscriber.country',
    'subscriber.name',
    'subscriber.phone',
  ]);
  assert.ok(!r2.ok);
  const byField = Object.fromEntries(r2.errors.map((e) => [e.field, e.message]));
  assert.match(byField['statements.good_faith_mistake']!, /under penalty of perjury/);
  assert.match(byField['statements.consent_to_jurisdiction']!, /Federal District Court/);
  assert.match(byField['statements.accept_service_of_process']!, /service of process/);
  assert.match(byField['subscriber.phone']!, /telephone number/);
  assert.match(byField['material.urls']!, /at least one URL/);
  assert.ok(!validateCounterNotice(null, NOTICE).ok);
  assert.ok(!validateCounterNotice('text', NOTICE).ok);
});

test('statements must be exactly true; "yes" or 1 is not an affirmation', () => {
  for (const v of ['yes', 1, 'true', false]) {
    const input = valid();
    (input.statements as Record<string, unknown>).good_faith_mistake = v;
    assert.deepEqual(fields(validateCounterNotice(input, NOTICE)), ['statements.good_faith_mistake'], String(v));
  }
});

test('signature must be the subscriber name, reported together with other errors', () => {
  const input = valid();
  input.signature = '/s/ sam   SELLER';
  assert.ok(validateCounterNotice(input, NOTICE).ok);
  input.signature = 'S. Seller';
  const r = validateCounterNotice(input, NOTICE);
  assert.ok(!r.ok);
  assert.deepEqual(r.errors, [{ field: 'signature', message: 'signature must be your full name as given in subscriber.name ("Sam Seller")' }]);
  // With another field broken too, both come back in one answer.
  (input.subscriber as Record<string, unknown>).phone = '12';
  assert.deepEqual(fields(validateCounterNotice(input, NOTICE)), ['signature', 'subscriber.phone']);
});

test('contact details: phone with digits, country code, e-mail optional but valid', () => {
  const input = valid();
  (input.subscriber as Record<string, unknown>).phone = 'call me';
  (input.subscriber as Record<string, unknown>).country = 'XX';
  (input.subscriber as Record<string, unknown>).email = 'not-an-email';
  assert.deepEqual(fields(validateCounterNotice(input, NOTICE)), ['subscriber.country', 'subscriber.email', 'subscriber.phone']);
  const noEmail = valid();
  delete (noEmail.subscriber as Record<string, unknown>).email;
  assert.ok(validateCounterNotice(noEmail, NOTICE).ok);
});

test('reason "other" needs an explanation; unknown reasons are refused', () => {
  const input = { ...valid(), reason: 'other' };
  assert.deepEqual(fields(validateCounterNotice(input, NOTICE)), ['explanation']);
  assert.ok(validateCounterNotice({ ...input, explanation: 'I licensed it from the studio in 2024.' }, NOTICE).ok);
  assert.deepEqual(fields(validateCounterNotice({ ...valid(), reason: 'because' }, NOTICE)), ['reason']);
});

test('the jurisdiction statement follows the address: US district, or any district where the provider is found', () => {
  assert.match(jurisdictionStatement('us'), /judicial district in which my address is located/);
  assert.match(jurisdictionStatement('DE', 'Example Cloud Inc.'), /any judicial district of the United States in which Example Cloud Inc\. may be found/);
  assert.match(COUNTER_NOTICE_STATEMENTS.consent_to_jurisdiction, /outside the United States/);
});

test('retraction: the whole notice or some of its URLs, signed by the complainant', () => {
  const all = validateRetraction({ signature: 'Jane Doe', reason: 'Licensed after all' }, NOTICE);
  assert.ok(all.ok);
  assert.deepEqual(all.retraction, { urls: 'all', reason: 'Licensed after all', signature: 'Jane Doe' });
  const some = validateRetraction({ signature: 'jane doe', urls: ['https://shop.example/b.mp4', 'https://shop.example/b.mp4'] }, NOTICE);
  assert.ok(some.ok);
  assert.deepEqual(some.retraction.urls, ['https://shop.example/b.mp4']);
  assert.equal(some.retraction.reason, undefined);
  const empty = validateRetraction({ signature: 'Jane Doe', urls: [] }, NOTICE);
  assert.ok(empty.ok && empty.retraction.urls === 'all');
  const bad = validateRetraction({ signature: 'John Roe', urls: ['https://elsewhere.example/x'] }, NOTICE);
  assert.ok(!bad.ok);
  assert.deepEqual(
    bad.errors.map((e) => e.field),
    ['urls[0]', 'signature'],
  );
  assert.match(bad.errors[1]!.message, /"Jane Doe"/);
  assert.deepEqual(fields(validateRetraction({}, NOTICE)), ['signature']);
  // Without a claimant name to compare, any non-empty signature is accepted.
  assert.ok(validateRetraction({ signature: 'Counsel for Jane Doe' }, { urls: NOTICE.urls }).ok);
});

test('notice of court action: court, case number, filing date not in the future, sworn, signed', () => {
  const now = new Date('2026-03-10T15:00:00Z');
  const input = {
    court: 'U.S. District Court for the Southern District of New York',
    case_number: '1:26-cv-01234',
    filed_on: '2026-03-09',
    statement: true,
    signer_name: 'Alex Attorney',
    signature: 'Alex Attorney',
    document_url: 'https://courtlistener.example/docket/1',
  };
  const r = validateCourtAction(input, NOTICE, now);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  assert.deepEqual(r.courtAction, {
    court: 'U.S. District Court for the Southern District of New York',
    caseNumber: '1:26-cv-01234',
    filedOn: '2026-03-09',
    urls: 'all',
    documentUrl: 'https://courtlistener.example/docket/1',
    signerName: 'Alex Attorney',
    signature: 'Alex Attorney',
    reference: 'U.S. District Court for the Southern District of New York, 1:26-cv-01234 (filed 2026-03-09)',
  });
  // "Today" anywhere on Earth is fine (UTC+14 is already on the 11th at 10:00Z on the 10th) …
  assert.ok(validateCourtAction({ ...input, filed_on: '2026-03-11' }, NOTICE, now).ok);
  // … the day after is not.
  const future = validateCourtAction({ ...input, filed_on: '2026-03-12' }, NOTICE, now);
  assert.ok(!future.ok && future.errors[0]!.field === 'filed_on' && /future/.test(future.errors[0]!.message));
  assert.deepEqual(fields(validateCourtAction({ ...input, filed_on: '2026-02-30' }, NOTICE, now)), ['filed_on']);
  const missing = validateCourtAction({}, NOTICE, now);
  assert.deepEqual(fields(missing), ['case_number', 'court', 'filed_on', 'signature', 'signer_name', 'statement']);
  assert.ok(!missing.ok && missing.errors.some((e) => e.message.includes(COURT_ACTION_STATEMENT)));
  assert.deepEqual(fields(validateCourtAction({ ...input, signature: 'Someone Else' }, NOTICE, now)), ['signature']);
  assert.deepEqual(fields(validateCourtAction({ ...input, document_url: 'ftp://x.example/doc' }, NOTICE, now)), ['document_url']);
  const some = validateCourtAction({ ...input, urls: ['https://shop.example/a.mp4'] }, NOTICE, now);
  assert.ok(some.ok && Array.isArray(some.courtAction.urls) && some.courtAction.urls[0] === 'https://shop.example/a.mp4');
  assert.deepEqual(fields(validateCourtAction({ ...input, urls: ['https://other.example/'] }, NOTICE, now)), ['urls[0]']);
});
