// The run of `safeharbor submit` (submit-command.ts defines the command): read, group, file,
// record, summarise.
import { createReadStream, existsSync, readFileSync, renameSync, statSync, writeFileSync, type ReadStream } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import cliProgress from 'cli-progress';
import type { SubmitFlags } from '../submit-command.ts';
import { LineSplitter, classifyLine, type RawLine } from './lines.ts';
import { ZoneGrouper, type Batch } from './grouping.ts';
import { idempotencyKey, noticeBody } from './notice-body.ts';
import { buildTemplate, type Template } from './template.ts';
import { emptyState, parseState, serializeState, stateMismatch, type SubmitState } from './state.ts';
import { retryDecision, type Outcome } from './retry.ts';
import { renderSummary, summarise, type LineCounts, type NoticeStatus, type SentBatch } from './summary.ts';

/** A POST of a notice processed inside the request (up to the server's inline limit) can take a while. */
const REQUEST_TIMEOUT_MS = 300_000;
const PROGRESS_LINE_EVERY_MS = 5_000;
const WAIT_POLL_MS = 1_000;
const FIELD_ERRORS_SHOWN = 20;

class StopReading extends Error {}

interface Answer {
  status: number;
  body: unknown;
}

type FieldErrors = { errors?: { field: string; message: string }[] };

function serverBase(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new Error(`--server "${raw}" is not a URL such as http://127.0.0.1:8080`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`--server "${raw}" must be an http:// or https:// URL`);
  return u.origin + u.pathname.replace(/\/+$/, '');
}

/** The server's API, every request retried as retry.ts decides; `say` reports each retry. */
class Api {
  constructor(
    readonly base: string,
    private readonly token: string,
    private readonly say: (line: string) => void,
  ) {}

