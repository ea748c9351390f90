-- Server secrets (e.g. the key that signs private status links), created on first start.
CREATE TABLE settings (
  key         text PRIMARY KEY,
  value       text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
