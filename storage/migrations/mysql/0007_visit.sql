-- A short resident visit.
-- responses.planned_missing: the questions the planned-missingness draw left
-- out of this response (space-separated names, survey order): not asked by
-- design, unlike a skipped or irrelevant question.
-- respondent_profiles: the remembered profile (answers as JSON by question
-- name, offered again for 12 months) and the period a minor was screened
-- out in (no other start in that period); deleted with the respondent.
ALTER TABLE responses
  ADD COLUMN planned_missing VARCHAR(2000) NOT NULL DEFAULT '';
CREATE TABLE IF NOT EXISTS respondent_profiles (
  respondent_key CHAR(32) NOT NULL,
  answers TEXT NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  screened_out_period VARCHAR(32) NOT NULL DEFAULT '',
  PRIMARY KEY (respondent_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
