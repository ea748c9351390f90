// The private status page (/status/<key>, src/web/routes.tsx) of a large notice: time for a
// GET of its first page, measured over HTTP on loopback after a warm-up, sequentially (one
// request at a time, from a client in a worker thread, so the figure is the server's time for
// one page plus loopback overhead, not the client's parsing).
import { figure, note, percentile, round } from './common.ts';
import type { BenchServer } from './api.ts';
import { timeGets } from './http-timer.ts';

const WARMUP = 5;
const SAMPLES = 50;
const TARGET_MS = 200;

export async function benchStatusPage(bs: BenchServer, label: string, noticeId: string, noticeUrls: number): Promise<{ slow: string[] }> {
  const key = bs.server.context.links.key(noticeId);
  const base = `${bs.url}/status/${key}`;
  const slow: string[] = [];
  const variants: Array<[string, string, string]> = [
    ['first page (default 1,000 rows)', '', 'status_page_p95_ms'],
    ['first page, state=forwarded', '?state=forwarded', 'status_page_forwarded_p95_ms'],
    ['first page, state=pending_review', '?state=pending_review', 'status_page_pending_review_p95_ms'],
    ['first page, 100 rows', '?per_page=100', 'status_page_100_rows_p95_ms'],
  ];
  for (const [page, query, name] of variants) {
    note(`${label}: status page, ${page}…`);
    const { times, bytes, body } = await timeGets(base + query, WARMUP, SAMPLES);
    if (!body.includes(noticeId)) throw new Error(`status page ${query || '(first page)'} does not show the notice: ${body.slice(0, 300)}`);
    times.sort((a, b) => a - b);
    const median = percentile(times, 50);
    const p95 = percentile(times, 95);
    if (p95 > TARGET_MS) slow.push(`${page}: p95 ${round(p95, 1)} ms`);
    figure(name, round(p95, 1), 'ms', {
      goal: `<= ${TARGET_MS}`,
      store: label,
      notice_urls: noticeUrls,
      page,
      query,
      samples: SAMPLES,
      median_ms: round(median, 1),
      min_ms: round(times[0]!, 1),
      max_ms: round(times[times.length - 1]!, 1),
      html_kb: round(bytes / 1024, 1),
      within_goal: p95 <= TARGET_MS,
      note: 'sequential GETs on loopback (keep-alive, client in a worker thread) after 5 warm-up requests; time to the last byte',
    });
  }
  return { slow };
}
