-- Score snapshots and job runs (SQLite). A NULL value means "no figure".
CREATE TABLE score_snapshots (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  index_name TEXT NOT NULL,
  scope_kind TEXT NOT NULL CHECK (scope_kind IN ('service', 'opd', 'city')),
  scope_code TEXT NOT NULL DEFAULT '',
  period_kind TEXT NOT NULL CHECK (period_kind IN ('week', 'month', 'quarter', 'year')),
  period_start DATETIME NOT NULL,
  period_key TEXT NOT NULL,
  value REAL NULL,
  n INTEGER NOT NULL DEFAULT 0,
  n_required INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL DEFAULT '',
  ci_low REAL NULL,
  ci_high REAL NULL,
  category TEXT NOT NULL DEFAULT '',
  uncertain BOOLEAN NOT NULL DEFAULT 0,
  details TEXT NOT NULL,
  computed_at DATETIME NOT NULL,
  CONSTRAINT score_snapshots_scope_period UNIQUE (index_name, scope_kind, scope_code, period_kind, period_start)
);
CREATE INDEX score_snapshots_period ON score_snapshots (index_name, period_kind, period_start);
CREATE TABLE job_runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  job TEXT NOT NULL,
  period_key TEXT NOT NULL,
  started_at DATETIME NOT NULL,
  finished_at DATETIME NOT NULL,
  status TEXT NOT NULL,
  details TEXT NOT NULL,
  CONSTRAINT job_runs_job_period UNIQUE (job, period_key)
);
CREATE INDEX job_runs_job_started ON job_runs (job, status, started_at);
-- Covering index of the score aggregation (GROUP BY response_id in index order).
CREATE INDEX answers_response_score ON answers (response_id, element, score, submitted_at, service_code);
