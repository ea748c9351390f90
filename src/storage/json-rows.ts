// Many rows as one parameter: a JSON array of objects, read back by jsonb_to_recordset. Sent as
// one array per column, a batch made the driver escape every element into PostgreSQL's array
// syntax in JavaScript, element by element (JSON values twice over), which cost more CPU than
// the rest of the batch's work; JSON.stringify is native, and the server parses the batch once
// (jsonb_to_recordset, unlike json_to_recordset, does not parse nested values a second time).
// Keys left out of an object, and JSON nulls, read as NULL.
import { sql, type RawBuilder } from 'kysely';

/** Column name → SQL type, in the order the SELECT wants them. Names and types come from code, never from input. */
export type RowColumns = Readonly<Record<string, string>>;

const NAME = /^[a-z_][a-z0-9_]*$/;
const TYPE = /^[a-z][a-z0-9_ ]*(\[\])?$/;

/**
 * `jsonb_to_recordset(…) AS alias(columns)`, for a FROM clause: `rows` as a relation of the
 * given columns. Dates go as ISO strings (JSON.stringify calls toISOString). Only for values
 * that are well-formed Unicode (jsonb refuses a lone surrogate, which text would have taken).
 */
export function jsonRows(rows: readonly object[], columns: RowColumns, alias = 'r'): RawBuilder<unknown> {
  const defs = Object.entries(columns).map(([name, type]) => {
    if (!NAME.test(name) || !TYPE.test(type)) throw new Error(`jsonRows: bad column ${name} ${type}`);
    return `${name} ${type}`;
  });
  if (!NAME.test(alias)) throw new Error(`jsonRows: bad alias ${alias}`);
  return sql`jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS ${sql.raw(`${alias}(${defs.join(', ')})`)}`;
}
