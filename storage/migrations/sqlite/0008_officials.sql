-- Officials (see the MySQL migration of the same number).
CREATE TABLE officials (
  id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  nip TEXT NULL UNIQUE,
  name TEXT NOT NULL,
  opd_code TEXT NOT NULL,
  level TEXT NOT NULL,
  role TEXT NOT NULL,
  phone TEXT NOT NULL DEFAULT '',
  active BOOLEAN NOT NULL DEFAULT TRUE,
  telegram_user_id INTEGER NULL UNIQUE,
  joined_at DATETIME NULL,
  created_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL
);
CREATE INDEX officials_opd ON officials (opd_code, name);
CREATE TABLE official_invitations (
  id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  token TEXT NOT NULL UNIQUE,
  official_id INTEGER NOT NULL REFERENCES officials (id),
  created_at DATETIME NOT NULL,
  expires_at DATETIME NOT NULL,
  used_at DATETIME NULL,
  used_by BIGINT NULL,
  revoked_at DATETIME NULL
);
CREATE INDEX official_invitations_official ON official_invitations (official_id);
CREATE TABLE service_counts (
  service_code TEXT NOT NULL,
  period_key TEXT NOT NULL,
  total INTEGER NOT NULL,
  online INTEGER NOT NULL,
  updated_at DATETIME NOT NULL,
  PRIMARY KEY (service_code, period_key)
);
CREATE TABLE bot_settings (
  name TEXT NOT NULL PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at DATETIME NOT NULL
);
