-- Every index beside the IKM as snapshots (SQLite); see the MySQL migration
-- of the same number for the columns.
CREATE INDEX IF NOT EXISTS score_snapshots_scope ON score_snapshots (period_kind, period_start, scope_kind);
ALTER TABLE response_scores ADD COLUMN survey_id TEXT NOT NULL DEFAULT '';
ALTER TABLE response_scores ADD COLUMN audience TEXT NOT NULL DEFAULT 'resident';
ALTER TABLE response_scores ADD COLUMN opd_code TEXT NOT NULL DEFAULT '';
ALTER TABLE response_scores ADD COLUMN facts TEXT NULL;
CREATE INDEX IF NOT EXISTS response_scores_opd ON response_scores (opd_code, submitted_at);
UPDATE response_scores SET
  survey_id = (SELECT survey_id FROM responses WHERE responses.id = response_scores.response_id),
  audience = (SELECT audience FROM responses WHERE responses.id = response_scores.response_id),
  opd_code = (SELECT opd_code FROM responses WHERE responses.id = response_scores.response_id)
WHERE EXISTS (SELECT 1 FROM responses WHERE responses.id = response_scores.response_id);
INSERT OR IGNORE INTO response_scores (response_id, service_code, submitted_at, layout, packed, score_sum, score_count, survey_id, audience, opd_code, facts)
SELECT id, service_code, submitted_at, 981358550, 0, 0, 0, survey_id, audience, opd_code, NULL
FROM responses WHERE status = 'submitted' AND submitted_at IS NOT NULL;
