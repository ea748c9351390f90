// A local stand-in for the DSA Transparency Database's submission API, holding to its documented
// contract: a Bearer token (401 without the right one); POST /api/v1/statements with
// {"statements": [1..100]} (422 otherwise); each statement checked against
// src/dsa/statement-schema.json (422 {message, errors: {"statements.<i>.<field>": [...]}}); a puid
// it has already, or twice in one batch, is a 422 too; a batch is stored whole or not at all (201);
// GET /api/v1/statement/existing-puid/{puid} says whether it has one. Failure modes can be queued
// for the next POSTs: a 500, a connection dropped before anything is read, or a response lost after
// the batch was stored (so the client's next try meets its own puids as duplicates).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { Ajv, type ErrorObject } from 'ajv';

const schema = JSON.parse(readFileSync(new URL('../../src/dsa/statement-schema.json', import.meta.url), 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: true, strictRequired: false }).compile(schema);

export type FailureMode = 'status500' | 'drop' | 'lose';

export interface PostRecord {
  puids: string[];
  /** The status sent, or what happened instead. */
  outcome: number | 'dropped' | 'lost';
}

export interface TestTransparencyDb {
  url: string;
  /** Stored statements by puid. */
  stored: Map<string, Record<string, unknown>>;
  /** How often each puid was stored: the contract is once. */
  storedTimes: Map<string, number>;
  posts: PostRecord[];
  lookups: string[];
  unauthorized: number;
  /** The next `times` POSTs fail this way (queued after any already queued). */
  fail(mode: FailureMode, times?: number): void;
  close(): Promise<void>;
}

/** An ajv error as the field it is about: `decision_facts`, `content_type.0`, or `statement` for the whole. */
function fieldOf(e: ErrorObject): string {
  const path = e.instancePath.split('/').filter(Boolean);
  if (e.keyword === 'required') path.push(String((e.params as { missingProperty: string }).missingProperty));
  if (e.keyword === 'additionalProperties') path.push(String((e.params as { additionalProperty: string }).additionalProperty));
  return path.join('.') || 'statement';
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startTransparencyDb(token: string): Promise<TestTransparencyDb> {
  const stored = new Map<string, Record<string, unknown>>();
  const storedTimes = new Map<string, number>();
  const posts: PostRecord[] = [];
  const lookups: string[] = [];
  const modes: FailureMode[] = [];
  let unauthorized = 0;

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const invalid = (res: ServerResponse, errors: Record<string, string[]>) => json(res, 422, { message: 'The given data was invalid.', errors });

  const server: Server = createServer(async (req, res) => {
    if (req.headers.authorization !== `Bearer ${token}`) {
      unauthorized++;
      return json(res, 401, { message: 'Unauthenticated.' });
    }
    const path = (req.url ?? '').split('?')[0]!;
    const existing = /^\/api\/v1\/statement\/existing-puid\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && existing) {
      const puid = decodeURIComponent(existing[1]!);
      lookups.push(puid);
      const s = stored.get(puid);
      return s ? json(res, 200, { message: 'statement of reason found', puid, uuid: s.uuid }) : json(res, 404, { message: 'statement of reason not found' });
    }
    if (req.method !== 'POST' || path !== '/api/v1/statements') return json(res, 404, { message: 'not found' });

    const mode = modes.shift();
    if (mode === 'drop') {
      posts.push({ puids: [], outcome: 'dropped' });
      return req.socket.destroy();
    }
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      return invalid(res, { statements: ['The body must be JSON.'] });
    }
    const statements = (body as { statements?: unknown })?.statements;
    if (!Array.isArray(statements) || statements.length < 1 || statements.length > 100) {
      return invalid(res, { statements: ['The statements field is required and must hold from 1 to 100 statements.'] });
    }
    const puids = statements.map((s) => String((s as { puid?: unknown })?.puid ?? ''));
    if (mode === 'status500') {
      posts.push({ puids, outcome: 500 });
      return json(res, 500, { message: 'Server Error' });
    }
    const errors: Record<string, string[]> = {};
    const add = (key: string, message: string) => (errors[key] = [...(errors[key] ?? []), message]);
    const inBatch = new Set<string>();
    statements.forEach((s, i) => {
      if (!validate(s)) for (const e of validate.errors ?? []) add(`statements.${i}.${fieldOf(e)}`, `${fieldOf(e)} ${e.message ?? 'is invalid'}`);
      const puid = puids[i]!;
      if (stored.has(puid) || inBatch.has(puid)) add(`statements.${i}.puid`, 'The identifier given is not unique within this platform.');
      inBatch.add(puid);
    });
    if (Object.keys(errors).length) {
      posts.push({ puids, outcome: 422 });
      return invalid(res, errors);
    }
    const created = statements.map((s): Record<string, unknown> => ({ ...(s as Record<string, unknown>), uuid: randomUUID() }));
    for (const s of created) {
      stored.set(String(s.puid), s);
      storedTimes.set(String(s.puid), (storedTimes.get(String(s.puid)) ?? 0) + 1);
    }
    if (mode === 'lose') {
      posts.push({ puids, outcome: 'lost' });
      return res.socket?.destroy();
    }
    posts.push({ puids, outcome: 201 });
    return json(res, 201, { statements: created });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stored,
    storedTimes,
    posts,
    lookups,
    get unauthorized() {
      return unauthorized;
    },
    fail(mode, times = 1) {
      for (let i = 0; i < times; i++) modes.push(mode);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
