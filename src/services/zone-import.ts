// Bulk load (and refresh) of the provider's world from CSV. Rows are checked one by one (bad
// lines are reported with their line number, good ones still load), then merged batch by batch
// in one transaction: accounts upserted, zones inserted or changed, origin history closed and
// opened where the origin changed, and an event for every change to an existing zone. A file
// that cannot be read (see domain/csv-file.ts) is refused whole with a CsvFileError, and nothing
// of it is loaded.
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Parser } from 'csv-parse';
import { sql, type RawBuilder, type Transaction } from 'kysely';
import type { Database } from '../storage/schema.ts';
import type { Store } from '../storage/store.ts';
import { LOCKS } from '../storage/locks.ts';
import { appendEvents, type Actor } from '../storage/events.ts';
import { jsonRows } from '../storage/json-rows.ts';
import { blockedZoneRow, signupBlocklist } from '../domain/signup-blocklist.ts';
import { validateZoneRow, ZONE_CSV_COLUMNS, type ZoneRow } from '../domain/zone-row.ts';
import { csvFileError, emptyFile, headerProblem, IMPORT_CSV_OPTIONS, notText, nulByte } from '../domain/csv-file.ts';
import { checkImportedZones } from '../legal/services/court-orders.ts';

export interface ZoneImportResult {
  importId: string;
  rowsRead: number;
  rowsLoaded: number;
  errors: { line: number; message: string }[];
  accountsUpserted: number;
  zonesCreated: number;
  zonesUpdated: number;
  originChanges: number;
  /** Imported zones a court order's block rule caught (new, or under another account than before). */
  courtOrderMatches: number;
}

export interface ZoneImportOptions {
  actor: Actor;
  batchRows?: number;
  /** Called after each merged batch and once at the end of the merge. */
  onProgress?: (p: { phase: 'loading' | 'merging' | 'done'; rows: number }) => void;
  /** Keep at most this many error lines in the result (all are counted). */
  maxErrors?: number;
}

/**
 * csv-parse's stream, each record with its line (the `lines` of csv-parse's info). The `info: true`
 * option copies the parser's whole info object for every record, half of the parse time of a
 * million-row file; the line is read here from the live counter instead, as the record is pushed:
 * push() is called from within the parse of a chunk, right after the record ends and before the
 * next one is read, so the counter is where `info: true` would have taken it.
 */
class LineNumberedParser extends Parser {
  override push(record: unknown): boolean {
    return super.push(record === null ? null : { record, line: this.info.lines });
  }
}

/** One batch for the merge: its zones (each named once) and the accounts they name (each once). */
interface MergeBatch {
  zones: { zone: string; account_id: string; mode: string; origin: string; origin_kind: string }[];
  accounts: { account_id: string; account_name: string; account_email: string }[];
}

const ZONE_COLUMNS = { zone: 'text', account_id: 'text', mode: 'text', origin: 'text', origin_kind: 'text' } as const;
const ACCOUNT_COLUMNS = { account_id: 'text', account_name: 'text', account_email: 'text' } as const;

const hasNul = (r: ZoneRow) =>
  r.zone.includes('\0') || r.accountId.includes('\0') || r.accountName.includes('\0') || r.accountEmail.includes('\0') || r.origin.includes('\0');

/**
 * Loads a zones file. `input` belongs to the caller, who closes it: an HTTP request must stay
 * open after a refused file, so that the 422 can still be sent on its connection.
 */
