-- The period index of score_snapshots with the scope code (SQLite); see
-- the MySQL migration of the same number.
CREATE INDEX IF NOT EXISTS score_snapshots_period_scope ON score_snapshots (period_kind, period_start, scope_kind, scope_code);
DROP INDEX IF EXISTS score_snapshots_scope;
