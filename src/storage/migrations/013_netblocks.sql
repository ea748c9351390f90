-- Netblock assignments with history, and the reports that name an IP address instead of a URL.
--
-- An address block belongs to an account for a period: [assigned_from, assigned_to), the end
-- NULL while it is still assigned. range_start/range_end are 16-byte keys (IPv4 in its
-- IPv4-mapped IPv6 form) so "which block holds this address" is a byte-range test a btree
-- serves on PostgreSQL and PGlite alike; prefix_len is over 128 bits so the longest wins.
CREATE TABLE netblocks (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  cidr           cidr NOT NULL,
  account_id     text NOT NULL REFERENCES accounts(id),
  assigned_from  timestamptz NOT NULL,
  assigned_to    timestamptz,
  range_start    bytea NOT NULL CHECK (length(range_start) = 16),
  range_end      bytea NOT NULL CHECK (length(range_end) = 16),
  prefix_len     smallint NOT NULL CHECK (prefix_len BETWEEN 0 AND 128),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (cidr, assigned_from),
  CHECK (assigned_to IS NULL OR assigned_to > assigned_from),
  CHECK (range_start <= range_end)
);
CREATE INDEX netblocks_range_idx ON netblocks (range_start, range_end);
CREATE INDEX netblocks_account_idx ON netblocks (account_id);

-- Reports read from mail that name an address, port and time (ACNS 2.0, X-ARF/XARF with a
-- source IP): routed to the account that held the address at that time, or recorded as not on
-- the network. One row per report; the message it came in stays in inbound_messages.
CREATE TABLE network_reports (
  id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  inbound_message_id   bigint NOT NULL UNIQUE REFERENCES inbound_messages(id),
  format               text NOT NULL CHECK (format IN ('acns', 'x-arf', 'xarf')),
  category             text NOT NULL,                 -- copyright, spam, phishing…
  case_id              text,                          -- the sender's own reference
  ip                   text NOT NULL,
  port                 integer,
  observed_at          timestamptz NOT NULL,          -- when the sender saw the address in use
  protocol             text,
  works                jsonb NOT NULL DEFAULT '[]',   -- [{title, file_name, hash}]
  complainant_email    text,
  state                text NOT NULL CHECK (state IN ('forwarded', 'not_on_network', 'kept_for_staff')),
  reason               text,
  account_id           text REFERENCES accounts(id),
  netblock_id          bigint REFERENCES netblocks(id),
  created_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX network_reports_account_idx ON network_reports (account_id, created_at);
