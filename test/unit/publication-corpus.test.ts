// Redaction against real notices: GitHub's public DMCA archive (../shared/corpus/github-dmca),
// which GitHub published with every piece of personal data replaced by [private]. Each slot is
// filled with a synthetic value of the type its context asks for (a name, an e-mail address, a
// phone number, a street address; inside a URL, a user name), the same for the same notice on
// every run; the redaction then runs over the filled text. What must hold on every notice:
// - the synthetic personal data are gone (with the claimant known, as a notice filed through
//   Safeharbor names it, all of it; from the text alone, everything that has a shape — e-mail
//   addresses, phone numbers, street addresses — and names where the text labels them);
// - every URL of the original is still there, except the one whose item was not actionable,
//   which reads [invalid]; and every company the original names is still there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { buildPublicRecord, type NoticeForPublication } from '../../src/publication/domain/public-record.ts';
import { INVALID, NO_CONTEXT, redactText } from '../../src/publication/domain/redact-text.ts';
import { companiesOf, fill, labelledNameSlots, person, samePage, urlsOf, type Slot } from '../support/corpus-fill.ts';

// The notices are vendored (test/fixtures/github-dmca-private.jsonl.gz: every third notice of the
// corpus that holds [private], in file-name order), so the suite needs nothing outside the checkout.
const corpus = gunzipSync(readFileSync(new URL('../fixtures/github-dmca-private.jsonl.gz', import.meta.url)))
  .toString('utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line) as { id: string; text: string });

test('the corpus is there: thousands of notices GitHub redacted', () => {
  assert.ok(corpus.length >= 1500, `only ${corpus.length} notices with [private]`);
});

function strings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) strings(x, out);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) strings(x, out);
  return out;
}

test('with the claimant known, every synthetic personal datum is gone; URLs and companies stay; the not-actionable URL reads [invalid]', () => {
  const failures: string[] = [];
  let invalidChecked = 0;
  for (const n of corpus) {
    const p = person(n.id);
    const { text } = fill(n.text, p);
    const urls = [...new Set(urlsOf(n.text))];
    // The first URL that no other URL begins with or repeats (written otherwise) is the item found not on the network.
    const pages = new Map<string, number>();
    for (const u of urls) pages.set(samePage(u), (pages.get(samePage(u)) ?? 0) + 1);
    const sorted = [...urls].sort();
    const begins = (u: string) => sorted.some((o) => o !== u && o.startsWith(u));
    const invalid = urls.slice(0, 50).find((u) => pages.get(samePage(u)) === 1 && !begins(u)) ?? null;
    const companies = companiesOf(n.text);
    const notice: NoticeForPublication = {
      id: '00000000-0000-4000-8000-000000000000',
      kind: 'copyright',
      regime: 'dmca',
      receivedAt: new Date('2019-01-01T00:00:00Z'),
      submission: {
        kind: 'copyright',
        regime: 'dmca',
        claimant: { name: p.name, email: p.email, phone: p.phone, address: p.address, country: 'US', ...(companies[0] ? { company: companies[0] } : {}) },
        work: { description: 'See the notice.' },
        statements: { good_faith_belief: true, accuracy_and_authority: true },
        signature: p.name,
        explanation: text,
        notify: { owner: 'send', host: 'send' },
      },
      items: urls.map((u, i) => ({ position: i, submittedUrl: u, url: u, state: u === invalid ? 'not_on_network' : 'forwarded' })),
    };
    const r = buildPublicRecord(notice);
    assert.ok(r.ok);
    const all = strings(r.record).join('\n');
    const out = r.record.explanation!;
    for (const secret of [p.name, p.email, p.phone, p.address, ...p.addressParts]) {
      if (all.includes(secret))
        failures.push(`${n.id}: "${secret}" is still there: …${all.slice(Math.max(0, all.indexOf(secret) - 80), all.indexOf(secret) + 60)}…`);
    }
    for (const u of urls) {
      if (u === invalid) {
        if (out.includes(u)) failures.push(`${n.id}: the not-actionable ${u} is still there`);
        else if (!out.includes(INVALID)) failures.push(`${n.id}: no [invalid] for ${u}`);
        else invalidChecked++;
      } else if (!out.includes(u)) failures.push(`${n.id}: the URL ${u} is gone`);
    }
    for (const c of companies) if (!out.includes(c)) failures.push(`${n.id}: the company "${c}" is gone`);
  }
  assert.ok(invalidChecked >= 1000, `only ${invalidChecked} notices had a not-actionable URL to check`);
  assert.deepEqual(failures.slice(0, Number(process.env.SHOW_FAILURES ?? 15)), [], `${failures.length} failures over ${corpus.length} notices`);
});

test('from the text alone, e-mail addresses, phone numbers, street addresses and labelled names are gone; URLs and companies stay', () => {
  const failures: string[] = [];
  let labelled = 0;
  const seen: Record<Slot, number> = { name: 0, email: 0, phone: 0, address: 0, slug: 0 };
  for (const n of corpus) {
    const p = person(n.id);
    const { text, used } = fill(n.text, p, { signer: true });
    for (const t of used) seen[t]++;
    const out = redactText(text, NO_CONTEXT).text;
    if (used.has('email') && out.includes(p.email)) failures.push(`${n.id}: the e-mail address ${p.email} is still there`);
    if (used.has('phone') && out.includes(p.phone.replace(/^\+/, ''))) failures.push(`${n.id}: the phone number ${p.phone} is still there`);
    if (used.has('address')) for (const part of p.addressParts) if (out.includes(part)) failures.push(`${n.id}: the address part "${part}" is still there`);
    const signed = labelledNameSlots(n.text).length;
    labelled += signed;
    if (signed && out.includes(p.signer)) failures.push(`${n.id}: the labelled name ${p.signer} is still there`);
    for (const u of urlsOf(n.text)) if (!out.includes(u)) failures.push(`${n.id}: the URL ${u} is gone`);
    for (const c of companiesOf(n.text)) if (!out.includes(c)) failures.push(`${n.id}: the company "${c}" is gone`);
  }
  // The fill met every type many times, so each rule was exercised on real text.
  for (const t of ['name', 'email', 'phone', 'address', 'slug'] as const) assert.ok(seen[t] >= 40, `only ${seen[t]} notices had a ${t} slot`);
  assert.ok(labelled >= 80, `only ${labelled} labelled name slots`);
  assert.deepEqual(failures.slice(0, Number(process.env.SHOW_FAILURES ?? 15)), [], `${failures.length} failures over ${corpus.length} notices`);
});
