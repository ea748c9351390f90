import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CHANNELS,
  DEFAULT_MAX_URLS_PER_NOTICE,
  DMCA_STATEMENTS,
  NOTICE_KINDS,
  NOTIFY_CHOICES,
  fieldPath,
  isCountryCode,
  signatureMatches,
  type FieldError,
  type DmcaSubmission,
} from '../../src/domain/notice.ts';
import { parseReport } from '../../src/domain/report-submission.ts';

const OWNER_RULE =
  'copyright (DMCA) notices are always sent to the site owner with your name and contact details, so that the owner can answer with a counter notice (17 U.S.C. §512(g)); notify.owner must be "send"';

function valid(): Record<string, unknown> {
  return {
    urls: ['https://www.piratefilms.example/sunrise.mp4'],
    work: { description: 'The film "Sunrise" (2025)', urls: ['https://studio.example/sunrise'] },
    claimant: { name: 'Jane Doe', company: 'Harbor Pictures', email: 'jane@studio.example', address: '1 Studio Way, Los Angeles, CA', country: 'US' },
    statements: { good_faith_belief: true, accuracy_and_authority: true },
    signature: 'Jane Doe',
    notify: { owner: 'send', host: 'send' },
  };
}

/** The valid notice with some fields replaced; `claimant` and `work` entries are merged. */
function notice(patch: Record<string, unknown> = {}): Record<string, unknown> {
  const base = valid();
  const out: Record<string, unknown> = { ...base, ...patch };
  for (const k of ['claimant', 'work', 'statements', 'notify'] as const) {
    if (k in patch && patch[k] && typeof patch[k] === 'object' && !Array.isArray(patch[k])) out[k] = { ...(base[k] as object), ...(patch[k] as object) };
  }
  return out;
}

function accepts(body: unknown): DmcaSubmission & { urls: string[] } {
  const r = parseReport(body);
  assert.ok(r.ok, `expected the notice to be accepted, got ${r.ok ? '' : JSON.stringify(r.errors)}`);
  assert.equal(r.submission.kind, 'copyright');
  return { ...(r.submission as DmcaSubmission), urls: r.urls };
}

function errorsOf(body: unknown): FieldError[] {
  const r = parseReport(body);
  assert.ok(!r.ok, 'expected the notice to be refused');
  return r.errors;
}

/** The one error of a body that has exactly one problem. */
function onlyError(body: unknown): FieldError {
  const errors = errorsOf(body);
  assert.equal(errors.length, 1, JSON.stringify(errors));
  return errors[0]!;
}

test('a complete notice is accepted and comes out trimmed and normalised', () => {
  const n = accepts(
    notice({
      claimant: { name: '  Jane Doe ', email: ' jane@studio.example ', address: ' 1 Studio Way ', country: ' us ', phone: ' +1 (555) 010-0000 ' },
      work: { description: '  The film  ', owner: ' Harbor Holdings ' },
      signature: ' Jane Doe ',
    }),
  );
  assert.equal(n.claimant.name, 'Jane Doe');
  assert.equal(n.claimant.email, 'jane@studio.example');
  assert.equal(n.claimant.address, '1 Studio Way');
  assert.equal(n.claimant.country, 'US');
  assert.equal(n.claimant.phone, '+1 (555) 010-0000');
  assert.equal(n.work.description, 'The film');
  assert.equal(n.work.owner, 'Harbor Holdings');
  assert.equal(n.signature, 'Jane Doe');
  assert.deepEqual(n.statements, { good_faith_belief: true, accuracy_and_authority: true });
});

test('notify defaults to send/send, and the host may be send, send-anon or none', () => {
  const { notify: _n, ...withoutNotify } = valid();
  assert.deepEqual(accepts(withoutNotify).notify, { owner: 'send', host: 'send' });
  assert.deepEqual(accepts(notice({ notify: {} })).notify, { owner: 'send', host: 'send' });
  for (const host of ['send', 'send-anon', 'none'] as const) {
    assert.deepEqual(accepts(notice({ notify: { owner: 'send', host } })).notify, { owner: 'send', host });
  }
});

