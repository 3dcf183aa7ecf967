-- Follow-up items (see the MySQL migration of the same number).
CREATE TABLE IF NOT EXISTS follow_ups (
  id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  service_code TEXT NOT NULL,
  opd_code TEXT NOT NULL,
  period_key TEXT NOT NULL,
  element TEXT NOT NULL,
  score REAL NOT NULL,
  mutu TEXT NOT NULL,
  owner TEXT NOT NULL DEFAULT '',
  action TEXT NOT NULL,
  due_date DATE NULL,
  status TEXT NOT NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL,
  updated_by INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX IF NOT EXISTS follow_ups_service_period ON follow_ups (service_code, period_key);
CREATE INDEX IF NOT EXISTS follow_ups_status_due ON follow_ups (status, due_date);
