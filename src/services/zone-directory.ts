// The in-memory zone index of one process, kept current from the database: every zone change
// takes a new change_seq, so a refresh reads only what changed since the last one. Each
// stateless server process holds its own copy; PostgreSQL stays the source of truth.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../storage/schema.ts';
import { ZoneIndex } from '../lookup/zone-index.ts';

const PAGE = 100_000;

export class ZoneDirectory {
  readonly index = new ZoneIndex();
  private lastSeq = 0;
  private inflight: Promise<void> | null = null;

  constructor(private readonly db: Kysely<Database>) {}

  /** Bring the index up to date; concurrent callers share one refresh. */
  refresh(): Promise<void> {
    this.inflight ??= this.load().finally(() => (this.inflight = null));
    return this.inflight;
  }

  private async load(): Promise<void> {
    for (;;) {
      const rows = (
        await sql<{ id: number; name: string; status: string; change_seq: number }>`
          SELECT id, name, status, change_seq FROM zones WHERE change_seq > ${this.lastSeq} ORDER BY change_seq LIMIT ${PAGE}`.execute(this.db)
      ).rows;
      for (const z of rows) {
        // A suspended customer's zones (DSA Art. 23) are still its zones: notices about them resolve to it.
        if (z.status !== 'terminated') this.index.set(z.name, z.id);
        else this.index.delete(z.name);
        this.lastSeq = z.change_seq;
      }
      if (rows.length < PAGE) return;
    }
  }

  match(host: string): { zone: string; zoneId: number } | undefined {
    return this.index.match(host);
  }
}
