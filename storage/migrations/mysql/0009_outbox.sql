-- The durable outbox: outgoing messages (reminders, digests,
-- notifications) written by a job in the same transaction as its job_runs
-- row, before anything is sent, one row per (recipient, kind, slot).
-- message_json is a sender.Message. state moves pending -> claimed (a
-- drainer holds it until lease_until) -> sending (the request may be on
-- the wire) -> sent | blocked | failed | unknown; a claimed row whose lease
-- expired goes back to pending, a sending one becomes unknown (Telegram
-- may have delivered it: never resent blindly). not_before delays a retry
-- after a 429 or an outage. reason says why a row failed or is unknown.
CREATE TABLE IF NOT EXISTS outbox (
  id BIGINT NOT NULL AUTO_INCREMENT,
  recipient BIGINT NOT NULL,
  kind VARCHAR(64) NOT NULL,
  slot VARCHAR(64) NOT NULL,
  message_json MEDIUMTEXT NOT NULL,
  state VARCHAR(16) NOT NULL,
  attempts INT NOT NULL DEFAULT 0,
  not_before DATETIME(3) NOT NULL,
  lease_owner VARCHAR(64) NOT NULL DEFAULT '',
  lease_until DATETIME(3) NULL,
  sent_to BIGINT NOT NULL DEFAULT 0,
  message_id BIGINT NOT NULL DEFAULT 0,
  reason TEXT NOT NULL,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY outbox_recipient_kind_slot (recipient, kind, slot),
  KEY outbox_state_not_before (state, not_before),
  KEY outbox_lease (lease_owner)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
