-- Initial schema (SQLite). Statements end with a semicolon at the end of a line.
CREATE TABLE respondents (
  respondent_key TEXT NOT NULL PRIMARY KEY,
  audience TEXT NOT NULL,
  lang TEXT NOT NULL,
  opd_code TEXT NOT NULL DEFAULT '',
  created_at DATETIME NOT NULL
);
CREATE TABLE identities (
  telegram_user_id INTEGER NOT NULL PRIMARY KEY,
  respondent_key TEXT NOT NULL UNIQUE,
  chat_id INTEGER NOT NULL,
  created_at DATETIME NOT NULL,
  last_seen_at DATETIME NOT NULL,
  expires_at DATETIME NOT NULL,
  blocked_at DATETIME NULL
);
CREATE INDEX identities_expires_at ON identities (expires_at);
CREATE TABLE consents (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  respondent_key TEXT NOT NULL,
  text_version TEXT NOT NULL,
  given_at DATETIME NOT NULL,
  withdrawn_at DATETIME NULL
);
CREATE INDEX consents_respondent ON consents (respondent_key);
CREATE TABLE responses (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  respondent_key TEXT NOT NULL,
  survey_id TEXT NOT NULL,
  survey_version TEXT NOT NULL,
  service_code TEXT NOT NULL,
  opd_code TEXT NOT NULL DEFAULT '',
  period_key TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('in_progress', 'submitted', 'abandoned')),
  started_at DATETIME NOT NULL,
  updated_at DATETIME NOT NULL,
  submitted_at DATETIME NULL,
  submitted_slot TEXT NULL,
  open_slot TEXT NULL,
  CONSTRAINT responses_one_submitted UNIQUE (respondent_key, survey_id, service_code, submitted_slot),
  CONSTRAINT responses_one_open UNIQUE (respondent_key, survey_id, service_code, open_slot)
);
CREATE INDEX responses_service_period_status ON responses (service_code, period_key, status);
CREATE INDEX responses_opd_period_status ON responses (opd_code, period_key, status);
CREATE INDEX responses_respondent_status ON responses (respondent_key, status);
CREATE TABLE answers (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  response_id INTEGER NOT NULL,
  question TEXT NOT NULL,
  element TEXT NOT NULL DEFAULT '',
  value TEXT NOT NULL,
  score REAL NULL,
  skipped BOOLEAN NOT NULL DEFAULT 0,
  answered_at DATETIME NOT NULL,
  service_code TEXT NOT NULL,
  submitted_at DATETIME NULL,
  CONSTRAINT answers_one_per_question UNIQUE (response_id, question)
);
CREATE INDEX answers_service_element ON answers (service_code, element, submitted_at, score);
CREATE INDEX answers_element ON answers (element, submitted_at);
CREATE TABLE processed_updates (
  update_id INTEGER NOT NULL PRIMARY KEY,
  processed_at DATETIME NOT NULL
);
CREATE INDEX processed_updates_at ON processed_updates (processed_at);
