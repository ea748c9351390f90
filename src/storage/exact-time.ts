// A timestamp as the store keeps it, to the microsecond, for keyset cursors. A JavaScript Date
// holds only milliseconds: a cursor of Dates skips, or finds again, the rows of its own millisecond.
import { sql, type RawBuilder } from 'kysely';

/** The column's value as ISO 8601 text in UTC with microseconds, e.g. 2026-12-04T20:45:36.512345Z. */
export const exactTime = (column: string): RawBuilder<string> => sql<string>`to_char(${sql.ref(column)} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Whether a cursor's text is one exactTime made. */
export const isExactTime = (s: string): boolean => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/.test(s) && !Number.isNaN(Date.parse(s));
