-- Initial schema (MySQL/MariaDB, utf8mb4, byte-exact collation). MySQL DDL
-- commits implicitly, so every statement is written to be re-runnable after
-- a half-applied attempt. Statements end with a semicolon at the end of a line.
CREATE TABLE IF NOT EXISTS respondents (
  respondent_key CHAR(32) NOT NULL,
  audience VARCHAR(16) NOT NULL,
  lang VARCHAR(16) NOT NULL,
  opd_code VARCHAR(64) NOT NULL DEFAULT '',
  created_at DATETIME(3) NOT NULL,
  PRIMARY KEY (respondent_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE TABLE IF NOT EXISTS identities (
  telegram_user_id BIGINT NOT NULL,
  respondent_key CHAR(32) NOT NULL,
  chat_id BIGINT NOT NULL,
  created_at DATETIME(3) NOT NULL,
  last_seen_at DATETIME(3) NOT NULL,
  expires_at DATETIME(3) NOT NULL,
  blocked_at DATETIME(3) NULL,
  PRIMARY KEY (telegram_user_id),
  UNIQUE KEY identities_respondent (respondent_key),
  KEY identities_expires_at (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE TABLE IF NOT EXISTS consents (
  id BIGINT NOT NULL AUTO_INCREMENT,
  respondent_key CHAR(32) NOT NULL,
  text_version VARCHAR(64) NOT NULL,
  given_at DATETIME(3) NOT NULL,
  withdrawn_at DATETIME(3) NULL,
  PRIMARY KEY (id),
  KEY consents_respondent (respondent_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE TABLE IF NOT EXISTS responses (
  id BIGINT NOT NULL AUTO_INCREMENT,
  respondent_key CHAR(32) NOT NULL,
  survey_id VARCHAR(64) NOT NULL,
  survey_version VARCHAR(64) NOT NULL,
  service_code VARCHAR(64) NOT NULL,
  opd_code VARCHAR(64) NOT NULL DEFAULT '',
  period_key VARCHAR(16) NOT NULL,
  status VARCHAR(16) NOT NULL,
  started_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  submitted_at DATETIME(3) NULL,
  submitted_slot VARCHAR(16) NULL,
  open_slot VARCHAR(16) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY responses_one_submitted (respondent_key, survey_id, service_code, submitted_slot),
  UNIQUE KEY responses_one_open (respondent_key, survey_id, service_code, open_slot),
  KEY responses_service_period_status (service_code, period_key, status),
  KEY responses_opd_period_status (opd_code, period_key, status),
  KEY responses_respondent_status (respondent_key, status),
  CONSTRAINT responses_status CHECK (status IN ('in_progress', 'submitted', 'abandoned'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE TABLE IF NOT EXISTS answers (
  id BIGINT NOT NULL AUTO_INCREMENT,
  response_id BIGINT NOT NULL,
  question VARCHAR(100) NOT NULL,
  element VARCHAR(64) NOT NULL DEFAULT '',
  value TEXT NOT NULL,
  score DOUBLE NULL,
  skipped BOOLEAN NOT NULL DEFAULT FALSE,
  answered_at DATETIME(3) NOT NULL,
  service_code VARCHAR(64) NOT NULL,
  submitted_at DATETIME(3) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY answers_one_per_question (response_id, question),
  KEY answers_service_element (service_code, element, submitted_at, score),
  KEY answers_element (element, submitted_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE TABLE IF NOT EXISTS processed_updates (
  update_id BIGINT NOT NULL,
  processed_at DATETIME(3) NOT NULL,
  PRIMARY KEY (update_id),
  KEY processed_updates_at (processed_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