export async function importZones(store: Store, input: Readable | string, opts: ZoneImportOptions): Promise<ZoneImportResult> {
  const importId = randomUUID();
  const batchRows = opts.batchRows ?? 50_000;
  const maxErrors = opts.maxErrors ?? 1000;
  const result: ZoneImportResult = {
    importId,
    rowsRead: 0,
    rowsLoaded: 0,
    errors: [],
    accountsUpserted: 0,
    zonesCreated: 0,
    zonesUpdated: 0,
    originChanges: 0,
    courtOrderMatches: 0,
  };
  let errorCount = 0;

  // Rows are checked in batches, and each batch is merged at once inside the one transaction that
  // holds the whole import, sent as one parameter (no staging table: writing every line there and
  // reading it back cost the database more than the merge itself). While the database merges a
  // batch the next one is parsed here, one merge queued at most.
  const merger = new Merger(importId, opts.actor, result);
  // Identifiers of terminated accounts (few): refused line by line when they come back under another account.
  const blocklist = signupBlocklist(await store.db.selectFrom('signup_blocklist').select(['kind', 'value', 'account_id']).execute());
  // A batch names each zone once (a later line replaces an earlier one, left as null), so a
  // batch's lines are a merge's source as they are. Across batches, the later merge wins.
  let batch: (ZoneRow | null)[] = [];
  let batchZones = new Map<string, number>();
  let merging: Promise<void> = Promise.resolve();
  let mergedBefore: Promise<void> = Promise.resolve(); // the merge queued before the latest one
  const stage = (trx: Transaction<Database>) => {
    // Every good line counts as loaded, also one a later line of the batch replaced.
    const accepted = batch.length;
    const rows = batch.filter((r): r is ZoneRow => r !== null);
    batch = [];
    batchZones = new Map();
    if (!rows.length) return;
    // The accounts the batch names, each once, as its last line has it.
    const accounts = new Map<string, { account_id: string; account_name: string; account_email: string }>();
    for (const r of rows) accounts.set(r.accountId, { account_id: r.accountId, account_name: r.accountName, account_email: r.accountEmail });
    const lines: MergeBatch = {
      zones: rows.map((r) => ({ zone: r.zone, account_id: r.accountId, mode: r.mode, origin: r.origin, origin_kind: r.originKind })),
      accounts: [...accounts.values()],
    };
    const read = result.rowsRead;
    mergedBefore = merging;
    merging = merging.then(async () => {
      await merger.mergeLines(trx, lines);
      result.rowsLoaded += accepted;
      opts.onProgress?.({ phase: 'loading', rows: read });
    });
    // Awaited before the next batch or at the end; this only keeps Node from calling it unhandled meanwhile.
    merging.catch(() => {});
  };

  let headerSeen = false;
  const load = async (trx: Transaction<Database>) => {
    const parser = new LineNumberedParser({
      ...IMPORT_CSV_OPTIONS,
      columns: (header: string[]) => {
        headerSeen = true;
        const problem = headerProblem(header, ZONE_CSV_COLUMNS, parser.info.lines);
        if (problem) throw problem;
        return header.map((h) => h.trim().toLowerCase());
      },
      relax_column_count: true,
    });
    const rows = async (records: AsyncIterable<{ record: Record<string, string>; line: number }>) => {
      for await (const { record, line } of records) {
        result.rowsRead++;
        const v = validateZoneRow(record);
        const refused = v.ok ? blockedZoneRow(v.row, blocklist) : v.message;
        if (!v.ok || refused) {
          if (Object.values(record).some((c) => c.includes('\0'))) throw notText(line);
          errorCount++;
          if (result.errors.length < maxErrors) result.errors.push({ line, message: refused! });
          continue;
        }
        const r: ZoneRow = v.row;
        // A NUL byte means the file is not text (PostgreSQL refuses it in text and in jsonb). A
        // good line's cells are what validateZoneRow kept; only they can carry one this far.
        if (hasNul(r)) throw notText(line);
        const earlier = batchZones.get(r.zone);
        if (earlier !== undefined) batch[earlier] = null;
        batchZones.set(r.zone, batch.length);
        batch.push(r);
        if (batch.length >= batchRows) {
          // Backpressure: this batch may be merged while the previous one merges, no further ahead.
          await mergedBefore;
          stage(trx);
        }
      }
    };
    // pipeline() brings an error of the input, the parser or the rows to this one promise (the
    // parser's 'error' event with nobody listening ended the process). The input is read through
    // an iterator that leaves it open on an error: it belongs to the caller.
    const chunks: Iterable<string> | AsyncIterable<Buffer> = typeof input === 'string' ? [input] : input.iterator({ destroyOnReturn: false });
    // A binary or UTF-16 file, told as such before csv-parse trips over its bytes; only the
    // chunks before the header is read are looked at.
    let preHeader = '';
    const text = async function* () {
      for await (const chunk of chunks) {
        if (!headerSeen) {
          preHeader += typeof chunk === 'string' ? chunk : chunk.toString('latin1');
          const fault = nulByte(preHeader);
          if (fault) throw fault;
        }
        yield chunk;
      }
    };
    try {
      await pipeline(text(), parser, rows);
    } catch (err) {
      throw csvFileError(err, true);
    }
    if (!headerSeen) throw emptyFile(ZONE_CSV_COLUMNS);
    stage(trx);
    await merging;
  };

  try {
    await store.db.transaction().execute(async (trx) => {
      await merger.begin(trx);
      await load(trx);
      opts.onProgress?.({ phase: 'merging', rows: result.rowsRead });
      await merger.finish(trx, errorCount);
    });
  } finally {
    await merging.catch(() => {});
  }
  opts.onProgress?.({ phase: 'done', rows: result.rowsRead });
  return result;
}

