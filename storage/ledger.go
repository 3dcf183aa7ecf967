package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// LastProcessedUpdateID returns the highest update id recorded in
// processed_updates, or 0 when none is. A local emulator continues its
// update numbering after it, so that a new run's updates are not taken
// for ones already applied.
func (s *Store) LastProcessedUpdateID(ctx context.Context) (int64, error) {
	var id sql.NullInt64
	if err := s.db.WithContext(ctx).Raw("SELECT MAX(update_id) FROM processed_updates").Scan(&id).Error; err != nil {
		return 0, s.scrub(fmt.Errorf("last processed update id: %w", err))
	}
	return id.Int64, nil
}

// PurgeProcessedUpdates deletes at most limit rows of processed_updates
// recorded before before, oldest first, in one statement (one short
// transaction, over the index on processed_at), and returns how many it
// deleted. Call it until it deletes fewer than limit to purge them all.
func (s *Store) PurgeProcessedUpdates(ctx context.Context, before time.Time, limit int) (int64, error) {
	if limit <= 0 {
		return 0, fmt.Errorf("purge processed updates: batch size %d: want a positive number", limit)
	}
	// MySQL refuses LIMIT in an IN subquery; SQLite (as built here) has no
	// DELETE ... LIMIT. Each gets its own form of the same delete.
	query := "DELETE FROM processed_updates WHERE update_id IN (" +
		"SELECT update_id FROM processed_updates WHERE processed_at < ? ORDER BY processed_at LIMIT ?)"
	if s.dialect == DriverMySQL {
		query = "DELETE FROM processed_updates WHERE processed_at < ? ORDER BY processed_at LIMIT ?"
	}
	res := s.db.WithContext(ctx).Exec(query, utcMilli(before), limit)
	if res.Error != nil {
		return 0, s.scrub(fmt.Errorf("purge processed updates before %s: %w", utcMilli(before).Format(time.RFC3339), res.Error))
	}
	return res.RowsAffected, nil
}

// RecordJobRun inserts the job_runs row of a run whose work is already
// committed (a purge, done in batches): it returns ErrJobDone when a run
// of the job for the period was recorded before.
func (s *Store) RecordJobRun(ctx context.Context, run JobRun) error {
	run.StartedAt, run.FinishedAt = utcMilli(run.StartedAt), utcMilli(run.FinishedAt)
	if run.Status == "" {
		run.Status = JobStatusOK
	}
	err := s.db.WithContext(ctx).Create(&run).Error
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return fmt.Errorf("%s %s: %w", run.Job, run.PeriodKey, ErrJobDone)
	}
	if err != nil {
		return s.scrub(fmt.Errorf("record job run %s %s: %w", run.Job, run.PeriodKey, err))
	}
	return nil
}
