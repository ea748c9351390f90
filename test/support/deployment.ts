// A production-shaped deployment for tests: `serve --no-worker` API processes and `worker`
// processes as real child processes on one PostgreSQL database, and what the tests check
// about it afterwards — from the database itself and from what a real SMTP server received.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { openStore, type Store } from '../../src/storage/store.ts';
import { spawnSafeharbor, type SafeharborProcess } from './processes.ts';
import { dmcaNotice } from './server.ts';
import type { ReceivedMail } from './smtp.ts';

export const ZONES_CSV =
  'account_id,account_name,account_email,zone,mode,origin\n' +
  [1, 2, 3, 4].map((i) => `acct-${i},Site ${i},owner${i}@site${i}.test,site${i}.example,proxied,203.0.113.${i}`).join('\n') +
  '\n';
export const NETWORKS_CSV = 'cidr,asn,name,abuse_email\n203.0.113.0/24,64500,Example Hosting,abuse@hosting.test\n';

/** The URLs of a notice: spread over the four zones, so each notice has four owners to tell. */
export function noticeUrls(tag: string, n: number): string[] {
  return Array.from({ length: n }, (_, j) => `https://site${(j % 4) + 1}.example/${tag}/${j}`);
}

export function deploymentEnv(databaseUrl: string, adminToken: string, over: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    SAFEHARBOR_ADMIN_TOKEN: adminToken,
    SAFEHARBOR_DNS: 'off',
    SAFEHARBOR_PUBLIC_URL: 'https://safeharbor.test',
    SAFEHARBOR_RATE_LIMIT_PER_MINUTE: '100000',
    ...over,
  };
}

/** `port` 0 is any free one; a fixed port lets a test restart the API where its clients expect it. */
export function startApi(name: string, env: Record<string, string>, port = 0): SafeharborProcess {
  return spawnSafeharbor(name, ['serve', '--no-worker', '--port', String(port), '--no-smtp'], env);
}

/** A TCP port nobody listens on now (for a process that must come back on the same port). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export function startWorkerProcess(name: string, env: Record<string, string>): SafeharborProcess {
  return spawnSafeharbor(name, ['worker', '--no-read-mail'], env);
}

export async function apiUrl(p: SafeharborProcess): Promise<string> {
  return (await p.waitFor(/listening on (http:\/\/\S+)/))[1]!;
}

export async function workerReady(p: SafeharborProcess): Promise<void> {
  await p.waitFor(/Safeharbor worker \(postgres store: .*\) running/);
}

export async function call(url: string, token: string, path: string, body?: unknown, csv?: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url + path, {
    method: body !== undefined || csv !== undefined ? 'POST' : 'GET',
    headers: {
      authorization: `Bearer ${token}`,
      ...(csv !== undefined ? { 'content-type': 'text/csv' } : body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: csv ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    return { status: res.status, body: text };
  }
}

/** Zones, the hosting provider's abuse contact, and a reporter; returns the reporter's token. */
export async function loadWorld(url: string, adminToken: string): Promise<string> {
  const z = await call(url, adminToken, '/v1/zones/import', undefined, ZONES_CSV);
  assert.equal(z.status, 200, JSON.stringify(z.body));
  const n = await call(url, adminToken, '/v1/networks/import', undefined, NETWORKS_CSV);
  assert.equal(n.status, 200, JSON.stringify(n.body));
  const r = await call(url, adminToken, '/v1/principals', { email: `reporter-${Date.now()}@rights.test` });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.token as string;
}

export async function fileNotice(url: string, token: string, urls: string[]): Promise<string> {
  const r = await call(url, token, '/v1/notices', dmcaNotice(urls));
  assert.equal(r.status, 201, JSON.stringify(r.body).slice(0, 500));
  return r.body.id as string;
}

export function openDb(databaseUrl: string): Promise<Store> {
  return openStore({ databaseUrl, migrate: false });
}

export async function waitFor<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 90_000, everyMs = 100): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(v).slice(0, 800)}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** How far the given notices are: their status, items resolved, and the outbox's state for them. */
export async function progress(store: Store, ids: string[]) {
  const notices = await store.db.selectFrom('notices').select(['id', 'status', 'item_count', 'items_resolved', 'lease_until']).where('id', 'in', ids).execute();
  const outbox = await store.db.selectFrom('outbox').select(['id', 'status', 'attempts', 'last_error']).where('notice_id', 'in', ids).execute();
  return {
    notices,
    processed: notices.filter((n) => n.status === 'processed').length,
    messages: outbox.length,
    sent: outbox.filter((m) => m.status === 'sent').length,
    outbox,
  };
}

