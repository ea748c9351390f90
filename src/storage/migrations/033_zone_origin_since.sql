-- When the zone's current origin began (the valid_from of its open zone_origins period), kept by
-- the zone import beside origin itself. A notice filed after that needs no look into the origin
-- history, which was half of the resolver's lookups for a big notice. NULL for zones loaded
-- before this column: the resolver then looks the history up as before, so no backfill is needed.
ALTER TABLE zones ADD COLUMN origin_since timestamptz;