test('the owner is always notified: send-anon and none are refused with the §512(g) explanation', () => {
  for (const owner of ['send-anon', 'none']) {
    assert.deepEqual(onlyError(notice({ notify: { owner } })), { field: 'notify.owner', message: OWNER_RULE });
  }
  // Not a choice at all: the enum message, not the owner rule (and only once).
  assert.deepEqual(onlyError(notice({ notify: { owner: 'loud' } })), { field: 'notify.owner', message: 'notify.owner must be "send", "send-anon" or "none"' });
  assert.deepEqual(onlyError(notice({ notify: { host: 'SEND' } })), { field: 'notify.host', message: 'notify.host must be "send", "send-anon" or "none"' });
});

test('every field error comes back at once, each with its field path, the cross-field rules included', () => {
  const errors = errorsOf(
    notice({
      work: { description: '   ', owner: 'o'.repeat(201) },
      claimant: { name: 'Jane Doe', email: 'not-an-email', address: '', country: 'XX', phone: 'call me' },
      signature: 'John Roe',
      notify: { owner: 'none', host: 'send-anon' },
      comments: 'x'.repeat(2001),
    }),
  );
  const byField = new Map(errors.map((e) => [e.field, e.message]));
  assert.deepEqual([...byField.keys()].sort(), [
    'claimant.address',
    'claimant.country',
    'claimant.email',
    'claimant.phone',
    'comments',
    'notify.owner',
    'signature',
    'work.description',
    'work.owner',
  ]);
  assert.equal(errors.length, byField.size, 'one error per field');
  assert.equal(byField.get('work.description'), 'work.description must not be empty');
  assert.equal(byField.get('work.owner'), 'work.owner must be at most 200 characters');
  assert.equal(byField.get('claimant.address'), 'address must not be empty');
  assert.equal(byField.get('claimant.email'), 'must be a valid e-mail address such as name@example.com');
  assert.equal(byField.get('claimant.country'), 'country must be an ISO 3166-1 two-letter code such as "US", "DE" or "GB"');
  assert.equal(byField.get('claimant.phone'), 'phone may contain only digits, spaces and + ( ) . / -');
  assert.equal(byField.get('comments'), 'comments must be at most 2000 characters');
  assert.equal(byField.get('notify.owner'), OWNER_RULE);
  assert.equal(byField.get('signature'), 'signature must be your full name as given in claimant.name ("Jane Doe")');
});

test('type errors anywhere are all listed together, each at its path', () => {
  const errors = errorsOf(
    notice({
      urls: ['https://a.example/x', 42],
      work: { description: 'd', urls: ['https://studio.example/a', 7] },
      statements: { good_faith_belief: 'yes', accuracy_and_authority: false },
      notify: { owner: 'send', host: 'loud' },
    }),
  );
  assert.deepEqual(errors, [
    { field: 'urls[1]', message: 'each URL must be a string' },
    { field: 'work.urls[1]', message: 'Invalid input: expected string, received number' },
    { field: 'statements.good_faith_belief', message: `you must affirm this statement (set it to true): "${DMCA_STATEMENTS.good_faith_belief}"` },
    { field: 'statements.accuracy_and_authority', message: `you must affirm this statement (set it to true): "${DMCA_STATEMENTS.accuracy_and_authority}"` },
    { field: 'notify.host', message: 'notify.host must be "send", "send-anon" or "none"' },
  ]);
});

