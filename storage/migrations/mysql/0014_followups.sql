-- Follow-up items (INDICATORS.md §5): each quarter, every service whose
-- lowest unsur is in band C or D gets one item, unique per service and
-- quarter. The job that creates them writes the unsur, its score (NRR
-- converted to 25..100) and mutu as they were; Diskominfo admins set the
-- owner, the action, the due date and the status (open, in_progress,
-- done, dropped). updated_by is the admin's Telegram user id (0 for the
-- job or the CLI).
CREATE TABLE IF NOT EXISTS follow_ups (
  id BIGINT NOT NULL AUTO_INCREMENT,
  service_code VARCHAR(64) NOT NULL,
  opd_code VARCHAR(64) NOT NULL,
  period_key VARCHAR(16) NOT NULL,
  element VARCHAR(64) NOT NULL,
  score DOUBLE NOT NULL,
  mutu VARCHAR(4) NOT NULL,
  owner VARCHAR(200) NOT NULL DEFAULT '',
  action TEXT NOT NULL,
  due_date DATE NULL,
  status VARCHAR(16) NOT NULL,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  updated_by BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (id),
  UNIQUE KEY follow_ups_service_period (service_code, period_key),
  KEY follow_ups_status_due (status, due_date)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
