-- An item is filed without an account (resolution finds it, and never does for URLs not on the
-- network), and an invalid URL has no host. Every filed row used to add a NULL entry to the
-- account index, and every resolution (a new row version, never a HOT update: the state is
-- indexed) a second one. Every query by account or host asks for `= …` or `IS NOT NULL`, which
-- a partial index answers just as well: filing 10,000 URLs now writes 10,000 index entries
-- fewer, and resolving one fewer per URL not on the network.
DROP INDEX notice_items_account_idx;
CREATE INDEX notice_items_account_idx ON notice_items (account_id) WHERE account_id IS NOT NULL;
DROP INDEX notice_items_host_idx;
CREATE INDEX notice_items_host_idx ON notice_items (host) WHERE host IS NOT NULL;
