-- The durable outbox (SQLite); see the MySQL migration for the states.
CREATE TABLE IF NOT EXISTS outbox (
  id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  recipient INTEGER NOT NULL,
  kind TEXT NOT NULL,
  slot TEXT NOT NULL,
  message_json TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  not_before DATETIME NOT NULL,
  lease_owner TEXT NOT NULL DEFAULT '',
  lease_until DATETIME NULL,
  sent_to INTEGER NOT NULL DEFAULT 0,
  message_id INTEGER NOT NULL DEFAULT 0,
  reason TEXT NOT NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS outbox_recipient_kind_slot ON outbox (recipient, kind, slot);
CREATE INDEX IF NOT EXISTS outbox_state_not_before ON outbox (state, not_before);
CREATE INDEX IF NOT EXISTS outbox_lease ON outbox (lease_owner);
