// Metamorphic tests of the notice reader: a web-form notice rewritten without changing what it says
// (its questions worded otherwise, help links put in them, marked up as headings, HTML, plain lines
// or bold beside the answer, in another order, wrapped or joined — reader-metamorphic-forms.ts)
// must read the same as the notice itself: the same kind, the same URLs to act on and of the
// original work, the same claimant, the same legal elements present. The notices are real ones,
// GitHub's form notices of the vendored redaction fixture (test/fixtures/github-dmca-private.jsonl.gz),
// with their [private] slots filled with synthetic personal data so that the claimant's fields
// have values to compare. Every transform must change the text of the notices it is counted on,
// and must be counted on enough of them, so that a transform that does nothing cannot pass.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { readNotice } from '../../src/reader/index.ts';
import { urlKey } from '../../src/reader/urls.ts';
import type { ReadResult } from '../../src/reader/types.ts';
import { fill, person } from '../support/corpus-fill.ts';
import { mapQuestions, parseForm, render, reorder, reword, withHelpLink, type Markup, type ParsedForm } from './reader-metamorphic-forms.ts';

interface Sample {
  id: string;
  text: string;
  form: ParsedForm;
  /** The form written out again as it was (bold questions): a rewriting must differ from this too. */
  rendered: string;
  reading: Reading;
}

/** What must not change: everything the desk acts on or tells anyone. */
interface Reading {
  kind: string;
  infringing: string[];
  original: string[];
  name: string | null;
  email: string | null;
  address: string | null;
  phone: string | null;
  missing: string[];
}

function reading(r: ReadResult): Reading {
  const keys = (urls: string[]) => [...new Set(urls.map(urlKey))].sort();
  return {
    kind: r.kind,
    infringing: keys(r.infringing_urls),
    original: keys(r.original_urls),
    name: r.claimant.name,
    email: r.claimant.email,
    address: r.claimant.address,
    phone: r.claimant.phone,
    missing: [...r.missing].sort(),
  };
}

const read = (text: string) => reading(readNotice({ name: 'notice.md', content: text }));

// Every other form notice of the fixture, in its order: about 480 notices of every form version
// GitHub used in 2017–2019, takedowns and counter notices.
const fixture = gunzipSync(readFileSync(new URL('../fixtures/github-dmca-private.jsonl.gz', import.meta.url)))
  .toString('utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line) as { id: string; text: string });
const samples: Sample[] = [];
{
  let k = 0;
  for (const n of fixture) {
    const text = fill(n.text, person(n.id)).text;
    const form = parseForm(text);
    if (!form || k++ % 2) continue;
    samples.push({ id: n.id, text, form, rendered: render(form, { markup: 'bold' }), reading: read(text) });
  }
}

type Transform = (s: Sample) => string;
const bold = (form: ParsedForm, markup: Markup = 'bold', o: { split?: boolean; join?: boolean } = {}) => render(form, { markup, ...o });
const reworded = (s: Sample) => mapQuestions(s.form, (q) => reword(s.id, q));
const helped = (s: Sample, f = s.form) => mapQuestions(f, (q) => withHelpLink(s.id, q));

const TRANSFORMS: Record<string, Transform> = {
  reworded: (s) => bold(reworded(s)),
  'help links': (s) => bold(helped(s)),
  headings: (s) => bold(s.form, 'heading'),
  html: (s) => bold(s.form, 'html'),
  'plain lines': (s) => bold(s.form, 'plain'),
  'bold beside the answer': (s) => bold(s.form, 'inline'),
  reordered: (s) => bold(reorder(s.id, s.form)),
  'questions wrapped': (s) => bold(s.form, 'bold', { split: true }),
  'answers joined': (s) => bold(s.form, 'bold', { join: true }),
  'reworded, help links, headings': (s) => bold(helped(s, reworded(s)), 'heading'),
  'reworded, reordered, plain lines': (s) => bold(reorder(s.id, reworded(s)), 'plain'),
  'help links, plain lines': (s) => bold(helped(s), 'plain'),
  'reworded, help links, plain lines': (s) => bold(helped(s, reworded(s)), 'plain'),
  'help links, reordered, html': (s) => bold(reorder(s.id, helped(s)), 'html'),
  'reworded, help links, wrapped, joined': (s) => bold(helped(s, reworded(s)), 'bold', { split: true, join: true }),
  'reworded, plain lines, wrapped, joined': (s) => bold(reworded(s), 'plain', { split: true, join: true }),
};

/** At least this many notices per transform must have been changed by it and read again. */
const MIN_EXERCISED = 150;

function differences(a: Reading, b: Reading): string[] {
  const out: string[] = [];
  for (const k of Object.keys(a) as (keyof Reading)[]) {
    if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) out.push(`${k}: ${JSON.stringify(a[k])} → ${JSON.stringify(b[k])}`);
  }
  return out;
}

test('the sample is there: hundreds of form notices, takedowns and counter notices', () => {
  assert.ok(samples.length >= 400, `only ${samples.length} form notices`);
  assert.ok(samples.filter((s) => s.reading.kind === 'counter_notice').length >= 5);
  assert.ok(samples.filter((s) => s.reading.infringing.length).length >= 300);
  assert.ok(samples.filter((s) => s.reading.original.length).length >= 100);
  assert.ok(samples.filter((s) => s.reading.name).length >= 200);
});

for (const [name, transform] of Object.entries(TRANSFORMS)) {
  test(`a form notice ${name} reads the same`, () => {
    let exercised = 0;
    const failures: string[] = [];
    for (const s of samples) {
      const text = transform(s);
      if (text === s.text || text === s.rendered) continue;
      exercised++;
      const d = differences(s.reading, read(text));
      if (d.length) failures.push(`${s.id}: ${d.join('; ')}`);
    }
    assert.ok(exercised >= MIN_EXERCISED, `${name} changed only ${exercised} notices`);
    assert.deepEqual(failures.slice(0, 10), [], `${failures.length} of ${exercised} notices read otherwise`);
  });
}

test('random compositions of the rewritings read the same (fast-check, fixed seed)', () => {
  const step = fc.record({
    reword: fc.boolean(),
    help: fc.boolean(),
    reorder: fc.boolean(),
    markup: fc.constantFrom<Markup>('bold', 'heading', 'html', 'inline', 'plain'),
    split: fc.boolean(),
    join: fc.boolean(),
  });
  let changed = 0;
  fc.assert(
    fc.property(fc.nat({ max: samples.length - 1 }), step, (i, o) => {
      const s = samples[i]!;
      let form = s.form;
      if (o.reword) form = mapQuestions(form, (q) => reword(s.id, q));
      if (o.help) form = mapQuestions(form, (q) => withHelpLink(s.id, q));
      if (o.reorder) form = reorder(s.id, form);
      const text = render(form, { markup: o.markup, split: o.split, join: o.join });
      if (text === s.text || text === s.rendered) return;
      changed++;
      assert.deepEqual(differences(s.reading, read(text)), []);
    }),
    { seed: 20261207, numRuns: 300 },
  );
  assert.ok(changed >= 250, `only ${changed} of 300 compositions changed the text`);
});
