-- Score snapshots and job runs (MySQL/MariaDB, utf8mb4). Re-runnable: MySQL
-- commits DDL implicitly. A NULL value means "no figure" (never zero).
CREATE TABLE IF NOT EXISTS score_snapshots (
  id BIGINT NOT NULL AUTO_INCREMENT,
  index_name VARCHAR(32) NOT NULL,
  scope_kind VARCHAR(16) NOT NULL,
  scope_code VARCHAR(64) NOT NULL DEFAULT '',
  period_kind VARCHAR(16) NOT NULL,
  period_start DATETIME(3) NOT NULL,
  period_key VARCHAR(16) NOT NULL,
  value DOUBLE NULL,
  n INT NOT NULL DEFAULT 0,
  n_required INT NOT NULL DEFAULT 0,
  status VARCHAR(32) NOT NULL DEFAULT '',
  ci_low DOUBLE NULL,
  ci_high DOUBLE NULL,
  category VARCHAR(8) NOT NULL DEFAULT '',
  uncertain BOOLEAN NOT NULL DEFAULT FALSE,
  details MEDIUMTEXT NOT NULL,
  computed_at DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY score_snapshots_scope_period (index_name, scope_kind, scope_code, period_kind, period_start),
  KEY score_snapshots_period (index_name, period_kind, period_start),
  CONSTRAINT score_snapshots_scope_kind CHECK (scope_kind IN ('service', 'opd', 'city')),
  CONSTRAINT score_snapshots_period_kind CHECK (period_kind IN ('week', 'month', 'quarter', 'year'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE TABLE IF NOT EXISTS job_runs (
  id BIGINT NOT NULL AUTO_INCREMENT,
  job VARCHAR(64) NOT NULL,
  period_key VARCHAR(64) NOT NULL,
  started_at DATETIME(3) NOT NULL,
  finished_at DATETIME(3) NOT NULL,
  status VARCHAR(16) NOT NULL,
  details TEXT NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY job_runs_job_period (job, period_key),
  KEY job_runs_job_started (job, status, started_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
-- Covering index of the score aggregation (one GROUP BY response_id pass
-- read in index order, no temporary table). Kept last: it is the only
-- statement that is not re-runnable on MySQL.
CREATE INDEX answers_response_score ON answers (response_id, element, score, submitted_at, service_code);
