// GET /v1/notices/{id} is what reporters poll: its answer is kept in this process for a short
// while, as the bytes of the JSON sent, so that a poll costs neither a database round trip nor a
// serialization (nor encoding the text again). What is cached is the view of one notice for one role (staff see more) and one
// page of items, with whose notice it is: who may read it is decided on every request, so a view
// cached for its reporter never reaches another one.
//
// A view is dropped as soon as anything about its notice changes. Every change appends events
// carrying the notice's id, and a trigger on events announces those ids when the transaction
// commits (migration 029), to every process, whoever made the change. That notification reaches
// this process too, but a little after the commit: so that a caller sees its own write at once,
// the API drops every view of this process before it answers a request that may have written
// (changedHere). The max age bounds what a lost notification, or a change made behind
// Safeharbor's back, can cost.
import type { Store } from '../storage/store.ts';
import type { Principal } from './principals.ts';
import { ExpiringCache } from './expiring-cache.ts';
import { canRead, ownedNoticeView, type ItemPageQuery } from './notice-views.ts';

export interface NoticeViewCache {
  /** The notice as `viewer` may see it, as UTF-8 JSON (getNoticeView), or null: no such notice, or not theirs. */
  json(viewer: Principal, id: string, page: ItemPageQuery): Promise<Buffer | null>;
  /** Drop every view this process holds: a request of this process may have changed a notice. */
  changedHere(): void;
  close(): Promise<void>;
}

/** What views may weigh together, in bytes: a few thousand small ones. */
const MAX_WEIGHT = 32 * 1024 * 1024;

export async function noticeViewCache(store: Store, opts: { maxAgeMs: number; maxEntries?: number }): Promise<NoticeViewCache> {
  const cache = new ExpiringCache<{ reporterId: string; json: Buffer }>({
    maxEntries: opts.maxEntries ?? 10_000,
    maxAgeMs: opts.maxAgeMs,
    maxWeight: MAX_WEIGHT,
  });
  // Without a payload: the listening connection was lost and opened again, anything may have changed.
  const dropNotice = (id?: string) => (id ? cache.deleteWhere((key) => key.startsWith(id)) : cache.clear());
  const stopListening = opts.maxAgeMs > 0 ? await store.listen('noticeChanges', dropNotice) : async () => {};
  return {
    async json(viewer, id, page) {
      // The notice id first (dropNotice matches on it); the role, since staff see internal fields.
      const key = `${id.toLowerCase()} ${viewer.role} ${page.after ?? ''} ${page.limit ?? ''} ${page.state ?? ''}`;
      const cached = cache.get(key);
      if (cached) return canRead(viewer, cached.reporterId) ? cached.json : null;
      const generation = cache.generation;
      const found = await ownedNoticeView(store.db, viewer, id, page);
      if (!found) return null;
      const json = Buffer.from(JSON.stringify(found.view));
      cache.set(key, { reporterId: found.reporterId, json }, generation, Infinity, json.length);
      return json;
    },
    changedHere: () => cache.clear(),
    close: stopListening,
  };
}