test('missing parts are named as required, with what to send', () => {
  const errors = errorsOf({});
  assert.deepEqual(errors, [
    { field: 'urls', message: 'urls is required: a list of the URLs of the reported material' },
    { field: 'work', message: 'work is required: {"description": "…", "urls": [optional]}' },
    { field: 'claimant.name', message: 'name is required' },
    { field: 'claimant.email', message: 'email is required' },
    { field: 'claimant.address', message: 'address is required' },
    { field: 'claimant.country', message: 'country is required (ISO 3166-1 two-letter code, e.g. "US")' },
    { field: 'statements.good_faith_belief', message: `you must affirm this statement (set it to true): "${DMCA_STATEMENTS.good_faith_belief}"` },
    { field: 'statements.accuracy_and_authority', message: `you must affirm this statement (set it to true): "${DMCA_STATEMENTS.accuracy_and_authority}"` },
    { field: 'signature', message: 'signature is required' },
  ]);

  const fields = errorsOf(notice({ claimant: { name: undefined, email: undefined, address: undefined, country: undefined } }));
  assert.deepEqual(fields, [
    { field: 'claimant.name', message: 'name is required' },
    { field: 'claimant.email', message: 'email is required' },
    { field: 'claimant.address', message: 'address is required' },
    { field: 'claimant.country', message: 'country is required (ISO 3166-1 two-letter code, e.g. "US")' },
  ]);
  assert.deepEqual(onlyError(notice({ work: { description: undefined } })), { field: 'work.description', message: 'work.description is required' });
  assert.deepEqual(onlyError(notice({ signature: 42 })), { field: 'signature', message: 'signature must be a string' });
});

test('a body that is not an object is one error on (body)', () => {
  for (const body of [null, undefined, 'notice', 42, []]) {
    const errors = errorsOf(body);
    assert.equal(errors.length, 1, JSON.stringify(body));
    assert.equal(errors[0]!.field, '(body)');
  }
});

test('urls must be a non-empty list of strings; its length is not limited here (the filing service does that)', () => {
  assert.deepEqual(onlyError(notice({ urls: [] })), { field: 'urls', message: 'urls must list at least one URL of the reported material' });
  assert.deepEqual(onlyError(notice({ urls: 'https://a.example/x' })), {
    field: 'urls',
    message: 'urls is required: a list of the URLs of the reported material',
  });
  assert.deepEqual(onlyError(notice({ urls: ['https://a.example/x', null] })), { field: 'urls[1]', message: 'each URL must be a string' });
  // Invalid and blank URLs are the URL list's business, not the schema's.
  assert.deepEqual(accepts(notice({ urls: ['', 'javascript:alert(1)'] })).urls, ['', 'javascript:alert(1)']);
  const many = Array.from({ length: 20_000 }, (_, i) => `https://a.example/${i}`);
  assert.equal(accepts(notice({ urls: many })).urls.length, 20_000);
  assert.equal(DEFAULT_MAX_URLS_PER_NOTICE, 250_000);
});

test('length limits are enforced on the trimmed text, at the boundary', () => {
  const limits: [string, (v: string) => Record<string, unknown>, number][] = [
    ['claimant.name', (v) => notice({ claimant: { name: v }, signature: v }), 200],
    ['claimant.company', (v) => notice({ claimant: { company: v } }), 200],
    ['claimant.address', (v) => notice({ claimant: { address: v } }), 500],
    ['work.description', (v) => notice({ work: { description: v } }), 5000],
    ['work.owner', (v) => notice({ work: { owner: v } }), 200],
    ['signature', (v) => notice({ claimant: { name: v }, signature: v }), 200],
  ];
  for (const [field, body, max] of limits) {
    accepts(body('x'.repeat(max)));
    accepts(body(`  ${'x'.repeat(max)}  `)); // surrounding blanks do not count
    const errors = errorsOf(body('x'.repeat(max + 1)));
    const short = field.replace(/^claimant\./, '');
    assert.ok(
      errors.some((e) => e.field === field && e.message === `${short} must be at most ${max} characters`),
      `${field}: ${JSON.stringify(errors)}`,
    );
  }
  accepts(notice({ comments: 'x'.repeat(2000) }));
  accepts(notice({ claimant: { phone: '1'.repeat(40) } }));
  assert.deepEqual(onlyError(notice({ claimant: { phone: '1'.repeat(41) } })), { field: 'claimant.phone', message: 'phone must be at most 40 characters' });
  accepts(notice({ work: { urls: Array.from({ length: 1000 }, (_, i) => `https://studio.example/${i}`) } }));
  assert.deepEqual(onlyError(notice({ work: { urls: Array.from({ length: 1001 }, (_, i) => `https://studio.example/${i}`) } })), {
    field: 'work.urls',
    message: 'work.urls may list at most 1000 URLs',
  });
});

