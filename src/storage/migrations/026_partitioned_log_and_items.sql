-- events and notice_items grow without bound (one row per reported URL, several events per
-- item), so both become partitioned BY RANGE (id), 10,000,000 ids a partition. The identity is
-- the key because it alone keeps PRIMARY KEY (id) a real, global key (a unique index on a
-- partitioned table must contain the partition key) and so keeps the foreign keys to
-- notice_items(id) possible; it also rises with time, so the oldest partitions are the ones an
-- operator detaches and archives.
--
-- The existing table is not copied: it is attached whole as the first partition, <t>_p0, for
-- every id below the next multiple of 10,000,000 above its largest id. Copying millions of rows
-- inside the migration's one transaction would hold the tables for minutes; attaching reads
-- each table once (the partition bound check, the foreign keys) and reuses its indexes.
--
-- One constraint cannot stay global: UNIQUE (notice_id, position) on notice_items does not
-- contain id. It is kept on every partition instead (ensure_partitions adds it to new ones). The
-- items of a notice are written together, so they share a partition except when a notice's
-- rows straddle a 10,000,000 boundary; the code numbers positions itself and never relies on
-- the constraint to resolve a conflict (no ON CONFLICT uses it).

-- What every new partition needs beyond what PostgreSQL clones from the parent (indexes, row
-- triggers, foreign keys, CHECKs): statement-level triggers, which stay on the table they were
-- made on — without this, TRUNCATE events_p3 would go past the append-only guard on events —
-- and the per-partition uniqueness above.
CREATE FUNCTION prepare_id_partition(parent regclass, part regclass) RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
  def text;
BEGIN
  -- pg_get_triggerdef names the table schema-qualified.
  FOR def IN
    SELECT replace(pg_get_triggerdef(t.oid), format(' ON %I.%I ', n.nspname, c.relname), format(' ON %s ', part))
      FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE t.tgrelid = parent AND NOT t.tgisinternal AND (t.tgtype & 1) = 0
       AND t.tgname NOT IN (SELECT tgname FROM pg_trigger WHERE tgrelid = part)
  LOOP
    EXECUTE def;
  END LOOP;
  IF parent = 'notice_items'::regclass THEN
    EXECUTE format('CREATE UNIQUE INDEX IF NOT EXISTS %I ON %s (notice_id, position)', left(part::text, 50) || '_position_key', part);
  END IF;
END
$fn$;

-- Makes sure partitions exist for the ids about to be used: the one the identity sequence is in
-- and `ahead` more, so a regular call (every start, and hourly from the daemon) keeps at least
-- 20,000,000 ids of room. Cheap when there is nothing to do: catalog reads only.
--
-- The DEFAULT partition catches inserts if maintenance ever lags, so an insert never fails for
-- want of a partition. A range whose ids already sit in the default partition cannot be
-- created (PostgreSQL refuses a partition that would take rows from the default); that range is
-- skipped with a WARNING and its rows stay, readable, in the default partition, rather than
-- being moved here: moving them would mean deleting from the append-only log. Later ranges are
-- still created, so the default takes at most that one range.
CREATE FUNCTION ensure_partitions(ahead integer DEFAULT 2) RETURNS integer LANGUAGE plpgsql AS $fn$
DECLARE
  size constant bigint := 10000000;
  t text;
  top bigint;
  covered bigint;
  target bigint;
  lo bigint;
  hi bigint;
  part text;
  made integer := 0;
  tried integer;