/**
 * Every notice processed exactly once: every item resolved, one item.resolved event per item,
 * the notice's status moved received → processing → processed once each, every message queued
 * once and sent once, and the SMTP server got each message (recipient, subject naming the
 * notice) exactly once.
 */
export async function assertProcessedOnce(store: Store, ids: string[], mails: ReceivedMail[]): Promise<void> {
  const left = await store.db.selectFrom('notice_items').select(['notice_id', 'state']).where('notice_id', 'in', ids).where('state', '=', 'received').execute();
  assert.equal(left.length, 0, 'no item is left unresolved');
  const notices = await store.db.selectFrom('notices').select(['id', 'status', 'item_count', 'items_resolved']).where('id', 'in', ids).execute();
  assert.equal(notices.length, ids.length);
  for (const n of notices) assert.equal(n.status, 'processed', `notice ${n.id}`);
  const events = await store.db
    .selectFrom('events')
    .select(['type', 'subject_type', 'subject_id', 'notice_id', 'after'])
    .where('notice_id', 'in', ids)
    .execute();
  const counted = (type: string) => {
    const m = new Map<string, number>();
    for (const e of events) if (e.type === type) m.set(e.subject_id, (m.get(e.subject_id) ?? 0) + 1);
    return m;
  };
  const resolved = counted('item.resolved');
  const items = await store.db.selectFrom('notice_items').select(['id', 'notice_id']).where('notice_id', 'in', ids).execute();
  assert.equal(resolved.size, items.length, 'an item.resolved event for every item');
  assert.deepEqual(
    [...resolved].filter(([, c]) => c !== 1),
    [],
    'no item resolved twice',
  );
  for (const n of notices) {
    const changes = events
      .filter((e) => e.notice_id === n.id && e.type === 'notice.status_changed')
      .map((e) => (e.after as { status: string }).status)
      .sort();
    assert.deepEqual(changes, ['processed', 'processing'], `notice ${n.id}: processed once`);
  }
  const outbox = await store.db.selectFrom('outbox').select(['id', 'status', 'to_address', 'subject', 'notice_id']).where('notice_id', 'in', ids).execute();
  assert.ok(
    outbox.every((m) => m.status === 'sent'),
    'every message sent',
  );
  for (const type of ['message.queued', 'message.sent']) {
    const byMessage = counted(type);
    assert.equal(byMessage.size, outbox.length, `a ${type} event for every message`);
    assert.deepEqual(
      [...byMessage].filter(([, c]) => c !== 1),
      [],
      `no message ${type} twice`,
    );
  }
  assert.equal(events.filter((e) => e.type === 'message.failed' || e.type === 'message.send_failed').length, 0, 'no send counted as failed');
  // What the mail server received, per recipient and notice (every subject names its notice).
  const wanted = outbox.map((m) => `${m.to_address} ${m.subject}`).sort();
  const mine = mails.filter((m) => ids.some((id) => m.parsed.subject?.includes(id)));
  const got = mine.map((m) => `${m.envelopeTo.join(',')} ${m.parsed.subject}`).sort();
  assert.deepEqual(got, wanted, 'each message delivered exactly once');
}

/**
 * The mail server received each recipient's messages about these notices in the order they were
 * queued (outbox id): a message held back by an outage does not overtake, or fall behind, another.
 */
export async function assertDeliveredInOrder(store: Store, ids: string[], mails: ReceivedMail[]): Promise<void> {
  const outbox = await store.db.selectFrom('outbox').select(['id', 'to_address', 'subject']).where('notice_id', 'in', ids).orderBy('id').execute();
  const queuedAs = new Map(outbox.map((m) => [`${m.to_address} ${m.subject}`, Number(m.id)]));
  const received = new Map<string, number[]>();
  for (const m of mails) {
    const id = queuedAs.get(`${m.envelopeTo.join(',')} ${m.parsed.subject}`);
    if (id === undefined) continue;
    const to = m.envelopeTo.join(',');
    received.set(to, [...(received.get(to) ?? []), id]);
  }
  assert.equal([...received.values()].flat().length, outbox.length, 'every message received');
  for (const [to, got] of received) {
    assert.deepEqual(
      got,
      [...got].sort((a, b) => a - b),
      `${to} received its messages in the order they were queued`,
    );
  }
  assert.ok(
    [...received.values()].some((got) => got.length > 1),
    'some recipient had several messages to keep in order',
  );
}
