-- Per-response score summaries, written by Submit in the submit
-- transaction, so a recompute reads one row per response instead of
-- aggregating every answer. layout is the CRC-32 of the comma-joined
-- scored elements (981358550: the nine SKM unsur in order); packed holds
-- each element's score as a base-5 digit (score x 5^i, i its place in the
-- layout), checked on read against score_sum and score_count. Only scores
-- 1-4 of the scored elements count; a response with none has no row.
-- Re-runnable: MySQL commits DDL implicitly.
CREATE TABLE IF NOT EXISTS response_scores (
  response_id BIGINT NOT NULL,
  service_code VARCHAR(64) NOT NULL,
  submitted_at DATETIME(3) NOT NULL,
  layout BIGINT NOT NULL,
  packed DOUBLE NOT NULL,
  score_sum DOUBLE NOT NULL,
  score_count INT NOT NULL,
  PRIMARY KEY (response_id),
  KEY response_scores_submitted (submitted_at, service_code),
  KEY response_scores_service (service_code, submitted_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
-- Backfill from the answers already submitted, by the rules Submit uses.
INSERT IGNORE INTO response_scores (response_id, service_code, submitted_at, layout, packed, score_sum, score_count)
SELECT response_id, MIN(service_code), MIN(submitted_at), 981358550,
  SUM(score * CASE element WHEN 'persyaratan' THEN 1 WHEN 'prosedur' THEN 5 WHEN 'waktu' THEN 25
    WHEN 'biaya' THEN 125 WHEN 'produk' THEN 625 WHEN 'kompetensi' THEN 3125 WHEN 'perilaku' THEN 15625
    WHEN 'sarana' THEN 78125 WHEN 'pengaduan' THEN 390625 ELSE 0 END),
  SUM(score), COUNT(*)
FROM answers
WHERE submitted_at IS NOT NULL AND score >= 1 AND score <= 4
  AND element IN ('persyaratan', 'prosedur', 'waktu', 'biaya', 'produk', 'kompetensi', 'perilaku', 'sarana', 'pengaduan')
GROUP BY response_id;