test('a huge field is refused with a short message, not echoed back', () => {
  const huge = 'A'.repeat(1_000_000);
  const errors = errorsOf(notice({ work: { description: huge }, comments: huge }));
  assert.deepEqual(
    errors.map((e) => e.field),
    ['work.description', 'comments'],
  );
  for (const e of errors) assert.ok(e.message.length < 200, e.message.slice(0, 80));
});

test('optional fields: empty company, phone or comments are handled explicitly', () => {
  assert.deepEqual(onlyError(notice({ claimant: { company: '   ' } })), { field: 'claimant.company', message: 'company must not be empty' });
  assert.equal(accepts(notice({ claimant: { phone: '' } })).claimant.phone, '');
  assert.equal(accepts(notice({ comments: '' })).comments, '');
  const { company: _c, ...claimant } = valid().claimant as Record<string, unknown>;
  assert.equal(accepts({ ...valid(), claimant }).claimant.company, undefined);
});

test('phone numbers: digits and the usual punctuation only, so no letters or line breaks', () => {
  for (const phone of ['+49 30 1234567', '(555) 010-0000', '555.010.0000', '+1/555/0100']) accepts(notice({ claimant: { phone } }));
  for (const phone of ['555-CALL-NOW', '555\r\nBcc: x@evil.example', '١٢٣', '+1 555 0100 ext. 7']) {
    assert.equal(onlyError(notice({ claimant: { phone } })).field, 'claimant.phone', phone);
  }
});

test('e-mail addresses: trimmed, and header injection or display names are refused', () => {
  assert.equal(accepts(notice({ claimant: { email: '\tJane.Doe+dmca@Studio.Example ' } })).claimant.email, 'Jane.Doe+dmca@Studio.Example');
  for (const email of [
    'jane@studio.example\r\nBcc: victim@else.example',
    'jane@studio.example\nX-Injected: 1',
    'Jane Doe <jane@studio.example>',
    'jane@studio.example, other@else.example',
    'jane',
    '@studio.example',
    'jane@',
    'jane@@studio.example',
    'jane doe@studio.example',
    '',
  ]) {
    const e = onlyError(notice({ claimant: { email } }));
    assert.equal(e.field, 'claimant.email', email);
  }
});

test('country: ISO 3166-1 alpha-2, case-insensitive and stored upper-case; UK is read as GB', () => {
  for (const [input, stored] of [
    ['US', 'US'],
    ['de', 'DE'],
    [' gb ', 'GB'],
    ['uk', 'GB'],
    ['UK', 'GB'],
    ['XK', 'XK'],
  ]) {
    assert.equal(accepts(notice({ claimant: { country: input } })).claimant.country, stored, input);
  }
  for (const country of ['USA', 'U', '', 'United States', 'XX', 'ZZ', 'AA', 'EU', 'UN', 'SU', 'DD', 'YU', 'XA', 'QO', 'ＵＳ', 'U S', 'U\nS']) {
    assert.equal(onlyError(notice({ claimant: { country } })).field, 'claimant.country', JSON.stringify(country));
  }
  assert.deepEqual(onlyError(notice({ claimant: { country: 840 } })), {
    field: 'claimant.country',
    message: 'country must be an ISO 3166-1 two-letter code such as "US", "DE" or "GB"',
  });
});

test('isCountryCode: the assigned ISO 3166-1 codes, each once, and nothing CLDR adds', () => {
  for (const code of ['US', 'DE', 'GB', 'FR', 'JP', 'BR', 'CW', 'SS', 'RS', 'ME', 'TL', 'MM', 'AQ', 'XK']) assert.ok(isCountryCode(code), code);
  for (const code of [
    'us',
    'Us',
    'USA',
    '',
    ' US',
    'ZZ',
    'AA',
    'UK',
    'EU',
    'EZ',
    'UN',
    'QO',
    'XA',
    'XB',
    'SU',
    'DD',
    'YU',
    'CS',
    'AN',
    'FX',
    'ZR',
    'TP',
    'BU',
    'AC',
    'IC',
  ]) {
    assert.equal(isCountryCode(code), false, code);
  }
  const all: string[] = [];
  for (let a = 65; a <= 90; a++) for (let b = 65; b <= 90; b++) if (isCountryCode(String.fromCharCode(a, b))) all.push(String.fromCharCode(a, b));
  // 249 officially assigned codes, plus XK.
  assert.equal(all.length, 250);
  // The web form lists them by name: no country may appear twice.
  const names = new Intl.DisplayNames(['en'], { type: 'region' });
  const seen = new Map<string, string>();
  for (const code of all) {
    const name = names.of(code)!;
    assert.equal(seen.get(name), undefined, `${code} and ${seen.get(name)} are both "${name}"`);
    seen.set(name, code);
  }
});

