// Bulk load (and refresh) of the provider's world from CSV. Rows are checked one by one (bad
// lines are reported with their line number, good ones still load), copied into a staging
// table in batches with COPY, then merged batch by batch in one transaction: accounts upserted,
// zones upserted, origin history closed and opened where the origin changed, and an event for
// every change to an existing zone. A file that cannot be read (see domain/csv-file.ts) is
// refused whole with a CsvFileError, and nothing of it is loaded.
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Parser } from 'csv-parse';
import { sql, type RawBuilder, type Transaction } from 'kysely';
import type { Database } from '../storage/schema.ts';
import type { Store } from '../storage/store.ts';
import { LOCKS } from '../storage/locks.ts';
import { appendEvents, type Actor } from '../storage/events.ts';
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
  /** Called after each staged batch and once at the end of the merge. */
  onProgress?: (p: { phase: 'loading' | 'merging' | 'done'; rows: number }) => void;
  /** Keep at most this many error lines in the result (all are counted). */
  maxErrors?: number;
}

const STAGING_COLUMNS = ['import_id', 'line', 'account_id', 'account_name', 'account_email', 'zone', 'mode', 'origin', 'origin_kind'] as const;

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

function csvCell(s: string | number): string {
  const v = String(s);
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

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

  // Rows are checked and COPYed into staging in batches, one COPY in flight while the next batch
  // is parsed. On PostgreSQL each staged batch is also merged at once, inside the one transaction
  // that holds the whole import, so parsing and merging overlap; the staging COPYs commit on their
  // own connections and the merge reads them (read committed). The embedded store has a single
  // connection, which the transaction holds: there every batch is staged first, then merged.
  const pipelined = store.kind === 'postgres';
  const merger = new Merger(importId, opts.actor, result);
  // Identifiers of terminated accounts (few): refused line by line when they come back under another account.
  const blocklist = signupBlocklist(await store.db.selectFrom('signup_blocklist').select(['kind', 'value', 'account_id']).execute());
  // A batch names each zone once (a later line replaces an earlier one, left as null), so a
  // batch's staged lines are a merge's source as they are. Across batches, the later merge wins.
  let batch: (string | null)[] = [];
  let batchZones = new Map<string, number>();
  let firstLine = 0;
  let lastLine = 0;
  const staged: { from: number; to: number }[] = [];
  let inflight: Promise<void> = Promise.resolve();
  let merging: Promise<void> = Promise.resolve();
  let mergedBefore: Promise<void> = Promise.resolve(); // the merge queued before the latest one
  const stage = (trx: Transaction<Database> | null) => {
    if (!batch.length) return;
    const copy = batch.filter((r) => r !== null).join('\n') + '\n';
    if (copy.includes('\0')) throw nulInBatch();
    const valid = batch.length;
    const lines = { from: firstLine, to: lastLine };
    staged.push(lines);
    batch = [];
    batchZones = new Map();
    const read = result.rowsRead;
    const copied = inflight.then(() => store.copyCsv('zone_import_rows', STAGING_COLUMNS, copy));
    inflight = copied.then(() => {
      result.rowsLoaded += valid;
      opts.onProgress?.({ phase: 'loading', rows: read });
    });
    if (trx) {
      mergedBefore = merging;
      merging = Promise.all([merging, copied]).then(() => merger.mergeLines(trx, lines));
    }
    // Both are awaited before the next batch or at the end; this only keeps Node from calling them unhandled meanwhile.
    inflight.catch(() => {});
    merging.catch(() => {});
  };

  // A NUL byte means the file is not text (and PostgreSQL refuses it in a text column, so the
  // COPY would fail). Looked for once per batch, in the text the COPY gets, and in the cells of a
  // refused line: no work for each good line. The earliest line is reported.
  const nulInBatch = () => {
    const at = batch.findIndex((r) => r?.includes('\0'));
    return at < 0 ? null : notText(Number(batch[at]!.split(',', 2)[1]));
  };

  let headerSeen = false;
  const load = async (trx: Transaction<Database> | null) => {
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
          if (Object.values(record).some((c) => c.includes('\0'))) throw nulInBatch() ?? notText(line);
          errorCount++;
          if (result.errors.length < maxErrors) result.errors.push({ line, message: refused! });
          continue;
        }
        const r: ZoneRow = v.row;
        if (!batch.length) firstLine = line;
        lastLine = line;
        const earlier = batchZones.get(r.zone);
        if (earlier !== undefined) batch[earlier] = null;
        batchZones.set(r.zone, batch.length);
        batch.push([importId, line, r.accountId, r.accountName, r.accountEmail, r.zone, r.mode, r.origin, r.originKind].map(csvCell).join(','));
        if (batch.length >= batchRows) {
          // Backpressure: this batch's COPY may run while the previous batch merges, no further ahead.
          await inflight;
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
    await inflight;
    await merging;
  };

  try {
    if (!pipelined) await load(null);
    await store.db.transaction().execute(async (trx) => {
      await merger.begin(trx);
      if (pipelined) await load(trx);
      else for (const lines of staged) await merger.mergeLines(trx, lines);
      opts.onProgress?.({ phase: 'merging', rows: result.rowsRead });
      await merger.finish(trx, errorCount);
    });
  } finally {
    await inflight.catch(() => {});
    await merging.catch(() => {});
    await sql`DELETE FROM zone_import_rows WHERE import_id = ${importId}`.execute(store.db);
  }
  opts.onProgress?.({ phase: 'done', rows: result.rowsRead });
  return result;
}

