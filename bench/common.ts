// Shared by the bench sections: output (figures on stdout as JSON lines, progress on stderr),
// timing, sizes (--quick), and small statistics.
import { performance } from 'node:perf_hooks';

export type Row = Record<string, unknown>;

export const quick = process.argv.includes('--quick');

/** Full size, or a tenth of it with --quick (never below `min`). */
export function size(full: number, min = 1000): number {
  return quick ? Math.max(min, Math.round(full / 10)) : full;
}

/** One JSON object on one line of stdout. */
export function emit(row: Row): void {
  process.stdout.write(`${JSON.stringify(row)}\n`);
}

/**
 * One figure: `{"name","value","unit", ...context}`. The name is the same with --quick (the
 * context says the sizes actually used), so one reader of the output serves both runs.
 */
export function figure(name: string, value: number | null, unit: string, context: Row = {}): void {
  emit({ name, value, unit, ...context });
}

/** `a / b` rounded, for the ratios that set a figure beside its limit; null when either is missing. */
export function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a == null || b == null || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return null;
  return round(a / b, 3);
}

const started = performance.now();

/** Progress and diagnostics: stderr, with the time since the start. */
export function note(msg: string): void {
  process.stderr.write(`# [${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${msg}\n`);
}

export function round(x: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export function perSecond(count: number, seconds: number): number {
  return Math.round(count / Math.max(seconds, 1e-9));
}

export async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const r = await f();
  return [r, (performance.now() - t) / 1000];
}

export function seconds(since: number): number {
  return (performance.now() - since) / 1000;
}

/** Nearest-rank percentile of an ascending-sorted list. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** A full collection between sections, so one section's garbage is not billed to the next. */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
}

export function mb(bytes: number): number {
  return round(bytes / 1024 / 1024, 1);
}