test('statements must be exactly true: truthy values are not an affirmation', () => {
  for (const v of ['true', 1, 'yes', {}, [true], null]) {
    const errors = errorsOf(notice({ statements: { good_faith_belief: v, accuracy_and_authority: true } }));
    assert.deepEqual(
      errors.map((e) => e.field),
      ['statements.good_faith_belief'],
      JSON.stringify(v),
    );
  }
  assert.deepEqual(
    errorsOf({ ...valid(), statements: { good_faith_belief: true } }).map((e) => e.field),
    ['statements.accuracy_and_authority'],
  );
  assert.deepEqual(
    errorsOf({ ...valid(), statements: {} }).map((e) => e.field),
    ['statements.good_faith_belief', 'statements.accuracy_and_authority'],
  );
  assert.equal(onlyError(notice({ statements: true })).field, 'statements');
});

test('the signature must be the claimant name: case, blanks and a /s/ prefix aside', () => {
  for (const signature of ['Jane Doe', 'jane doe', 'JANE   DOE', '/s/ Jane Doe', '/S/Jane Doe', ' /s/   jane\tdoe ']) {
    assert.equal(accepts(notice({ signature })).signature, signature.trim(), signature);
  }
  for (const signature of ['J. Doe', 'Jane', 'Doe Jane', 'JaneDoe', 'Jane Doe Jr.', '/s/', 's/ Jane Doe', 'Jane Doe /s/']) {
    assert.deepEqual(
      onlyError(notice({ signature })),
      { field: 'signature', message: 'signature must be your full name as given in claimant.name ("Jane Doe")' },
      signature,
    );
  }
  // The message quotes the name as given, whatever it contains.
  assert.deepEqual(onlyError(notice({ claimant: { name: 'Zoë "Z" Ångström' }, signature: 'Zoe Z Angstrom' })), {
    field: 'signature',
    message: 'signature must be your full name as given in claimant.name ("Zoë "Z" Ångström")',
  });
});

test('signatureMatches: unicode names compare as the same text (NFC), not by look-alike', () => {
  assert.ok(signatureMatches('José Núñez', 'José Núñez'));
  assert.ok(signatureMatches('Jose\u0301 Nu\u0301n\u0303ez', 'Jos\u00E9 N\u00FA\u00F1ez'), 'decomposed and composed forms are the same name');
  assert.ok(signatureMatches('ZOË', 'zoë'));
  assert.ok(signatureMatches('山田 太郎', '山田\u3000太郎'), 'an ideographic space is a blank');
  assert.equal(signatureMatches('Jose Nunez', 'José Núñez'), false, 'accents are part of the name');
  assert.equal(signatureMatches('Jаne Doe', 'Jane Doe'), false, 'a Cyrillic а is not a Latin a');
  assert.equal(signatureMatches('Jane\u200BDoe', 'Jane Doe'), false, 'a zero-width space is not a blank');
  assert.equal(signatureMatches('', 'Jane Doe'), false);
  assert.ok(accepts(notice({ claimant: { name: 'Jos\u00E9 N\u00FA\u00F1ez' }, signature: 'Jose\u0301 Nu\u0301n\u0303ez' })));
});

