-- A short resident visit (see the MySQL migration of the same number).
ALTER TABLE responses ADD COLUMN planned_missing TEXT NOT NULL DEFAULT '';
CREATE TABLE respondent_profiles (
  respondent_key TEXT NOT NULL PRIMARY KEY,
  answers TEXT NOT NULL,
  updated_at DATETIME NOT NULL,
  screened_out_period TEXT NOT NULL DEFAULT ''
);
