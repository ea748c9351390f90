-- Mail intake: every message accepted by the SMTP listener is stored raw before anything else
-- happens, so it is never lost and can be read again when the reader improves.
CREATE TABLE inbound_messages (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  received_at     timestamptz NOT NULL DEFAULT now(),
  mail_from       text,                           -- SMTP envelope sender (may be empty: bounces)
  rcpt_to         text[] NOT NULL,                -- envelope recipients we accepted
  remote_address  text,
  size            integer NOT NULL,
  sha256          text NOT NULL,
  raw             bytea NOT NULL,
  status          text NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'processed', 'failed')),
  outcome         text,                           -- notice_filed | reply_attached | incomplete | no_notice | unreadable | duplicate
  notice_id       uuid REFERENCES notices(id),
  message_id      text,                           -- the Message-ID header, once parsed
  subject         text,
  from_address    text,                           -- the From header's address, once parsed
  detail          jsonb,                          -- what the reader found, or why it failed
  attempts        integer NOT NULL DEFAULT 0,
  lease_until     timestamptz,
  processed_at    timestamptz
);
CREATE INDEX inbound_messages_pending_idx ON inbound_messages (received_at) WHERE status = 'received';
CREATE INDEX inbound_messages_notice_idx ON inbound_messages (notice_id);
CREATE INDEX inbound_messages_sha_idx ON inbound_messages (sha256);