test('text that cannot be stored (NUL, unpaired surrogates) is refused per field, paired emoji are fine', () => {
  const bad = (s: string) => `x${s}y`;
  for (const ch of ['\u0000', '\uD800', '\uDFFF', '\uDC00\uD800']) {
    const errors = errorsOf(
      notice({
        claimant: { name: bad(ch), company: bad(ch), address: bad(ch) },
        signature: bad(ch),
        work: { description: bad(ch), owner: bad(ch), urls: ['https://studio.example/', bad(ch)] },
        comments: bad(ch),
      }),
    );
    assert.deepEqual(
      errors.map((e) => e.field),
      ['work.description', 'work.urls[1]', 'work.owner', 'claimant.name', 'claimant.company', 'claimant.address', 'signature', 'comments'],
      JSON.stringify(ch),
    );
    assert.equal(
      errors.find((e) => e.field === 'claimant.name')!.message,
      'name contains a character that cannot be stored (U+0000 or an unpaired UTF-16 surrogate)',
    );
  }
  const n = accepts(notice({ claimant: { name: 'Jane 😀 Doe', address: 'Straße 1\n10115 Berlin' }, signature: 'jane 😀 doe', comments: 'tab\there, 𝄞' }));
  assert.equal(n.claimant.address, 'Straße 1\n10115 Berlin', 'multi-line addresses are kept');
});

test('unknown top-level fields are dropped, not stored', () => {
  const n = accepts({ ...valid(), admin: true, __proto__x: 1 }) as unknown as Record<string, unknown>;
  assert.equal('admin' in n, false);
  assert.equal(n.kind, 'copyright', 'a body without kind is a copyright notice');
  assert.equal(n.regime, 'dmca');
  const c = accepts(notice({ claimant: { role: 'staff' } })).claimant as unknown as Record<string, unknown>;
  assert.equal('role' in c, false);
});

test("a copyright notice's fields under another kind are refused, not dropped: the reporter chose the wrong kind", () => {
  const fields = errorsOf({ ...valid(), kind: 'trademark' }).map((e) => e.field);
  for (const f of ['work', 'signature', 'trademark', 'explanation']) assert.ok(fields.includes(f), `${f} in ${fields.join(', ')}`);
});

test('a __proto__ key in the body does not reach the parsed notice or Object.prototype', () => {
  const body = JSON.parse(
    `{"urls":["https://a.example/x"],"work":{"description":"d"},"claimant":{"name":"Jane Doe","email":"jane@studio.example","address":"a","country":"US","__proto__":{"polluted":true}},"statements":{"good_faith_belief":true,"accuracy_and_authority":true},"signature":"Jane Doe","__proto__":{"polluted":true}}`,
  );
  const n = accepts(body);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal((n as unknown as Record<string, unknown>).polluted, undefined);
  assert.equal((n.claimant as unknown as Record<string, unknown>).polluted, undefined);
});

test('fieldPath renders zod paths as dotted names with [index]', () => {
  assert.equal(fieldPath([]), '(body)');
  assert.equal(fieldPath(['urls']), 'urls');
  assert.equal(fieldPath(['urls', 3]), 'urls[3]');
  assert.equal(fieldPath(['claimant', 'email']), 'claimant.email');
  assert.equal(fieldPath(['work', 'urls', 0]), 'work.urls[0]');
  assert.equal(fieldPath([0, 'a', 1, 2]), '[0].a[1][2]');
  assert.equal(fieldPath([Symbol('s'), 'x']), 'Symbol(s).x');
});

test('kinds, channels and notify choices', () => {
  assert.deepEqual([...NOTICE_KINDS], ['copyright', 'trademark', 'phishing', 'csam', 'threat', 'ncsei', 'whois', 'general']);
  assert.deepEqual([...CHANNELS], ['api', 'cloudflare_api', 'web', 'email']);
  assert.deepEqual([...NOTIFY_CHOICES], ['send', 'send-anon', 'none']);
});

test('the sworn statements are the §512(c)(3)(A)(v) and (vi) texts', () => {
  assert.match(
    DMCA_STATEMENTS.good_faith_belief,
    /^I have a good faith belief that use of the material .* is not authorized by the copyright owner, its agent, or the law\.$/,
  );
  assert.match(
    DMCA_STATEMENTS.accuracy_and_authority,
    /accurate, and under penalty of perjury, I am authorized to act on behalf of the owner of an exclusive right/,
  );
});
