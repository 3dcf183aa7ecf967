-- Updates that failed with a non-transient error (SQLite); see the MySQL
-- migration for what the columns hold.
CREATE TABLE IF NOT EXISTS dead_letters (
  update_id INTEGER NOT NULL PRIMARY KEY,
  chat_id INTEGER NOT NULL,
  user_id INTEGER NOT NULL,
  update_json TEXT NOT NULL,
  error TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  first_failed_at DATETIME NOT NULL,
  failed_at DATETIME NOT NULL,
  dead_at DATETIME NULL
);
CREATE INDEX IF NOT EXISTS dead_letters_dead_at ON dead_letters (dead_at);
CREATE INDEX IF NOT EXISTS dead_letters_failed_at ON dead_letters (failed_at);
CREATE INDEX IF NOT EXISTS dead_letters_user ON dead_letters (user_id);
