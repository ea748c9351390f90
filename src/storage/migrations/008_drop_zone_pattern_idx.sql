-- Zone search looks names up by equality (the zone and its parents), never by prefix: the
-- pattern index cost every zone import a third index on a million-row table for nothing.
DROP INDEX IF EXISTS zones_name_pattern_idx;
