// `npm run eval:corpus`: the notice reader against the GitHub DMCA corpus (../shared/corpus/github-dmca).
//
// Kinds come from labels.csv; infringing and original URLs from gold.jsonl (form-based takedowns).
// The corpus is split by time: the reader is tuned on 2017–2018 (dev) and reported on 2019 (test),
// a year in which GitHub changed its web form's questions and markup, so the test figures say how
// the reader does on form versions it was not written against. Every split is also broken down by
// form version (src/reader/form-version.ts). Prints a JSON line per split and per split × form
// version, then readable tables.
//
//   node --import tsx scripts/eval-corpus.ts [--corpus DIR] [--split dev|test|all] [--errors N] [--by hash]
//
// --errors N prints up to N misread notices of the dev split; it is refused with --split test, and
// never prints test notices: looking at them would be tuning on them.
// --by hash splits by a hash of each notice's id instead (70% dev, 30% "test"), the older split.
import { createHash } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readNotice } from '../src/reader/index.ts';
import { formVersion, FORM_VERSIONS, type FormVersion } from '../src/reader/form-version.ts';
import { urlKey } from '../src/reader/urls.ts';
import type { ReadResult } from '../src/reader/types.ts';

// gold.jsonl's extractor ended URLs at the first '(' ("…Cookbook%20(2015).pdf" is stored as
// "…Cookbook%20"), so both sides are compared up to their first '(' and without a trailing '!'.
const goldKey = (u: string) => urlKey(u.replace(/\(.*$/, '').replace(/!+$/, ''));

// labels.csv has no "reversal": GitHub's own reversal of a notice it processed is labelled a
// retraction (2017-02-20-Parvist-reversal.md), so the reader's finer kinds are compared as such.
const AS_LABELLED: Record<string, string> = { reversal: 'retraction', counter_notice_reversal: 'counter_notice_retraction' };

const args = process.argv.slice(2);
const opt = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const corpus = resolve(opt('--corpus') ?? join(import.meta.dirname, '../../shared/corpus/github-dmca'));
const showErrors = Number(opt('--errors') ?? 0);
const only = opt('--split') ?? 'all';
const by = opt('--by') ?? 'time';
if (!['dev', 'test', 'all'].includes(only) || !['time', 'hash'].includes(by)) {
  console.error('usage: eval-corpus.ts [--corpus DIR] [--split dev|test|all] [--errors N] [--by time|hash]');
  process.exit(2);
}
if (showErrors > 0 && only === 'test') {
  console.error('--errors is refused on the test split: its notices are for reporting only, never for tuning');
  process.exit(2);
}
if (!existsSync(join(corpus, 'labels.csv'))) {
  console.error(`no corpus at ${corpus} (labels.csv missing); pass --corpus DIR`);
  process.exit(2);
}

export type Split = 'dev' | 'test';
/** By time: 2019 is the test year. By hash: 30% of notices, chosen by a hash of their id. */
export function splitOf(id: string, year: number): Split {
  if (by === 'hash') return createHash('sha256').update(`safeharbor-reader:${id}`).digest()[0]! % 10 < 3 ? 'test' : 'dev';
  return year >= 2019 ? 'test' : 'dev';
}

interface Label {
  id: string;
  kind: string;
  year: number;
}
const labels: Label[] = readFileSync(join(corpus, 'labels.csv'), 'utf8')
  .split('\n')
  .slice(1)
  .filter((l) => l.trim())
  .map((l) => {
    const [id, kind, , source] = l.split(',');
    return { id: id!, kind: kind!, year: Number(/:(\d{4})\//.exec(source ?? '')?.[1] ?? 0) };
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
const splits = only === 'all' ? (['dev', 'test'] as const) : ([only as Split] as const);
const tallies = new Map<string, Tally>();
const tally = (key: string) => {
  let t = tallies.get(key);
  if (!t) tallies.set(key, (t = newTally()));
  return t;
};

let readSeconds = 0;
let readCpuSeconds = 0;
for (const l of labels) {
  const split = splitOf(l.id, l.year);
  if (only !== 'all' && only !== split) continue;
  const name = `${l.id}.md`;
  const content = readFileSync(join(corpus, 'notices', name));
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const r: ReadResult = readNotice({ name, content });
  const cpu = process.cpuUsage(c0);
  readCpuSeconds += (cpu.user + cpu.system) / 1e6;
  readSeconds += Number(process.hrtime.bigint() - t0) / 1e9;
  const version = formVersion(content.toString('utf8'));
  const got = AS_LABELLED[r.kind] ?? r.kind;
  for (const t of [tally(split), tally(`${split}/${version}`)]) {
    t.n++;
    if (got === l.kind) t.correct++;
    else t.errors.push({ id: l.id, gold: l.kind, got });
    const row = t.confusion.get(l.kind) ?? new Map<string, number>();
    row.set(got, (row.get(got) ?? 0) + 1);
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
      if (fp.length || fn.length || origInf.length) t.urlErrors.push({ id: l.id, fp, fn, origInf });
    }
  }
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;
const f1 = (p: number, r: number) => (p + r ? (2 * p * r) / (p + r) : 0);

function summary(split: string, version: FormVersion | null, t: Tally) {
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
    split,
    by,
    form_version: version ?? 'all',
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

const rows = splits.flatMap((s) => [
  summary(s, null, tally(s)),
  ...FORM_VERSIONS.filter((v) => tallies.has(`${s}/${v}`)).map((v) => summary(s, v, tallies.get(`${s}/${v}`)!)),
]);
for (const row of rows) console.log(JSON.stringify(row));
console.log('');
console.log(
  `split by ${by}: dev = ${by === 'time' ? '2017–2018' : '70% by id hash'} (tuning), test = ${by === 'time' ? '2019' : '30% by id hash'} (report only)`,
);
console.log('split  form version                notices  kind-acc  macro-F1  url-notices  url-P   url-R   url-F1  orig-as-infringing');
for (const row of rows) {
  const ui = row.infringing_urls;
  console.log(
    `${(row.form_version === 'all' ? row.split : '').padEnd(6)} ${(row.form_version === 'all' ? '(all)' : row.form_version).padEnd(26)} ${String(row.notices).padStart(7)}  ${row.kind_accuracy.toFixed(3).padStart(8)}  ${row.macro_f1.toFixed(3).padStart(8)}  ${String(ui.notices).padStart(11)}  ${ui.notices ? `${ui.precision.toFixed(3)}   ${ui.recall.toFixed(3)}   ${ui.f1.toFixed(3)}` : '  -       -       -  '}   ${row.original_urls_as_infringing} of ${row.original_urls_kept_apart}`,
  );
}
for (const row of rows.filter((r) => r.form_version === 'all')) {
  console.log(`\n${row.split}: per kind (support, precision, recall, F1)`);
  for (const [k, v] of Object.entries(row.per_kind))
    console.log(`  ${k.padEnd(26)} ${String(v.support).padStart(5)}  P ${v.precision.toFixed(3)}  R ${v.recall.toFixed(3)}  F1 ${v.f1.toFixed(3)}`);
}
const read = [...splits].reduce((a, s) => a + tally(s).n, 0);
console.log(
  `\n${read} notices read in ${readSeconds.toFixed(2)} s wall, ${readCpuSeconds.toFixed(2)} s CPU (${Math.round(read / readCpuSeconds)} notices per CPU second; files already loaded)`,
);

if (showErrors > 0 && splits.includes('dev' as never)) {
  const dev = tally('dev');
  console.log(`\ndev split: kind errors (${dev.errors.length})`);
  for (const e of dev.errors.slice(0, showErrors)) console.log(`  ${e.id}  gold ${e.gold}  read ${e.got}`);
  console.log(`\ndev split: URL errors (${dev.urlErrors.length} notices)`);
  for (const e of dev.urlErrors.slice(0, showErrors))
    console.log(
      `  ${e.id}  fp ${JSON.stringify(e.fp.slice(0, 3))}  fn ${JSON.stringify(e.fn.slice(0, 3))}  orig-as-inf ${JSON.stringify(e.origInf.slice(0, 3))}`,
    );
}
