-- Roles granted in chat by a superadmin (SQLite); see the MySQL migration.
CREATE TABLE IF NOT EXISTS admin_grants (
  id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL,
  role TEXT NOT NULL,
  granted_by INTEGER NOT NULL,
  granted_at DATETIME NOT NULL,
  revoked_at DATETIME NULL,
  revoked_by INTEGER NULL
);
CREATE INDEX IF NOT EXISTS admin_grants_user ON admin_grants (user_id, revoked_at);
