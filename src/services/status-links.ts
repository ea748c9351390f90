// Private status links: /status/<notice id>.<MAC>. The MAC is an HMAC of the notice id under a
// server secret, so a link can be recomputed for any message about the notice, is unguessable,
// and needs no per-notice storage.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';

export interface StatusLinks {
  key(noticeId: string): string;
  /** The notice id a key stands for, or null when the key is not one we made. */
  verify(key: string): string | null;
  url(noticeId: string): string;
}

export async function loadStatusLinkSecret(db: Kysely<Database>): Promise<Buffer> {
  await sql`INSERT INTO settings (key, value) VALUES ('status_link_secret', ${randomBytes(32).toString('base64')}) ON CONFLICT (key) DO NOTHING`.execute(db);
  const row = (await sql<{ value: string }>`SELECT value FROM settings WHERE key = 'status_link_secret'`.execute(db)).rows[0]!;
  return Buffer.from(row.value, 'base64');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function statusLinks(secret: Buffer, baseUrl: () => string): StatusLinks {
  const mac = (id: string) => createHmac('sha256', secret).update(`status:${id}`).digest().subarray(0, 18);
  const key = (id: string) => `${id}.${mac(id).toString('base64url')}`;
  return {
    key,
    verify(k) {
      const [id, given] = k.split('.');
      if (!id || !given || !UUID.test(id)) return null;
      const a = Buffer.from(given, 'base64url');
      const b = mac(id);
      return a.length === b.length && timingSafeEqual(a, b) ? id : null;
    },
    url: (id) => `${baseUrl().replace(/\/$/, '')}/status/${key(id)}`,
  };
}