  async request(method: 'GET' | 'POST', path: string, what: string, init: { body?: string; key?: string } = {}): Promise<Answer> {
    for (let attempt = 1; ; attempt++) {
      let outcome: Outcome;
      let answer: Answer | null = null;
      try {
        const res = await fetch(this.base + path, {
          method,
          headers: {
            authorization: `Bearer ${this.token}`,
            ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...(init.key ? { 'idempotency-key': init.key } : {}),
          },
          body: init.body,
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        const text = await res.text();
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          /* not JSON: kept as text for the message */
        }
        answer = { status: res.status, body };
        outcome = { status: res.status, retryAfter: res.headers.get('retry-after') };
      } catch (err) {
        const e = err as Error & { cause?: { code?: string; message?: string } };
        outcome = { networkError: e.cause?.code ?? e.cause?.message ?? e.message };
      }
      const d = retryDecision(attempt, outcome, Date.now());
      if (!d.retry) {
        if (answer) return answer;
        throw new Error(`${what}: could not reach ${this.base} (${(outcome as { networkError: string }).networkError}) after ${attempt} attempts`);
      }
      this.say(`${what}: ${d.why}; trying again in ${(d.delayMs / 1000).toFixed(1)} s (attempt ${attempt + 1})`);
      await sleep(d.delayMs);
    }
  }
}

function refusal(what: string, a: Answer, urls?: readonly string[]): string {
  const errs = (a.body as FieldErrors | null)?.errors;
  if (!Array.isArray(errs) || !errs.length)
    return `${what}: the server answered ${a.status}: ${String(typeof a.body === 'string' ? a.body : JSON.stringify(a.body)).slice(0, 500)}`;
  const lines = errs.slice(0, FIELD_ERRORS_SHOWN).map((e) => {
    const i = urls ? /^urls\[(\d+)\]$/.exec(e.field) : null;
    return `  ${e.field}${i && urls![Number(i[1])] !== undefined ? ` (${urls![Number(i[1])]})` : ''}: ${e.message}`;
  });
  if (errs.length > FIELD_ERRORS_SHOWN) lines.push(`  … and ${errs.length - FIELD_ERRORS_SHOWN} more`);
  return `${what} was refused by the server (${a.status}):\n${lines.join('\n')}`;
}

/** Progress on standard error: a bar on a terminal, otherwise a plain line now and then (logs, CI). */
class Progress {
  private readonly multi: cliProgress.MultiBar | null;
  private readonly bar: cliProgress.SingleBar | null;
  private lastLine = Date.now();
  constructor(private readonly totalBytes: number | null) {
    this.multi = process.stderr.isTTY
      ? new cliProgress.MultiBar(
          {
            format: 'submit {bar} {value}/{total} URLs acknowledged | {acked}/{notices} notices | {read}',
            stream: process.stderr,
            hideCursor: true,
            clearOnComplete: false,
          },
          cliProgress.Presets.shades_classic,
        )
      : null;
    this.bar = this.multi?.create(1, 0, { acked: 0, notices: 0, read: '' }) ?? null;
  }
  log(line: string): void {
    if (this.multi) this.multi.log(`${line}\n`);
    else process.stderr.write(`${line}\n`);
  }
  update(p: { ackedUrls: number; queuedUrls: number; acked: number; notices: number; bytesRead: number | null; linesRead: number }, force = false): void {
    const read =
      this.totalBytes && p.bytesRead !== null ? `file ${Math.min(100, Math.floor((100 * p.bytesRead) / this.totalBytes))}% read` : `${p.linesRead} lines read`;
    if (this.bar) {
      this.bar.setTotal(Math.max(p.queuedUrls, 1));
      this.bar.update(p.ackedUrls, { acked: p.acked, notices: p.notices, read });
      return;
    }
    const now = Date.now();
    if (!force && now - this.lastLine < PROGRESS_LINE_EVERY_MS) return;
    this.lastLine = now;
    process.stderr.write(`submit: ${p.acked} of ${p.notices} notices acknowledged (${p.ackedUrls} of ${p.queuedUrls} URLs); ${read}\n`);
  }
  stop(): void {
    this.multi?.stop();
  }
}

function loadTemplate(o: SubmitFlags): Template {
  let file: unknown;
  if (o.notice !== undefined) {
    if (!existsSync(o.notice)) throw new Error(`--notice: no such file: ${o.notice}`);
    try {
      file = JSON.parse(readFileSync(o.notice, 'utf8'));
    } catch (err) {
      throw new Error(`--notice ${o.notice} is not JSON: ${(err as Error).message}`);
    }
  }
  const r = buildTemplate(file, o);
  if (!r.ok) throw new Error(`the notice is incomplete; nothing was sent:\n${r.errors.map((e) => `  ${e.field}: ${e.message}`).join('\n')}`);
  return r.template;
}

function writeStateAtomically(file: string, s: SubmitState): void {
  // Same directory, then rename: an interruption leaves the old state or the new one, never half.
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  writeFileSync(tmp, serializeState(s));
  renameSync(tmp, file);
}

export async function submit(file: string, o: SubmitFlags): Promise<number> {
  const template = loadTemplate(o);
  const dryRun = o.dryRun === true;
  const fromStdin = file === '-';
  if (!fromStdin && (!existsSync(file) || !statSync(file).isFile())) throw new Error(`no such file: ${file}`);
  if (!dryRun && !o.server) throw new Error('--server is required (or --dry-run to send nothing)');
  if (!dryRun && !o.token) throw new Error('--token (or SAFEHARBOR_TOKEN) is required: a reporter API token');

  const progress = new Progress(fromStdin ? null : statSync(file).size);
  const api = dryRun ? null : new Api(serverBase(o.server!), o.token!, (l) => progress.log(l));
  let reporter: string | null = null;
  if (api) {
    const me = await api.request('GET', '/v1/me', 'checking the token');
    if (me.status !== 200) throw new Error(refusal(`the token (GET ${api.base}/v1/me)`, me));
    const role = (me.body as { role?: string }).role;
    if (role !== 'reporter' && role !== 'staff') throw new Error(`the token belongs to a ${role}; notices are filed with a reporter token`);
    reporter = (me.body as { id: string }).id;
  }

  const statePath = o.state ?? (fromStdin ? null : `${file}.submit-state.json`);
  let state: SubmitState | null = statePath && existsSync(statePath) ? parseState(readFileSync(statePath, 'utf8'), statePath) : null;
  if (state && api) {
    const why = stateMismatch(state, api.base, reporter!, statePath!);
    if (why) throw new Error(why);
  }
  if (!state && api) state = emptyState(api.base, reporter!, fromStdin ? '-' : resolve(file));

  const lines: LineCounts = { read: 0, urls: 0, skipped: 0, bad: 0, duplicates_folded: 0 };
  const badLines: { line: number; reason: string }[] = [];
  const batches: SentBatch[] = [];
  const inFlight = new Set<Promise<void>>();
  let fatal: string | null = null;
  let queuedUrls = 0;
  let ackedUrls = 0;
  let acked = 0;
  const input = fromStdin ? process.stdin : createReadStream(file);
  input.setEncoding('utf8');
  const bytesRead = () => (fromStdin ? null : (input as ReadStream).bytesRead);
  const tick = (force = false) =>
    progress.update({ ackedUrls, queuedUrls, acked, notices: batches.length, bytesRead: bytesRead(), linesRead: lines.read }, force);

  const send = async (entry: SentBatch, n: number, batch: Batch, body: Record<string, unknown>) => {
    const what = `notice ${n} (${batch.urls.length} URLs of ${batch.zones.length === 1 ? batch.zones[0]![0] : `${batch.zones.length} zones`})`;
    const a = await api!.request('POST', '/v1/notices', what, { body: JSON.stringify(body), key: entry.key });
    if (a.status !== 201 && a.status !== 200) throw new Error(refusal(what, a, batch.urls));
    entry.notice_id = (a.body as { id: string }).id;
    entry.outcome = a.status === 201 ? 'filed' : 'replayed';
    state!.acknowledged[entry.key] = { notice_id: entry.notice_id, urls: entry.urls, zones: entry.zones, acknowledged_at: new Date().toISOString() };
    if (statePath) writeStateAtomically(statePath, state!);
    acked++;
    ackedUrls += entry.urls;
    tick();
  };

  const dispatch = async (batch: Batch) => {
    if (fatal) throw new StopReading();
    const body = noticeBody(template, batch.urls);
    const entry: SentBatch = { key: idempotencyKey(body), notice_id: null, urls: batch.urls.length, zones: batch.zones.length, outcome: 'planned' };
    batches.push(entry);
    queuedUrls += entry.urls;
    const earlier = state?.acknowledged[entry.key];
    if (earlier) {
      entry.notice_id = earlier.notice_id;
      entry.outcome = 'skipped';
      acked++;
      ackedUrls += entry.urls;
      tick();
      return;
    }
    if (!api) return;
    while (inFlight.size >= o.concurrency) await Promise.race(inFlight);
    if (fatal) throw new StopReading();
    const p: Promise<void> = send(entry, batches.length, batch, body)
      .catch((err: Error) => {
        fatal ??= err.message;
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };

  const grouper = new ZoneGrouper({ maxPerNotice: o.maxUrlsPerNotice });
  const take = (raw: RawLine): Batch[] => {
    lines.read++;
    const c = classifyLine(raw);
    if (c.type === 'skip') lines.skipped++;
    else if (c.type === 'bad') {
      lines.bad++;
      if (badLines.length < 100) badLines.push({ line: c.line, reason: c.reason });
      progress.log(`${fromStdin ? '(stdin)' : file}:${c.line}: ${c.reason}`);
    } else {
      lines.urls++;
      return grouper.add(c.submitted, c.url, c.host);
    }
    return [];
  };

  const splitter = new LineSplitter();
  try {
    for await (const chunk of input as AsyncIterable<string>) {
      for (const raw of splitter.push(chunk)) for (const b of take(raw)) await dispatch(b);
      tick();
    }
    for (const raw of splitter.end()) for (const b of take(raw)) await dispatch(b);
    lines.duplicates_folded = grouper.duplicatesFolded;
    for (const b of grouper.finish()) await dispatch(b);
  } catch (err) {
    if (!(err instanceof StopReading)) fatal ??= `reading ${file}: ${(err as Error).message}`;
    input.destroy();
  }
  await Promise.all(inFlight);
  lines.duplicates_folded = grouper.duplicatesFolded;
  tick(true);

  const statuses = new Map<string, NoticeStatus>();
  if (api && !fatal) {
    try {
      await fetchStatuses(api, batches, statuses, o.wait === true, o.concurrency, (l) => progress.log(l));
    } catch (err) {
      fatal = (err as Error).message;
    }
  }
  progress.stop();
  const summary = summarise({ input: fromStdin ? '-' : file, dryRun, lines, badLines, batches, statuses, error: fatal });
  if (o.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else process.stdout.write(`${renderSummary(summary)}\n`);
  if (fatal) process.stderr.write(`safeharbor: ${fatal}\n`);
  return fatal || lines.bad ? 1 : 0;
}

async function noticeStatus(api: Api, id: string): Promise<NoticeStatus> {
  const a = await api.request('GET', `/v1/notices/${id}?items_limit=1`, `status of notice ${id}`);
  if (a.status !== 200) throw new Error(refusal(`status of notice ${id}`, a));
  const b = a.body as { status: string; counts: Record<string, number> };
  return { status: b.status, counts: b.counts };
}

/**
 * Every acknowledged notice's status and counts. Waiting, it asks about one notice at a time, the
 * oldest still unprocessed — the server's workers take notices oldest first — so a long wait costs
 * about one request a second, well inside the rate limit.
 */
async function fetchStatuses(
  api: Api,
  batches: SentBatch[],
  out: Map<string, NoticeStatus>,
  wait: boolean,
  concurrency: number,
  say: (line: string) => void,
): Promise<void> {
  const ids = [...new Set(batches.map((b) => b.notice_id).filter((id): id is string => id !== null))];
  if (!wait) {
    for (let i = 0; i < ids.length; i += concurrency) {
      const page = ids.slice(i, i + concurrency);
      const got = await Promise.all(page.map((id) => noticeStatus(api, id)));
      page.forEach((id, j) => out.set(id, got[j]!));
    }
    return;
  }
  // Each status of an unprocessed notice is counted over its items, work taken from the very
  // processing being waited for: so one question at a time, and none about notices not yet reached.
  let lastSaid = 0;
  for (let i = 0; i < ids.length;) {
    const st = await noticeStatus(api, ids[i]!);
    out.set(ids[i]!, st);
    if (st.status === 'processed') {
      i++;
      continue;
    }
    if (Date.now() - lastSaid >= PROGRESS_LINE_EVERY_MS) {
      lastSaid = Date.now();
      say(`submit: waiting for ${ids.length - i} of ${ids.length} notices to be processed`);
    }
    await sleep(WAIT_POLL_MS);
  }
}
