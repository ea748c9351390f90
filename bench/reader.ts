// The notice reader's throughput: notices read per second on one core (the reader is synchronous
// and pure, so one process is one core), over the GitHub DMCA corpus held in memory.
// Run directly: node --import tsx bench/reader.ts [--corpus DIR]   (prints one JSON object per line)
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { readNotice } from '../src/reader/index.ts';

export interface ReaderBenchOptions {
  /** The corpus folder (with notices/); default ../shared/corpus/github-dmca next to the checkout. */
  corpus?: string;
  /** Timed passes over the corpus after one warm-up pass (default 3; the best is reported). */
  passes?: number;
}

const DEFAULT_CORPUS = resolve(import.meta.dirname, '../../shared/corpus/github-dmca');

export async function benchReader(options: ReaderBenchOptions = {}): Promise<Record<string, number | string>[]> {
  const corpus = options.corpus ?? DEFAULT_CORPUS;
  const dir = join(corpus, 'notices');
  if (!existsSync(dir)) return [{ bench: 'reader.notices', skipped: `no corpus at ${dir}` }];
  const docs = readdirSync(dir)
    .filter((f) => /\.(?:md|txt|eml|xml)$/.test(f))
    .sort()
    .map((name) => ({ name, content: readFileSync(join(dir, name)) }));
  const bytes = docs.reduce((a, d) => a + d.content.length, 0);
  const passes = Math.max(1, options.passes ?? 3);
  let sink = 0;
  for (const d of docs) sink += readNotice(d).infringing_urls.length; // warm-up
  let best = Infinity;
  let bestCpu = Infinity;
  const times: number[] = [];
  for (let p = 0; p < passes; p++) {
    const t0 = performance.now();
    // CPU time as well as wall time: on a shared machine the wall clock counts other processes' turns.
    const c0 = process.cpuUsage();
    for (const d of docs) sink += readNotice(d).infringing_urls.length;
    const cpu = process.cpuUsage(c0);
    const ms = performance.now() - t0;
    times.push(ms);
    best = Math.min(best, ms);
    bestCpu = Math.min(bestCpu, (cpu.user + cpu.system) / 1000);
  }
  // Per-notice latency, one more pass.
  const lat: number[] = [];
  for (const d of docs) {
    const t0 = performance.now();
    sink += readNotice(d).infringing_urls.length;
    lat.push(performance.now() - t0);
  }
  lat.sort((a, b) => a - b);
  if (sink < 0) throw new Error('unreachable'); // keeps the results alive
  const q = (x: number) => lat[Math.min(lat.length - 1, Math.floor(x * lat.length))]!;
  const round = (x: number, d = 0) => Math.round(x * 10 ** d) / 10 ** d;
  return [
    {
      bench: 'reader.notices',
      notices: docs.length,
      megabytes: round(bytes / 1e6, 1),
      passes,
      notices_per_s: round((docs.length / best) * 1000),
      notices_per_s_median: round((docs.length / times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!) * 1000),
      notices_per_cpu_s: round((docs.length / bestCpu) * 1000),
      mb_per_s: round(bytes / 1e6 / (best / 1000), 1),
      p50_ms: round(q(0.5), 3),
      p99_ms: round(q(0.99), 3),
      max_ms: round(lat[lat.length - 1]!, 1),
    },
  ];
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const i = process.argv.indexOf('--corpus');
  for (const row of await benchReader({ corpus: i >= 0 ? process.argv[i + 1] : undefined })) console.log(JSON.stringify(row));
}