/**
 * Merges staged lines into the world, inside the import's transaction: accounts upserted, zones
 * upserted, origin history closed and opened where the origin changed, an event for every change
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
    // A batch's accounts are sorted by id (last line wins): with the default 4 MB that sort of
    // 50,000 lines spilled to disk in every batch. Set for this transaction only.
    await sql`SET LOCAL work_mem = '64MB'`.execute(trx);
    this.now = (await sql<{ now: Date }>`SELECT now() AS now`.execute(trx)).rows[0]!.now;
  }

  /** Merges one staged batch (its lines name each zone once). */
  async mergeLines(trx: Transaction<Database>, lines: { from: number; to: number }): Promise<void> {
    const { importId, result, now } = this;
    const src: RawBuilder<unknown> = sql`(SELECT zone, account_id, mode, origin, origin_kind FROM zone_import_rows
      WHERE import_id = ${importId} AND line BETWEEN ${lines.from} AND ${lines.to})`;

    // Accounts upserted, and what the foreign key zones -> accounts checked row by row (see
    // migration 015) checked once per batch in the same statement, over the batch's distinct
    // accounts rather than its every line: each is either inserted now or was there already (in
    // the statement's snapshot), so the two counts add up to the batch's.
    const accounts = await sql<{ upserted: number; inserted: number; existing: number; in_batch: number }>`
      WITH batch AS MATERIALIZED (
        SELECT DISTINCT ON (account_id) account_id, account_name, account_email
        FROM zone_import_rows WHERE import_id = ${importId} AND line BETWEEN ${lines.from} AND ${lines.to}
        ORDER BY account_id, line DESC
      ), up AS (
        INSERT INTO accounts (id, name, email)
        SELECT account_id, account_name, account_email FROM batch
        ON CONFLICT (id) DO UPDATE SET name = excluded.name, email = excluded.email, updated_at = now()
        WHERE (accounts.name, accounts.email) IS DISTINCT FROM (excluded.name, excluded.email)
        RETURNING (xmax = 0) AS inserted
      )
      SELECT (SELECT count(*) FROM up)::int AS upserted, (SELECT count(*) FROM up WHERE inserted)::int AS inserted,
             (SELECT count(*) FROM batch b WHERE EXISTS (SELECT 1 FROM accounts a WHERE a.id = b.account_id))::int AS existing,
             (SELECT count(*) FROM batch)::int AS in_batch`.execute(trx);
    const { upserted, inserted, existing, in_batch: inBatch } = accounts.rows[0]!;
    if (inserted + existing !== inBatch)
      throw new Error(`zone import ${importId}: of ${inBatch} accounts, ${inserted} were inserted and ${existing} were there before`);
    result.accountsUpserted += upserted;

    // Changes to existing zones, with before and after, for the event log.
    const changed = await sql<{ id: number; zone: string; before: Record<string, string>; after: Record<string, string>; origin_changed: boolean }>`
      SELECT z.id, z.name AS zone,
             json_build_object('account_id', z.account_id, 'mode', z.mode, 'origin', z.origin) AS before,
             json_build_object('account_id', s.account_id, 'mode', s.mode, 'origin', s.origin) AS after,
             (z.origin, z.origin_kind) IS DISTINCT FROM (s.origin, s.origin_kind) AS origin_changed
      FROM ${src} s JOIN zones z ON z.name = s.zone
      WHERE (z.account_id, z.mode, z.origin, z.origin_kind) IS DISTINCT FROM (s.account_id, s.mode, s.origin, s.origin_kind)`.execute(trx);

    // Close the current origin period of the zones whose origin changed (by id: a join from the
    // batch to all of zone_origins would scan a table that grows with every batch).
    const closing = changed.rows.filter((r) => r.origin_changed).map((r) => r.id);
    if (closing.length) {
      await sql`UPDATE zone_origins SET valid_to = ${now} WHERE valid_to IS NULL AND zone_id = ANY(${closing}::int[])`.execute(trx);
    }

    // One statement: insert or change the zones, and open an origin period for every new zone and
    // every zone whose origin changed (its old period was closed just above). Counted in the database.
    const upsert = await sql<{ created: number; touched: number; opened: number }>`
      WITH up AS (
        INSERT INTO zones (name, account_id, mode, origin, origin_kind)
        SELECT zone, account_id, mode, origin, origin_kind FROM ${src} s
        ON CONFLICT (name) DO UPDATE SET account_id = excluded.account_id, mode = excluded.mode, origin = excluded.origin,
          origin_kind = excluded.origin_kind, updated_at = now(), change_seq = nextval('zone_change_seq')
        WHERE (zones.account_id, zones.mode, zones.origin, zones.origin_kind)
          IS DISTINCT FROM (excluded.account_id, excluded.mode, excluded.origin, excluded.origin_kind)
        RETURNING id, origin, origin_kind, (xmax = 0) AS inserted
      ), opened AS (
        INSERT INTO zone_origins (zone_id, origin, origin_kind, valid_from)
        SELECT id, origin, origin_kind, ${now} FROM up
        WHERE inserted OR NOT EXISTS (SELECT 1 FROM zone_origins o WHERE o.zone_id = up.id AND o.valid_to IS NULL)
        RETURNING 1
      )
      SELECT (SELECT count(*) FROM up WHERE inserted)::int AS created, (SELECT count(*) FROM up)::int AS touched,
             (SELECT count(*) FROM opened)::int AS opened`.execute(trx);
    const { created, touched, opened } = upsert.rows[0]!;
    // What the foreign key zone_origins -> zones checked row by row (see migration 015), once per
    // batch: every new or moved zone got exactly one current origin.
    if (opened !== created + closing.length)
      throw new Error(`zone import ${importId}: opened ${opened} origin periods for ${created} new and ${closing.length} moved zones`);
    result.zonesCreated += created;
    result.zonesUpdated += touched - created;
    result.originChanges += closing.length;
    // A site a court order blocks that comes back (a new zone, or another account) is still
    // loaded, but caught: blocked at the edge and put before staff.
    result.courtOrderMatches += await checkImportedZones(trx, this.actor, now, src);

    await appendEvents(
      trx,
      changed.rows.map((c) => ({
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
