-- Resolving a URL writes its item a second time (a new row version, never a HOT update: the
-- state is indexed), so every index entry and every row check on notice_items is paid once at
-- filing and once per resolution. Two of those did work nothing needed:
--
-- An item is filed without an account (resolution finds it, and never does for a URL not on
-- the network), and an invalid URL has no host. Every filed row added a NULL entry to the account
-- index, and every resolution of a URL not on the network a second one. Every query by account
-- or host asks for `= …` or `IS NOT NULL`, which a partial index answers as well.
DROP INDEX notice_items_account_idx;
CREATE INDEX notice_items_account_idx ON notice_items (account_id) WHERE account_id IS NOT NULL;
DROP INDEX notice_items_host_idx;
CREATE INDEX notice_items_host_idx ON notice_items (host) WHERE host IS NOT NULL;

-- The foreign keys from items to zones and accounts were checked row by row, one lookup and row
-- lock per resolved item (a quarter of the resolution UPDATE's time). What they guarantee holds
-- without them, as for the import's (migration 015): the resolver takes the zone and account from
-- those tables, and their rows are never deleted (refuse_world_delete) — nor truncated, which
-- the foreign keys used to prevent and these triggers now do.
ALTER TABLE notice_items DROP CONSTRAINT notice_items_zone_id_fkey;
ALTER TABLE notice_items DROP CONSTRAINT notice_items_account_id_fkey;
ALTER TABLE item_lifecycles DROP CONSTRAINT item_lifecycles_account_id_fkey;
CREATE TRIGGER accounts_never_truncated BEFORE TRUNCATE ON accounts FOR EACH STATEMENT EXECUTE FUNCTION refuse_world_delete();
CREATE TRIGGER zones_never_truncated BEFORE TRUNCATE ON zones FOR EACH STATEMENT EXECUTE FUNCTION refuse_world_delete();
