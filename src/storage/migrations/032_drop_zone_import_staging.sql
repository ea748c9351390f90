-- The zone import no longer stages its lines: each batch goes to the merge as one parameter
-- (services/zone-import.ts). Writing a million lines to this table and reading them back cost
-- the database more than the merge itself. It only ever held an import's lines while it ran.
DROP TABLE zone_import_rows;
