-- Signing in to the web pages (staff console, customer portal), the indexes that the staff
-- queue, account pages and search need, and nothing else.

-- A browser session: only a SHA-256 of the cookie value is stored.
CREATE TABLE sessions (
  id_hash       text PRIMARY KEY,
  principal_id  uuid NOT NULL REFERENCES principals(id),
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL,
  ended_at      timestamptz
);
CREATE INDEX sessions_principal_idx ON sessions (principal_id);

-- One-time sign-in links sent by e-mail (customers sign in with their account's address).
CREATE TABLE login_links (
  token_hash    text PRIMARY KEY,
  principal_id  uuid NOT NULL REFERENCES principals(id),
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL,
  used_at       timestamptz
);

-- One customer principal per account, whatever the number of sign-ins.
CREATE UNIQUE INDEX principals_customer_account_idx ON principals (account_id) WHERE role = 'customer';

-- The review queue: items waiting for a human, by notice.
CREATE INDEX notice_items_review_idx ON notice_items (notice_id) WHERE state = 'pending_review';
-- Search by host (a URL search narrows by its host first). notice_items takes a million rows a
-- day and every item is updated once when resolved: each index here costs on both, so only this one.
CREATE INDEX notice_items_host_idx ON notice_items (host);
CREATE INDEX zones_name_pattern_idx ON zones (name text_pattern_ops);
CREATE INDEX accounts_name_idx ON accounts (lower(name) text_pattern_ops);
CREATE INDEX accounts_email_idx ON accounts (lower(email));
CREATE INDEX notices_claimant_email_idx ON notices (lower(submission #>> '{claimant,email}'));
CREATE INDEX notices_created_idx ON notices (created_at, id);
CREATE INDEX notices_claimant_name_idx ON notices (lower(submission #>> '{claimant,name}') text_pattern_ops);
CREATE INDEX notices_claimant_company_idx ON notices (lower(submission #>> '{claimant,company}') text_pattern_ops);
