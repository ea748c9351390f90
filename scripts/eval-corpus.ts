// `npm run eval:corpus`: the notice reader against the GitHub DMCA corpus (../shared/corpus/github-dmca).
//
// Kinds come from labels.csv; infringing and original URLs from gold.jsonl (form-based takedowns).
// The corpus is split by a hash of each notice's id into a development part (70%) and a held-out
// part (30%): rules are tuned looking only at development errors; the held-out figures say how
// well they carry over. Prints a JSON line per split, then a readable table.
//
//   node --import tsx scripts/eval-corpus.ts [--corpus DIR] [--errors N] [--split dev|heldout|all]
//
// --errors N prints up to N misread notices of the development split (never of the held-out one).
import { createHash } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readNotice } from '../src/reader/index.ts';
import { urlKey } from '../src/reader/urls.ts';

// gold.jsonl's extractor ended URLs at the first '(' ("…Cookbook%20(2015).pdf" is stored as
// "…Cookbook%20"), so both sides are compared up to their first '(' and without a trailing '!'.
const goldKey = (u: string) => urlKey(u.replace(/\(.*$/, '').replace(/!+$/, ''));
import type { ReadResult } from '../src/reader/types.ts';

const args = process.argv.slice(2);
const opt = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const corpus = resolve(opt('--corpus') ?? join(import.meta.dirname, '../../shared/corpus/github-dmca'));
const showErrors = Number(opt('--errors') ?? 0);
const only = opt('--split') ?? 'all';
if (!existsSync(join(corpus, 'labels.csv'))) {
  console.error(`no corpus at ${corpus} (labels.csv missing); pass --corpus DIR`);
  process.exit(2);
}

export type Split = 'dev' | 'heldout';
/** 30% of notices, chosen by a hash of their id, are held out. */
export function splitOf(id: string): Split {
  return createHash('sha256').update(`safeharbor-reader:${id}`).digest()[0]! % 10 < 3 ? 'heldout' : 'dev';
}

interface Label {
  id: string;
  kind: string;
}
const labels: Label[] = readFileSync(join(corpus, 'labels.csv'), 'utf8')
  .split('\n')
  .slice(1)
  .filter((l) => l.trim())
  .map((l) => {
    const [id, kind] = l.split(',');
    return { id: id!, kind: kind! };
  });
const gold = new Map<string, { infringing_urls: string[]; original_urls: string[] }>();
for (const line of readFileSync(join(corpus, 'gold.jsonl'), 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const g = JSON.parse(line) as { id: string; infringing_urls: string[]; original_urls: string[] };
  gold.set(g.id, g);
}

interface Tally {
  n: number;
  correct: number;
  confusion: Map<string, Map<string, number>>;
  url: { tp: number; fp: number; fn: number; notices: number };
  originalAsInfringing: number;
  originalKeptApart: number;
  errors: { id: string; gold: string; got: string }[];
  urlErrors: { id: string; fp: string[]; fn: string[]; origInf: string[] }[];
}
const newTally = (): Tally => ({
  n: 0,
  correct: 0,
  confusion: new Map(),
  url: { tp: 0, fp: 0, fn: 0, notices: 0 },
  originalAsInfringing: 0,
  originalKeptApart: 0,
  errors: [],
  urlErrors: [],
});
const tallies: Record<Split | 'all', Tally> = { dev: newTally(), heldout: newTally(), all: newTally() };

const started = process.hrtime.bigint();
for (const l of labels) {
  const split = splitOf(l.id);
  if (only !== 'all' && only !== split) continue;
  const name = `${l.id}.md`;
  const content = readFileSync(join(corpus, 'notices', name));
  const r: ReadResult = readNotice({ name, content });
  for (const t of [tallies[split], tallies.all]) {
    t.n++;
    if (r.kind === l.kind) t.correct++;
    else if (t !== tallies.all) t.errors.push({ id: l.id, gold: l.kind, got: r.kind });
    const row = t.confusion.get(l.kind) ?? new Map<string, number>();
    row.set(r.kind, (row.get(r.kind) ?? 0) + 1);
    t.confusion.set(l.kind, row);
    const g = gold.get(l.id);
    if (g) {
      const gi = new Set(g.infringing_urls.map(goldKey));
      const apart = new Set(g.original_urls.map(goldKey).filter((u) => !gi.has(u)));
      const pi = new Set(r.infringing_urls.map(goldKey));
      const fp = [...pi].filter((u) => !gi.has(u));
      const fn = [...gi].filter((u) => !pi.has(u));
      const origInf = [...apart].filter((u) => pi.has(u));
      t.url.tp += pi.size - fp.length;
      t.url.fp += fp.length;
      t.url.fn += fn.length;
      t.url.notices++;
      t.originalKeptApart += apart.size;
      t.originalAsInfringing += origInf.length;
      if ((fp.length || fn.length || origInf.length) && t !== tallies.all) t.urlErrors.push({ id: l.id, fp, fn, origInf });
    }
  }
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;

const r3 = (x: number) => Math.round(x * 1000) / 1000;
const f1 = (p: number, r: number) => (p + r ? (2 * p * r) / (p + r) : 0);

function summary(name: string, t: Tally) {
  const kinds = [...new Set([...t.confusion.keys()])].sort();
  const perKind: Record<string, { support: number; precision: number; recall: number; f1: number }> = {};
  for (const k of kinds) {
    const support = [...(t.confusion.get(k)?.values() ?? [])].reduce((a, b) => a + b, 0);
    const tp = t.confusion.get(k)?.get(k) ?? 0;
    let predicted = 0;
    for (const row of t.confusion.values()) predicted += row.get(k) ?? 0;
    const p = predicted ? tp / predicted : 0;
    const r = support ? tp / support : 0;
    perKind[k] = { support, precision: r3(p), recall: r3(r), f1: r3(f1(p, r)) };
  }
  const macro = kinds.length ? kinds.reduce((a, k) => a + perKind[k]!.f1, 0) / kinds.length : 0;
  const up = t.url.tp + t.url.fp ? t.url.tp / (t.url.tp + t.url.fp) : 0;
  const ur = t.url.tp + t.url.fn ? t.url.tp / (t.url.tp + t.url.fn) : 0;
  const predictedKinds: Record<string, number> = {};
  for (const row of t.confusion.values()) for (const [k, v] of row) predictedKinds[k] = (predictedKinds[k] ?? 0) + v;
  return {
    split: name,
    notices: t.n,
    kind_accuracy: r3(t.n ? t.correct / t.n : 0),
    macro_f1: r3(macro),
    per_kind: perKind,
    predicted_kinds: predictedKinds,
    infringing_urls: { notices: t.url.notices, precision: r3(up), recall: r3(ur), f1: r3(f1(up, ur)), tp: t.url.tp, fp: t.url.fp, fn: t.url.fn },
    original_urls_kept_apart: t.originalKeptApart,
    original_urls_as_infringing: t.originalAsInfringing,
  };
}

const rows = (only === 'all' ? (['dev', 'heldout', 'all'] as const) : ([only as Split] as const)).map((s) => summary(s, tallies[s]));
for (const row of rows) console.log(JSON.stringify(row));
console.log('');
console.log('split     notices  kind-acc  macro-F1  url-P   url-R   url-F1  orig-as-infringing');
for (const row of rows) {
  console.log(
    `${row.split.padEnd(9)} ${String(row.notices).padStart(7)}  ${row.kind_accuracy.toFixed(3).padStart(8)}  ${row.macro_f1.toFixed(3).padStart(8)}  ${row.infringing_urls.precision.toFixed(3)}   ${row.infringing_urls.recall.toFixed(3)}   ${row.infringing_urls.f1.toFixed(3)}   ${row.original_urls_as_infringing} of ${row.original_urls_kept_apart}`,
  );
}
for (const row of rows) {
  console.log(`\n${row.split}: per kind (support, precision, recall, F1)`);
  for (const [k, v] of Object.entries(row.per_kind))
    console.log(`  ${k.padEnd(26)} ${String(v.support).padStart(5)}  P ${v.precision.toFixed(3)}  R ${v.recall.toFixed(3)}  F1 ${v.f1.toFixed(3)}`);
}
console.log(`\n${labels.length} notices read in ${seconds.toFixed(2)} s`);

if (showErrors > 0) {
  const dev = tallies.dev;
  console.log(`\ndevelopment split: kind errors (${dev.errors.length})`);
  for (const e of dev.errors.slice(0, showErrors)) console.log(`  ${e.id}  gold ${e.gold}  read ${e.got}`);
  console.log(`\ndevelopment split: URL errors (${dev.urlErrors.length} notices)`);
  for (const e of dev.urlErrors.slice(0, showErrors))
    console.log(
      `  ${e.id}  fp ${JSON.stringify(e.fp.slice(0, 3))}  fn ${JSON.stringify(e.fn.slice(0, 3))}  orig-as-inf ${JSON.stringify(e.origInf.slice(0, 3))}`,
    );
}