BEGIN
  -- Several processes start and run maintenance together; one at a time keeps this simple.
  -- 727004 is LOCKS.partitions in src/storage/locks.ts.
  PERFORM pg_advisory_xact_lock(727004);
  FOREACH t IN ARRAY ARRAY['events', 'notice_items'] LOOP
    IF to_regclass(t || '_default') IS NULL THEN
      EXECUTE format('CREATE TABLE %I PARTITION OF %I DEFAULT', t || '_default', t);
      PERFORM prepare_id_partition(t::regclass, (t || '_default')::regclass);
    END IF;
    -- The sequence, not max(id): an id written by hand far ahead (OVERRIDING SYSTEM VALUE) must
    -- not make this create thousands of empty partitions.
    top := coalesce(pg_sequence_last_value(pg_get_serial_sequence(t, 'id')::regclass), 0);
    SELECT max((regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \(''?(-?[0-9]+)''?\)'))[1]::bigint)
      INTO covered
      FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = t::regclass;
    covered := coalesce(covered, 0);
    target := (top / size + 1 + ahead) * size;
    tried := 0;
    -- At most 16 a call: a sequence set far ahead by hand is caught up over several calls
    -- instead of holding the parent's lock for one long one.
    WHILE covered < target AND tried < 16 LOOP
      lo := covered;
      hi := (lo / size + 1) * size;
      part := t || '_p' || (lo / size);
      tried := tried + 1;
      BEGIN
        EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%s) TO (%s)', part, t, lo, hi);
        PERFORM prepare_id_partition(t::regclass, part::regclass);
        made := made + 1;
      EXCEPTION WHEN check_violation OR duplicate_table THEN
        RAISE WARNING 'partition % of % for ids [%, %) not created: %', part, t, lo, hi, SQLERRM;
      END;
      covered := hi;
    END LOOP;
  END LOOP;
  RETURN made;
END
$fn$;

-- Turns table t into a partitioned table of the same name whose first partition is the old
-- table. Definitions are read from the catalog, not restated here, so every index, trigger,
-- default and foreign key an earlier migration made comes along, including ones added later
-- than this comment was written.
CREATE FUNCTION partition_table_by_id(t text) RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
  size constant bigint := 10000000;
  first text := t || '_p0';
  seq_last bigint;
  seq_called boolean;
  bound bigint;
  id_attnum smallint;
  indexes text[];
  triggers text[];
  own_fks text[];
  incoming_fks text[];
  r record;
  stmt text;
BEGIN
  EXECUTE format('SELECT last_value, is_called FROM %s', pg_get_serial_sequence(t, 'id')) INTO seq_last, seq_called;
  EXECUTE format('SELECT coalesce(max(id), 0) FROM %I', t) INTO bound;
  bound := (greatest(bound, seq_last) / size + 1) * size;
  SELECT attnum INTO id_attnum FROM pg_attribute WHERE attrelid = t::regclass AND attname = 'id';

  -- Read while the definitions still name t, which is then the parent's name.
  SELECT coalesce(array_agg(pg_get_indexdef(indexrelid) ORDER BY indexrelid), '{}') INTO indexes
    FROM pg_index
   WHERE indrelid = t::regclass AND NOT indisprimary AND (NOT indisunique OR id_attnum = ANY (indkey::smallint[]));
  SELECT coalesce(array_agg(pg_get_triggerdef(oid) ORDER BY oid), '{}') INTO triggers
    FROM pg_trigger WHERE tgrelid = t::regclass AND NOT tgisinternal;
  SELECT coalesce(array_agg(format('ALTER TABLE %I ADD CONSTRAINT %I %s', t, conname, pg_get_constraintdef(oid)) ORDER BY oid), '{}')
    INTO own_fks FROM pg_constraint WHERE conrelid = t::regclass AND contype = 'f';
  SELECT coalesce(array_agg(format('ALTER TABLE %s ADD CONSTRAINT %I %s', conrelid::regclass, conname, pg_get_constraintdef(oid)) ORDER BY oid), '{}')
    INTO incoming_fks FROM pg_constraint WHERE confrelid = t::regclass AND contype = 'f';

  -- Foreign keys into t would follow the old table's oid into the partition.
  FOR r IN SELECT conrelid::regclass AS rel, conname FROM pg_constraint WHERE confrelid = t::regclass AND contype = 'f' LOOP
    EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.rel, r.conname);
  END LOOP;

  EXECUTE format('ALTER TABLE %I RENAME TO %I', t, first);
  -- Frees the index and constraint names (t_pkey, t_notice_idx…) for the parent's.
  FOR r IN SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = first::regclass LOOP
    EXECUTE format('ALTER INDEX %I RENAME TO %I', r.relname,
      left(CASE WHEN starts_with(r.relname, t || '_') THEN first || substr(r.relname, length(t) + 1) ELSE r.relname || '_p0' END, 63));
  END LOOP;
  -- Row triggers come back as clones of the parent's; statement-level ones are never cloned and
  -- stay, so TRUNCATE of this partition is refused as before.
  FOR r IN SELECT tgname FROM pg_trigger WHERE tgrelid = first::regclass AND NOT tgisinternal AND (tgtype & 1) = 1 LOOP
    EXECUTE format('DROP TRIGGER %I ON %I', r.tgname, first);
  END LOOP;
  FOR r IN SELECT conname FROM pg_constraint WHERE conrelid = first::regclass AND contype = 'f' LOOP
    EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', first, r.conname);
  END LOOP;
  -- The parent owns the identity; its new sequence takes the old one's position below.
  EXECUTE format('ALTER TABLE %I ALTER COLUMN id DROP IDENTITY', first);

  EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED INCLUDING STORAGE INCLUDING COMMENTS) PARTITION BY RANGE (id)', t, first);
  EXECUTE format('ALTER TABLE %I ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY', t);
  PERFORM setval(pg_get_serial_sequence(t, 'id'), seq_last, seq_called);
  EXECUTE format('ALTER TABLE %I ADD PRIMARY KEY (id)', t);
  -- Made before the attach, so the old table's equal indexes are adopted, not built again.
  FOREACH stmt IN ARRAY indexes LOOP EXECUTE stmt; END LOOP;
  FOREACH stmt IN ARRAY triggers LOOP EXECUTE stmt; END LOOP;
  EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (MINVALUE) TO (%s)', t, first, bound);
  FOREACH stmt IN ARRAY own_fks LOOP EXECUTE stmt; END LOOP;
  FOREACH stmt IN ARRAY incoming_fks LOOP EXECUTE stmt; END LOOP;
END
$fn$;

SELECT partition_table_by_id('events');
SELECT partition_table_by_id('notice_items');
DROP FUNCTION partition_table_by_id(text);
SELECT ensure_partitions();
