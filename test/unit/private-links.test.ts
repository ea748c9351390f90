// Private links (one-time sign-in links, private status links) are for the recipient of a message
// only: withheld in whatever else shows a message's text, in the stored copy once it is sent, in
// the request log; and no piece of a sign-in link in a message's stored dedupe key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { hasPrivateLinks, receiptMessage, SIGN_IN_LINK_WITHHELD, STATUS_LINK_WITHHELD, withholdPrivateLinks } from '../../src/domain/messages.ts';
import { loginLinkMessage } from '../../src/domain/review-messages.ts';
import { statusLinks } from '../../src/services/status-links.ts';
import { loggedPath } from '../../src/http/app.ts';

const BASE = 'https://desk.example';
const token = () => randomBytes(32).toString('base64url'); // as sessions.ts makes them
const ID = '5b0c2c8e-1d2a-4c47-9a51-2f3e4d5c6b7a';

test('sign-in links in the message are withheld, whole, with any next= part; the rest of the text stays', () => {
  const [a, b] = [token(), token()];
  const m = loginLinkMessage(
    'Safeharbor',
    'owner@acme.test',
    [
      { label: 'staff', url: `${BASE}/login/link/${a}` },
      { label: 'customer of Acme', url: `${BASE}/login/link/${b}?next=%2Fportal%2Fnotices` },
    ],
    30,
  );
  assert.ok(m.body.includes(a) && m.body.includes(b), 'the recipient gets the links');
  assert.ok(hasPrivateLinks(m.body));
  const shown = withholdPrivateLinks(m.body);
  assert.ok(!shown.includes(a) && !shown.includes(b) && !shown.includes('/login/link/'), shown);
  assert.equal(shown.split(SIGN_IN_LINK_WITHHELD).length - 1, 2);
  assert.match(shown, /Sign in as staff:\n\[sign-in link withheld\]\n\nSign in as customer of Acme:\n\[sign-in link withheld\]/);
  assert.match(shown, /Each link works once, for 30 minutes/);
  assert.ok(!hasPrivateLinks(shown));
});

test('private status links, as status-links.ts makes them, are withheld; public links and other URLs are not', () => {
  const links = statusLinks(randomBytes(32), () => `${BASE}/`);
  const url = links.url(ID);
  const m = receiptMessage('Safeharbor', {
    id: ID,
    createdAt: new Date('2026-01-01T00:00:00Z'),
    submission: {
      kind: 'copyright',
      regime: 'dmca',
      work: { description: 'A film', urls: ['https://studio.example/film'] },
      claimant: { name: 'Jane Doe', email: 'jane@studio.example', address: '1 Way', country: 'US' },
      statements: { good_faith_belief: true, accuracy_and_authority: true },
      signature: 'Jane Doe',
      notify: { owner: 'send', host: 'send' },
    },
    statusUrl: url,
    itemCount: 1,
  } as Parameters<typeof receiptMessage>[1])!;
  assert.ok(m.body.includes(url));
  const shown = withholdPrivateLinks(m.body);
  assert.ok(!shown.includes(links.key(ID)), shown);
  assert.ok(shown.includes(STATUS_LINK_WITHHELD));
  assert.ok(shown.includes(ID), 'the notice id itself is no secret');
  // Not private: the public notice page, a reporter's own URLs, a forged-looking key that is too short.
  for (const s of [`${BASE}/notices/${ID}/public`, 'https://pirate.example/status/film.mkv', `${BASE}/login`, `${BASE}/status/${ID}`]) {
    assert.equal(withholdPrivateLinks(`see ${s} now`), `see ${s} now`, s);
  }
  assert.equal(withholdPrivateLinks(`(<${url}>).`), STATUS_LINK_WITHHELD, 'the whole word holding the link goes');
});

test('sign-in messages: the dedupe key holds no piece of the links, and two requests with the same next= are two messages', () => {
  const next = '?next=%2Fstaff%2Fnotices%2Fabc';
  const [a, b] = [token(), token()];
  const one = loginLinkMessage('Safeharbor', 'x@y.test', [{ label: 'staff', url: `${BASE}/login/link/${a}${next}` }], 30);
  const two = loginLinkMessage('Safeharbor', 'x@y.test', [{ label: 'staff', url: `${BASE}/login/link/${b}${next}` }], 30);
  assert.notEqual(one.dedupeKey, two.dedupeKey);
  for (let i = 0; i + 8 <= a.length; i++) assert.ok(!one.dedupeKey.includes(a.slice(i, i + 8)), 'no run of the token in the stored key');
  assert.equal(
    loginLinkMessage('Safeharbor', 'x@y.test', [{ label: 'staff', url: `${BASE}/login/link/${a}${next}` }], 30).dedupeKey,
    one.dedupeKey,
    'the same links: the same message',
  );
});

test('the request log shows sign-in and status paths without their secret part', () => {
  const t = token();
  assert.equal(loggedPath(`/login/link/${t}?next=%2Fportal`), '/login/link/[withheld]?next=%2Fportal');
  assert.equal(loggedPath(`/status/${ID}.AbCdEfGhIjKlMnOpQrStUvWx?state=forwarded`), '/status/[withheld]?state=forwarded');
  assert.equal(loggedPath('/v1/notices?status=processed'), '/v1/notices?status=processed');
  assert.equal(loggedPath('/login'), '/login');
  assert.equal(loggedPath(`/notices/${ID}/public`), `/notices/${ID}/public`);
});
