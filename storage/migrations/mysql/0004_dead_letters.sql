-- Updates that failed with a non-transient error (see storage.IsTransient):
-- one row per update, counting its failed attempts across replicas. When
-- attempts reaches the bot's limit (5) the update is set aside: dead_at is
-- set and its update_id is recorded in processed_updates in the same
-- transaction, so a redelivery is taken as applied and intake goes on.
-- Rows with dead_at NULL are failures still being retried (or an update
-- that later succeeded). update_json holds the update as received (with the
-- sender's Telegram id and name: deleted with the respondent, and purged
-- with PurgeDeadLetters); error is the last failure's text, redacted.
-- Re-runnable: MySQL commits DDL implicitly.
CREATE TABLE IF NOT EXISTS dead_letters (
  update_id BIGINT NOT NULL,
  chat_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  update_json MEDIUMTEXT NOT NULL,
  error TEXT NOT NULL,
  attempts INT NOT NULL,
  first_failed_at DATETIME(3) NOT NULL,
  failed_at DATETIME(3) NOT NULL,
  dead_at DATETIME(3) NULL,
  PRIMARY KEY (update_id),
  KEY dead_letters_dead_at (dead_at),
  KEY dead_letters_failed_at (failed_at),
  KEY dead_letters_user (user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
