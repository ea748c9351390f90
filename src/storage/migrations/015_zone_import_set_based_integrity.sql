-- Zones and their origin history are written by one writer, the zone import, which upserts a
-- batch's accounts before its zones and opens origin periods only for zones it has just written.
-- Checked row by row, the two foreign keys on that path (zones -> accounts, zone_origins -> zones)
-- cost half of a million-zone import (each takes a row lock per inserted row). The import now
-- checks the same invariant once per batch, set-based, and rolls back if it fails; and since
-- nothing may then remove a referenced row, accounts and zones are never deleted (history is
-- kept: termination and reinstatement change status, erasure would anonymise).
ALTER TABLE zones DROP CONSTRAINT IF EXISTS zones_account_id_fkey;
ALTER TABLE zone_origins DROP CONSTRAINT IF EXISTS zone_origins_zone_id_fkey;

CREATE FUNCTION refuse_world_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% rows are never deleted: zones and origin history refer to them', TG_TABLE_NAME
    USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER accounts_never_deleted BEFORE DELETE ON accounts FOR EACH STATEMENT EXECUTE FUNCTION refuse_world_delete();
CREATE TRIGGER zones_never_deleted BEFORE DELETE ON zones FOR EACH STATEMENT EXECUTE FUNCTION refuse_world_delete();
