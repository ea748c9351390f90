// A timestamp as the store keeps it, to the microsecond, for keyset cursors. A JavaScript Date
// holds only milliseconds: a cursor of Dates skips, or finds again, the rows of its own millisecond.
import { sql, type RawBuilder } from 'kysely';

/** The column's value as ISO 8601 text in UTC with microseconds, e.g. 2026-12-04T20:45:36.512345Z. */
export const exactTime = (column: string): RawBuilder<string> => sql<string>`to_char(${sql.ref(column)} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Whether a cursor's text is one exactTime made. */
export const isExactTime = (s: string): boolean => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/.test(s) && !Number.isNaN(Date.parse(s));

/** A position in a keyset-paged list: the last row shown, its time as exactTime gave it, and its id. */
export interface KeysetCursor {
  at: string;
  id: string;
}

/** The cursor as a link or an API's `next_cursor` carries it: opaque to callers. */
export const encodeKeyset = (c: KeysetCursor): string => Buffer.from(`${c.at}|${c.id}`).toString('base64url');

/** A cursor from a caller; null when it is not one encodeKeyset made. */
export function decodeKeyset(s: string): KeysetCursor | null {
  const [at, id] = Buffer.from(s, 'base64url').toString().split('|');
  return at && id && isExactTime(at) && /^[0-9a-f-]{36}$/i.test(id) ? { at, id } : null;
}
