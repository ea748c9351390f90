// What the administrative commands need, done either directly on the store or — when a running
// server holds the embedded store — through that server's staff API, found by the handoff
// file it writes into the data directory. Commands are written once, against this interface.
// The store's side is local-admin.ts, apart: through a server, the services never load here.
import { createReadStream, readFileSync, statSync } from 'node:fs';
import type { ZoneImportResult } from '../services/zone-import.ts';
import type { NetblockImportResult } from '../services/netblocks.ts';
import type { OutboxEntry } from '../services/outbox-view.ts';
import type { Role } from '../storage/schema.ts';
import { CsvFileError } from '../domain/csv-file.ts';

export type Progress = (done: number, total: number, unit: 'rows' | 'bytes', phase: string) => void;

export interface NewPrincipalResult {
  id: string;
  accountId: string;
  role: Role;
  email: string;
  token: string;
}

export interface AdminClient {
  /** Where the commands act, for messages. */
  readonly where: string;
  importZones(file: string, progress?: Progress): Promise<ZoneImportResult>;
  importNetworks(file: string): Promise<{ loaded: number; errors: { line: number; message: string }[] }>;
  importNetblocks(file: string): Promise<NetblockImportResult>;
  createPrincipal(role: 'reporter' | 'staff', email: string, name: string | null): Promise<NewPrincipalResult>;
  listOutbox(q: { status?: 'pending' | 'sent' | 'failed'; limit?: number }): Promise<OutboxEntry[]>;
  close(): Promise<void>;
}

export interface ServerHandoff {
  pid: number;
  url: string;
  token: string;
}

export function remoteAdmin(handoff: ServerHandoff): AdminClient {
  const call = async <T>(path: string, init: RequestInit & { duplex?: 'half' } = {}): Promise<T> => {
    const res = await fetch(handoff.url + path, { ...init, headers: { authorization: `Bearer ${handoff.token}`, ...(init.headers ?? {}) } });
    const body = (await res.json().catch(() => null)) as { errors?: { field: string; message: string }[] } | null;
    // An import's file refused whole: the same error as the store gives locally.
    const line = res.status === 422 && body?.errors?.length === 1 ? /^line (\d+)$/.exec(body.errors[0]!.field) : null;
    if (line) throw new CsvFileError(Number(line[1]), body!.errors![0]!.message);
    if (!res.ok)
      throw new Error(
        (body?.errors ?? [{ field: '', message: `HTTP ${res.status}` }]).map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join('; '),
      );
    return body as T;
  };
  return {
    where: `the running server at ${handoff.url} (pid ${handoff.pid})`,
    async importZones(file, progress) {
      const total = statSync(file).size;
      let sent = 0;
      // A generator, not file.pipe(counter): an error reading the file rejects the upload here
      // (pipe() would leave it an unhandled 'error' event, and the request waiting forever).
      const body = (async function* () {
        for await (const chunk of createReadStream(file)) {
          sent += (chunk as Buffer).length;
          progress?.(sent, total, 'bytes', 'uploading');
          yield chunk as Buffer;
        }
      })();
      return call<ZoneImportResult>('/v1/zones/import', {
        method: 'POST',
        headers: { 'content-type': 'text/csv' },
        body: body as unknown as BodyInit,
        duplex: 'half',
      });
    },
    importNetworks: (file) => call('/v1/networks/import', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: readFileSync(file) }),
    importNetblocks: (file) => call('/v1/netblocks/import', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: readFileSync(file) }),
    async createPrincipal(role, email, name) {
      const r = await call<{ id: string; account_id: string; role: Role; email: string; token: string }>('/v1/principals', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ role, email, ...(name ? { name } : {}) }),
      });
      return { id: r.id, accountId: r.account_id, role: r.role, email: r.email, token: r.token };
    },
    async listOutbox(q) {
      const params = new URLSearchParams();
      if (q.status) params.set('status', q.status);
      if (q.limit) params.set('limit', String(q.limit));
      return (await call<{ messages: OutboxEntry[] }>(`/v1/outbox?${params}`)).messages;
    },
    close: async () => {},
  };
}
