-- Each claim of a notice carries a token of its own. A worker whose step was cut short by the
-- database going away (a restart, a failover) takes its notice up again with that token as soon
-- as the database answers, instead of waiting for its own lease to run out; a notice another
-- worker has claimed since has another token, so it is never taken back from that worker.
ALTER TABLE notices ADD COLUMN lease_token uuid;
