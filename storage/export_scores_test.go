package storage

import (
	"context"
	"fmt"
)

// ScoreLayoutForTest is the layout id Submit writes into response_scores.
func (s *Store) ScoreLayoutForTest() int64 { return s.summary.id }

// BackfillScoresForTest empties response_scores and runs migration 0003
// (table and backfill) again, as on a database migrated with answers.
func (s *Store) BackfillScoresForTest(ctx context.Context) error {
	db := s.db.WithContext(ctx)
	if err := db.Exec("DELETE FROM response_scores").Error; err != nil {
		return err
	}
	for _, m := range s.migrations {
		if m.Version != 3 {
			continue
		}
		for _, stmt := range m.Statements {
			if err := db.Exec(stmt).Error; err != nil {
				return fmt.Errorf("%s: %w", m.Name, err)
			}
		}
		return nil
	}
	return fmt.Errorf("migration 0003 not found")
}
