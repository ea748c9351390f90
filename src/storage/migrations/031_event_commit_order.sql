-- The webhook loop read the log by id, but ids are handed out when a row is inserted and become
-- visible when its transaction commits: a long transaction's event (a 100,000-URL filing) could
-- commit after a later id had been read and the cursor moved past it, and was never delivered.
-- Each event now records the id of the transaction that wrote it, and the loop reads in
-- (transaction, id) order only events of transactions older than every one still running
-- (pg_snapshot_xmin): whatever commits later has a transaction id at least that high, so it
-- sorts after the cursor and is read next time.
--
-- Rows written before this migration read as transaction 0: all committed, in id order, ahead
-- of every new row. A constant default first, so adding the column rewrites no partition.
ALTER TABLE events ADD COLUMN xact xid8 NOT NULL DEFAULT '0';
ALTER TABLE events ALTER COLUMN xact SET DEFAULT pg_current_xact_id();
CREATE INDEX events_xact_idx ON events (xact, id);

-- Where a cursor stands is now the pair: the existing position, (0, last_event_id), is exactly
-- the place in the new order.
ALTER TABLE event_cursors ADD COLUMN last_xact xid8 NOT NULL DEFAULT '0';