/**
 * Merges batches of lines into the world, inside the import's transaction: accounts upserted, zones
 * inserted or changed, origin history closed and opened where the origin changed, an event for every change
 * to an existing zone, and one summary event at the end. Last line wins where a file names a
 * zone (or an account) twice.
 */
class Merger {
  private now!: Date;
  constructor(
    private readonly importId: string,
    private readonly actor: Actor,
    private readonly result: ZoneImportResult,
  ) {}

  async begin(trx: Transaction<Database>): Promise<void> {
    await sql`SELECT pg_advisory_xact_lock(${LOCKS.zoneChanges})`.execute(trx);
    this.now = (await sql<{ now: Date }>`SELECT now() AS now`.execute(trx)).rows[0]!.now;
  }

  /** Merges one batch (its lines name each zone once). */
  async mergeLines(trx: Transaction<Database>, lines: MergeBatch): Promise<void> {
    const { importId, result, now } = this;
    const src: RawBuilder<unknown> = sql`(SELECT * FROM ${jsonRows(lines.zones, ZONE_COLUMNS, 's')})`;

    // Accounts upserted, from the batch's distinct accounts as the parser saw them (not sorted out
    // of its every line here, which cost the merge a sort of each batch). What the foreign
    // key zones -> accounts checked row by row (see migration 015) is checked in the same
    // statement: each account is either inserted now or was there already (in the statement's
    // snapshot), so the two counts add up to the batch's.
    const accounts = await sql<{ upserted: number; inserted: number; existing: number }>`
      WITH batch AS MATERIALIZED (
        SELECT * FROM ${jsonRows(lines.accounts, ACCOUNT_COLUMNS, 'b')}
      ), up AS (
        INSERT INTO accounts (id, name, email)
        SELECT account_id, account_name, account_email FROM batch
        ON CONFLICT (id) DO UPDATE SET name = excluded.name, email = excluded.email, updated_at = now()
        WHERE (accounts.name, accounts.email) IS DISTINCT FROM (excluded.name, excluded.email)
        RETURNING (xmax = 0) AS inserted
      )
      SELECT (SELECT count(*) FROM up)::int AS upserted, (SELECT count(*) FROM up WHERE inserted)::int AS inserted,
             (SELECT count(*) FROM batch e WHERE EXISTS (SELECT 1 FROM accounts a WHERE a.id = e.account_id))::int AS existing`.execute(trx);
    const { upserted, inserted, existing } = accounts.rows[0]!;
    if (inserted + existing !== lines.accounts.length)
      throw new Error(`zone import ${importId}: of ${lines.accounts.length} accounts, ${inserted} were inserted and ${existing} were there before`);
    result.accountsUpserted += upserted;

    // One statement, one look-up of each line's zone by name: new zones are inserted with their
    // first origin period, and existing zones that differ are changed, with before and after for
    // the event log. Only the import writes zones, and it holds LOCKS.zoneChanges, so a name
    // found missing here cannot be inserted by anyone else before this statement does.
    const merged = await sql<{
      created: number;
      opened: number;
      id: number | null;
      zone: string | null;
      before: Record<string, string> | null;
      after: Record<string, string> | null;
      origin_changed: boolean | null;
    }>`
      WITH cur AS MATERIALIZED (
        SELECT s.zone, s.account_id, s.mode, s.origin, s.origin_kind, z.id AS zone_id,
               z.account_id AS was_account_id, z.mode AS was_mode, z.origin AS was_origin,
               (z.origin, z.origin_kind) IS DISTINCT FROM (s.origin, s.origin_kind) AS origin_moved,
               (z.account_id, z.mode, z.origin, z.origin_kind) IS DISTINCT FROM (s.account_id, s.mode, s.origin, s.origin_kind) AS differs
        FROM ${src} s LEFT JOIN zones z ON z.name = s.zone
      ), created AS (
        INSERT INTO zones (name, account_id, mode, origin, origin_kind, origin_since)
        SELECT zone, account_id, mode, origin, origin_kind, ${now} FROM cur WHERE zone_id IS NULL
        RETURNING id, origin, origin_kind
      ), opened AS (
        INSERT INTO zone_origins (zone_id, origin, origin_kind, valid_from)
        SELECT id, origin, origin_kind, ${now} FROM created
        RETURNING 1
      ), changed AS (
        UPDATE zones z SET account_id = c.account_id, mode = c.mode, origin = c.origin, origin_kind = c.origin_kind,
          updated_at = now(), change_seq = nextval('zone_change_seq'),
          origin_since = CASE WHEN c.origin_moved THEN ${now} ELSE z.origin_since END
        FROM cur c
        WHERE z.id = c.zone_id AND c.differs
        RETURNING z.id, z.name AS zone,
          json_build_object('account_id', c.was_account_id, 'mode', c.was_mode, 'origin', c.was_origin) AS before,
          json_build_object('account_id', c.account_id, 'mode', c.mode, 'origin', c.origin) AS after,
          c.origin_moved AS origin_changed
      )
      SELECT n.created, n.opened, changed.*
      FROM (SELECT (SELECT count(*) FROM created)::int AS created, (SELECT count(*) FROM opened)::int AS opened) n
      LEFT JOIN changed ON true`.execute(trx);
    const { created, opened } = merged.rows[0]!;
    const changed = merged.rows.filter((r) => r.id !== null) as {
      id: number;
      zone: string;
      before: Record<string, string>;
      after: Record<string, string>;
      origin_changed: boolean;
    }[];
    // What the foreign key zone_origins -> zones checked row by row (see migration 015), once per
    // batch: every new zone got exactly one current origin.
    if (opened !== created) throw new Error(`zone import ${importId}: opened ${opened} origin periods for ${created} new zones`);

    // A zone whose origin changed: its current origin period closed, a new one opened (two
    // statements, since the current period is unique per zone). By id: a join from the batch to
    // all of zone_origins would scan a table that grows with every batch.
    const moved = changed.filter((r) => r.origin_changed).map((r) => r.id);
    if (moved.length) {
      await sql`UPDATE zone_origins SET valid_to = ${now} WHERE valid_to IS NULL AND zone_id = ANY(${moved}::int[])`.execute(trx);
      const reopened = await sql`
        INSERT INTO zone_origins (zone_id, origin, origin_kind, valid_from)
        SELECT id, origin, origin_kind, ${now} FROM zones WHERE id = ANY(${moved}::int[])
        RETURNING 1`.execute(trx);
      if (reopened.rows.length !== moved.length)
        throw new Error(`zone import ${importId}: opened ${reopened.rows.length} origin periods for ${moved.length} moved zones`);
    }
    result.zonesCreated += created;
    result.zonesUpdated += changed.length;
    result.originChanges += moved.length;
    // A site a court order blocks that comes back (a new zone, or another account) is still
    // loaded, but caught: blocked at the edge and put before staff.
    result.courtOrderMatches += await checkImportedZones(trx, this.actor, now, src);

    await appendEvents(
      trx,
      changed.map((c) => ({
        actor: this.actor,
        type: c.origin_changed ? 'zone.origin_changed' : 'zone.updated',
        subjectType: 'zone' as const,
        subjectId: c.zone,
        before: c.before,
        after: c.after,
        data: { import_id: importId },
        at: now,
      })),
    );
  }

  async finish(trx: Transaction<Database>, errorCount: number): Promise<void> {
    const { result } = this;
    await appendEvents(trx, [
      {
        actor: this.actor,
        type: 'zones.imported',
        subjectType: 'import',
        subjectId: this.importId,
        data: {
          rows_read: result.rowsRead,
          rows_rejected: errorCount,
          accounts_upserted: result.accountsUpserted,
          zones_created: result.zonesCreated,
          zones_updated: result.zonesUpdated,
          origin_changes: result.originChanges,
          court_order_matches: result.courtOrderMatches,
        },
        at: this.now,
      },
    ]);
  }
}
