-- Per-response score summaries (SQLite), written by Submit in the submit
-- transaction; see the MySQL migration for the layout and packed columns
-- (layout 981358550: the nine SKM unsur in order).
CREATE TABLE IF NOT EXISTS response_scores (
  response_id INTEGER NOT NULL PRIMARY KEY,
  service_code TEXT NOT NULL,
  submitted_at DATETIME NOT NULL,
  layout INTEGER NOT NULL,
  packed REAL NOT NULL,
  score_sum REAL NOT NULL,
  score_count INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS response_scores_submitted ON response_scores (submitted_at, service_code);
CREATE INDEX IF NOT EXISTS response_scores_service ON response_scores (service_code, submitted_at);
-- Backfill from the answers already submitted, by the rules Submit uses.
INSERT OR IGNORE INTO response_scores (response_id, service_code, submitted_at, layout, packed, score_sum, score_count)
SELECT response_id, MIN(service_code), MIN(submitted_at), 981358550,
  SUM(score * CASE element WHEN 'persyaratan' THEN 1 WHEN 'prosedur' THEN 5 WHEN 'waktu' THEN 25
    WHEN 'biaya' THEN 125 WHEN 'produk' THEN 625 WHEN 'kompetensi' THEN 3125 WHEN 'perilaku' THEN 15625
    WHEN 'sarana' THEN 78125 WHEN 'pengaduan' THEN 390625 ELSE 0 END),
  SUM(score), COUNT(*)
FROM answers
WHERE submitted_at IS NOT NULL AND score >= 1 AND score <= 4
  AND element IN ('persyaratan', 'prosedur', 'waktu', 'biaya', 'produk', 'kompetensi', 'perilaku', 'sarana', 'pengaduan')
GROUP BY response_id;
