// The edge blocklist from the store: what is disabled, terminated or court-ordered, built into a
// versioned document (src/domain/edge-blocklist.ts) and kept in memory per change counter.
//
// An edge polls often and the set rarely changes, so a poll reads one row (edge_blocklist_state,
// moved by triggers in the same transaction as any change that matters, see migration 005) and,
// when the counter is the one the cache was built at, answers from memory. Only a change makes
// the next poll read the blocked items again — in one REPEATABLE READ transaction together with
// the counter, so the cached document is exactly the state at that counter.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import { buildBlocklist, renderNginxMap, type BlocklistDocument, type NginxRendering } from '../domain/edge-blocklist.ts';
import { courtOrderedDomains } from '../legal/services/edge-feed.ts';
import { liftEndedRules } from '../legal/services/jobs.ts';

/** The change counter: cheap (one row), and it moves whenever the blocklist may have changed. */
export async function blocklistSeq(db: Kysely<Database>): Promise<string> {
  const r = await sql<{ seq: string }>`SELECT seq::text AS seq FROM edge_blocklist_state`.execute(db);
  return r.rows[0]?.seq ?? '0';
}

/** Reads everything the edge must block and builds the document, consistent with the returned seq. */
export async function loadBlocklist(db: Kysely<Database>, publicBaseUrl: string, now: Date = new Date()): Promise<{ seq: string; doc: BlocklistDocument }> {
  await liftEndedRules(db, now);
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      const seq = await blocklistSeq(trx);
      const urls = await sql<{ url: string; notice_id: string }>`
        SELECT url, notice_id::text AS notice_id FROM notice_items
         WHERE edge_blocks_item_state(state) AND url IS NOT NULL`.execute(trx);
      // Terminated and suspended (DSA Art. 23) zones alike: the whole site is not served.
      const zones = await sql<{ name: string }>`SELECT name FROM zones WHERE edge_blocks_zone_status(status)`.execute(trx);
      const domains = await courtOrderedDomains(trx);
      const doc = buildBlocklist({
        publicBaseUrl,
        urls: urls.rows.map((r) => ({ url: r.url, noticeId: r.notice_id })),
        terminatedZones: zones.rows.map((r) => r.name),
        courtOrderedDomains: domains,
      });
      return { seq, doc };
    });
}

export interface BlocklistSnapshot {
  doc: BlocklistDocument;
  /** The JSON body, rendered once per snapshot. */
  json(): string;
  /** The nginx map file, rendered once per snapshot. */
  nginx(): NginxRendering;
}

function snapshot(doc: BlocklistDocument): BlocklistSnapshot {
  let json: string | null = null;
  let nginx: NginxRendering | null = null;
  return {
    doc,
    json: () => (json ??= JSON.stringify(doc)),
    nginx: () => (nginx ??= renderNginxMap(doc)),
  };
}

/** The latest blocklist, rebuilt only when the change counter moved (or the base URL changed). */
export class EdgeBlocklistCache {
  private current: { key: string; snap: BlocklistSnapshot } | null = null;
  private building: { key: string; promise: Promise<BlocklistSnapshot> } | null = null;
  /** How many times the document was built from the store (for tests and logs). */
  builds = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly publicBaseUrl: () => string,
    private readonly now: () => Date = () => new Date(),
    /** Timed changes that must show on the feed at once (suspensions whose period ended), run before each read. */
    private readonly beforeRead: () => Promise<unknown> = async () => {},
  ) {}

  async get(): Promise<BlocklistSnapshot> {
    const base = this.publicBaseUrl();
    // Court-order rules with an end date stop blocking then: lifting them moves the counter.
    await liftEndedRules(this.db, this.now());
    await this.beforeRead();
    const seq = await blocklistSeq(this.db);
    const key = `${seq}\n${base}`;
    if (this.current?.key === key) return this.current.snap;
    if (this.building?.key === key) return this.building.promise;
    const promise = (async () => {
      this.builds++;
      const loaded = await loadBlocklist(this.db, base, this.now());
      // Keyed by the counter the document was read at (a change between the two reads only means
      // the next poll builds again); the same content keeps its rendered bodies.
      const snap = this.current?.snap.doc.version === loaded.doc.version ? this.current.snap : snapshot(loaded.doc);
      this.current = { key: `${loaded.seq}\n${base}`, snap };
      return snap;
    })();
    this.building = { key, promise };
    try {
      return await promise;
    } finally {
      if (this.building?.promise === promise) this.building = null;
    }
  }
}
