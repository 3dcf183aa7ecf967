-- The incremental recompute reads the stored snapshots of a few scopes of
-- one period (the touched services, their OPDs, the city): with the scope
-- code in the period index, it reads those rows only, not every scope's
-- snapshots of the period (about 2,000 rows with their details per
-- period). The former index (period_kind, period_start, scope_kind) is a
-- prefix of the new one. One statement: applied whole or not at all.
ALTER TABLE score_snapshots
  DROP KEY score_snapshots_scope,
  ADD KEY score_snapshots_period_scope (period_kind, period_start, scope_kind, scope_code);
