-- Every index beside the IKM (INDICATORS.md §2-5) as snapshots. Index keys
-- such as item_nonresponse.<element> and the bands of the 0-100 indices
-- ("Sangat Tinggi") need longer columns; an index on the period lets the
-- incremental recompute read one period's stored aggregates.
ALTER TABLE score_snapshots
  MODIFY index_name VARCHAR(96) NOT NULL,
  MODIFY category VARCHAR(32) NOT NULL DEFAULT '',
  ADD KEY score_snapshots_scope (period_kind, period_start, scope_kind);
-- response_scores now has a row for every submitted response (of any
-- survey): besides the packed unsur, its survey, audience, OPD and facts,
-- the answers to the index items encoded as "element=value;..." (a skipped
-- answer as "element=~"; the skm profile questions usia and disabilitas
-- as profil.usia and profil.disabilitas). facts NULL: written before this
-- migration, read from the answers instead.
ALTER TABLE response_scores
  ADD COLUMN survey_id VARCHAR(64) NOT NULL DEFAULT '',
  ADD COLUMN audience VARCHAR(16) NOT NULL DEFAULT 'resident',
  ADD COLUMN opd_code VARCHAR(64) NOT NULL DEFAULT '',
  ADD COLUMN facts MEDIUMTEXT NULL,
  ADD KEY response_scores_opd (opd_code, submitted_at);
UPDATE response_scores rs JOIN responses r ON r.id = rs.response_id
  SET rs.survey_id = r.survey_id, rs.audience = r.audience, rs.opd_code = r.opd_code;
INSERT IGNORE INTO response_scores (response_id, service_code, submitted_at, layout, packed, score_sum, score_count, survey_id, audience, opd_code, facts)
SELECT id, service_code, submitted_at, 981358550, 0, 0, 0, survey_id, audience, opd_code, NULL
FROM responses WHERE status = 'submitted' AND submitted_at IS NOT NULL;
