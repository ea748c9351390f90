-- A zone import merges its staged rows batch by batch (a range of lines): the staging index
-- leads with the import and orders by line, so each batch reads only its own rows.
DROP INDEX IF EXISTS zone_import_rows_idx;
CREATE INDEX zone_import_rows_idx ON zone_import_rows (import_id, line);
